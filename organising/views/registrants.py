"""Registrants: the list with search and filters, one registrant's page, actions, bulk."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from organising import registrants as registrant_selectors
from organising.forms import BULK_ACTIONS, BulkForm, DeclineForm, ModeForm, RegistrantFilterForm
from organising.views.common import organiser_view, paginate
from registration.models import Registration
from registration.services import registration_cancel, registration_decide
from registration.services.organiser import (
    registration_confirmation_resend,
    registration_decline,
    registration_mode_change,
    registration_promote,
)


def _filters(form: RegistrantFilterForm) -> registrant_selectors.RegistrantFilters:
    if not form.is_valid():
        return registrant_selectors.RegistrantFilters()
    data = form.cleaned_data
    return registrant_selectors.RegistrantFilters(
        q=data["q"].strip(),
        mode=data["mode"],
        status=data["status"],
        group=data["group"],
        checked_in=data["checked_in"],
        consent_agency=data["consent"].pk if data["consent"] else None,
    )


@organiser_view
def registrant_list(request, seminar):
    form = RegistrantFilterForm(request.GET or None)
    rows = registrant_selectors.registrants(seminar, _filters(form))
    pages = paginate(request, rows)
    return render(
        request,
        "organising/registrants.html",
        {
            "seminar": seminar,
            "form": form,
            "page": pages.page,
            "pages": pages,
            "bulk_actions": BULK_ACTIONS,
        },
    )


def _registrant(seminar, pk) -> Registration:
    registration = registrant_selectors.registrant_detail(seminar, pk)
    if registration is None:
        raise Http404
    return registration


@organiser_view
def registrant(request, seminar, pk):
    registration = _registrant(seminar, pk)
    return render(
        request,
        "organising/registrant.html",
        {
            "seminar": seminar,
            "r": registration,
            "consents": registrant_selectors.consent_history(registration),
            "attendance": registrant_selectors.attendance(registration),
            "decline_form": DeclineForm(),
            "mode_form": ModeForm(initial={"mode": registration.attendance_mode}),
        },
    )


def _act(request, registration, action: str) -> str:
    """Run one action; returns the message to show. ValidationError for a refused one."""
    if action == "approve":
        registration_decide(registration=registration, approve=True)
        return _("Approved.")
    if action == "cancel":
        registration_cancel(registration=registration)
        return _("Cancelled.")
    if action == "resend":
        registration_confirmation_resend(registration=registration)
        return _("The confirmation is sent again.")
    if action == "promote":
        registration_promote(registration=registration)
        return _("Promoted from the waiting list.")
    if action == "decline":
        form = DeclineForm(request.POST)
        reason = form.cleaned_data["reason"] if form.is_valid() else ""
        registration_decline(registration=registration, reason=reason)
        return _("Declined; the reason is emailed.")
    if action == "mode":
        form = ModeForm(request.POST)
        if not form.is_valid():
            raise ValidationError(_("Choose an attendance mode."))
        registration_mode_change(registration=registration, mode=form.cleaned_data["mode"])
        return _("The attendance mode is changed.")
    raise ValidationError(_("Unknown action."))


@require_POST
@organiser_view
def registrant_action(request, seminar, pk):
    registration = _registrant(seminar, pk)
    try:
        messages.success(request, _act(request, registration, request.POST.get("action", "")))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("organising:registrant", slug=seminar.slug, pk=pk)


@require_POST
@organiser_view
def bulk(request, seminar):
    """First POST: a confirmation that says how many are affected; second POST: done."""
    form = BulkForm(request.POST)
    if not form.is_valid():
        for message in form.errors.get("__all__", []) or [_("Choose an action.")]:
            messages.error(request, message)
        return redirect("organising:registrants", slug=seminar.slug)
    action, ids = form.cleaned_data["action"], form.cleaned_data["ids"]
    chosen = registrant_selectors.chosen(seminar, ids)
    if request.POST.get("confirmed") != "yes":
        return render(
            request,
            "organising/bulk_confirm.html",
            {
                "seminar": seminar,
                "action": action,
                "action_label": dict(BULK_ACTIONS)[action],
                "chosen": chosen,
            },
        )
    done, refused = 0, 0
    for registration in chosen:
        try:
            _act(request, registration, action)
            done += 1
        except ValidationError:
            refused += 1
    messages.success(
        request,
        _("Done for %(done)s registrants; %(refused)s could not be changed (see their status).")
        % {"done": done, "refused": refused},
    )
    return redirect("organising:registrants", slug=seminar.slug)
