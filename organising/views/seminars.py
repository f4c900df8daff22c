"""Seminars: the organiser's list, create and edit, publish, unpublish, duplicate."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from organising import permissions, selectors
from organising.figures import overview_figures
from organising.forms import DuplicateForm, SeminarForm
from organising.services.seminars import (
    seminar_duplicate,
    seminar_publish,
    seminar_save,
    seminar_unpublish,
)
from organising.views.common import form_errors_from, organiser_view, paginate
from scheduling.timezones import zone_groups
from seminars.models import Seminar


@login_required
def my_seminars(request):
    if not permissions.can_use_workspace(request.user):
        raise PermissionDenied
    return render(
        request,
        "organising/my_seminars.html",
        {
            "seminars": paginate(request, selectors.my_seminars(request.user)),
            "can_create": permissions.can_create_seminars(request.user),
        },
    )


def _save(request, form, seminar: Seminar | None):
    if form.is_valid():
        try:
            with transaction.atomic():
                saved = seminar_save(
                    seminar=form.instance,
                    host_name=form.cleaned_data["host_name"],
                    user=request.user,
                )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("The seminar is saved."))
            return redirect("organising:overview", slug=saved.slug)
    return render(
        request,
        "organising/seminar_form.html",
        {"form": form, "seminar": seminar, "zone_groups": zone_groups()},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def seminar_create(request):
    if not permissions.can_create_seminars(request.user):
        raise PermissionDenied
    form = SeminarForm(request.POST or None)
    return _save(request, form, None)


@organiser_view
def seminar_edit(request, seminar):
    form = SeminarForm(request.POST or None, instance=seminar)
    return _save(request, form, seminar)


@organiser_view
def overview(request, seminar):
    return render(
        request,
        "organising/overview.html",
        {
            "seminar": seminar,
            "checklist": selectors.publish_checklist(seminar),
            "pending_count": selectors.pending_change_count(seminar),
            "confirmed": selectors.confirmed_counts(seminar),
            "figures": overview_figures(seminar),
        },
    )


@require_POST
@organiser_view
def publish(request, seminar):
    try:
        seminar_publish(seminar=seminar)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The seminar is published."))
    return redirect("organising:overview", slug=seminar.slug)


@require_POST
@organiser_view
def unpublish(request, seminar):
    try:
        seminar_unpublish(seminar=seminar)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The seminar is a draft again."))
    return redirect("organising:overview", slug=seminar.slug)


@organiser_view
def duplicate(request, seminar):
    if not permissions.can_create_seminars(request.user):
        raise PermissionDenied
    form = DuplicateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        copy = seminar_duplicate(source=seminar, user=request.user, **form.cleaned_data)
        messages.success(request, _("The copy is a draft: check its dates and agenda."))
        return redirect("organising:overview", slug=copy.slug)
    return render(
        request,
        "organising/duplicate.html",
        {"form": form, "seminar": seminar},
        status=400 if request.method == "POST" else 200,
    )
