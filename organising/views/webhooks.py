"""The seminar's webhook subscriptions in the workspace: list with the latest deliveries, add
(the signing secret shown once), disable, enable, delete, send a test event. Every write is a
service of the api app, the one home of the webhook rules (docs/api.md)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from api import selectors
from api.services import webhooks as services
from organising.forms import WebhookForm
from organising.views.common import form_errors_from, organiser_view, paginate


def _page(request, seminar, form, *, status: int = 200):
    return render(
        request,
        "organising/webhooks.html",
        {
            "seminar": seminar,
            "form": form,
            "webhooks": paginate(request, selectors.webhooks_with_recent_deliveries(seminar)),
            "tab": "webhooks",
        },
        status=status,
    )


@organiser_view
def webhook_list(request, seminar):
    if request.method != "POST":
        return _page(request, seminar, WebhookForm())
    form = WebhookForm(request.POST)
    if form.is_valid():
        try:
            subscription = services.webhook_subscription_create(
                seminar=seminar,
                owner=request.user,
                url=form.cleaned_data["url"],
                events=form.cleaned_data["events"],
                https_only=True,
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            # The one time the secret is shown: not in a redirect's session message.
            return render(
                request,
                "organising/webhook_created.html",
                {"seminar": seminar, "subscription": subscription, "tab": "webhooks"},
                status=201,
            )
    return _page(request, seminar, form, status=400)


def _subscription(seminar, webhook_id):
    subscription = selectors.webhook_of(seminar, webhook_id)
    if subscription is None:
        raise Http404
    return subscription


def _act(request, seminar, webhook_id, service, done: str):
    try:
        service(subscription=_subscription(seminar, webhook_id))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect("organising:webhooks", slug=seminar.slug)


@require_POST
@organiser_view
def webhook_disable(request, seminar, webhook_id):
    done = _("Webhook disabled.")
    return _act(request, seminar, webhook_id, services.webhook_subscription_disable, done)


@require_POST
@organiser_view
def webhook_enable(request, seminar, webhook_id):
    done = _("Webhook enabled.")
    return _act(request, seminar, webhook_id, services.webhook_subscription_enable, done)


@require_POST
@organiser_view
def webhook_delete(request, seminar, webhook_id):
    done = _("Webhook deleted.")
    return _act(request, seminar, webhook_id, services.webhook_subscription_delete, done)


@require_POST
@organiser_view
def webhook_test(request, seminar, webhook_id):
    done = _("Test event queued. Its delivery appears below within a minute.")
    return _act(request, seminar, webhook_id, services.webhook_test_send, done)
