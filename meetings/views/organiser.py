"""The organisers' pages in the workspace: configuration, windows, officers, the grid."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from meetings import exports, selectors
from meetings.forms import MoveForm, OfficerForm, ProgrammeForm, WindowForm, slot_choices
from meetings.services import programme as programme_services
from meetings.services import requests as services
from meetings.views.common import act
from organising.views.common import form_errors_from, organiser_view


def _bad(request, form):
    messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))


@organiser_view
def configure(request, seminar):
    programme = programme_services.programme_get_or_create(seminar=seminar)
    form = ProgrammeForm(request.POST or None, instance=programme, prefix="p")
    if request.method == "POST" and form.is_valid():
        try:
            programme_services.programme_save(programme=form.save(commit=False))
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("Meetings programme saved."))
            return redirect("meetings:configure", slug=seminar.slug)
    return render(
        request,
        "meetings/configure.html",
        {
            "seminar": seminar,
            "tab": "meetings",
            "form": form,
            "window_form": WindowForm(prefix="w"),
            "officer_form": OfficerForm(prefix="o"),
            "programme": programme,
            "windows": selectors.windows_in_zone(programme),
            "officers": selectors.seminar_officers(seminar),
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@organiser_view
def window_add(request, seminar):
    programme = programme_services.programme_get_or_create(seminar=seminar)
    form = WindowForm(request.POST, prefix="w")
    if not form.is_valid():
        _bad(request, form)
        return redirect("meetings:configure", slug=seminar.slug)
    data = form.cleaned_data
    return act(
        request, programme_services.window_add, programme=programme,
        day=data["day"], start=data["start"], end=data["end"],
        to="meetings:configure", slug=seminar.slug, done=_("Window added."),
    )  # fmt: skip


@require_POST
@organiser_view
def officer_add(request, seminar):
    form = OfficerForm(request.POST, prefix="o")
    if not form.is_valid():
        _bad(request, form)
        return redirect("meetings:configure", slug=seminar.slug)
    data = form.cleaned_data
    user = selectors.user_by_email(data["email"])
    if user is None:
        messages.error(request, _("No account uses that email; invite the officer first."))
        return redirect("meetings:configure", slug=seminar.slug)
    return act(
        request, programme_services.officer_save, seminar=seminar, user=user,
        agency=data["agency"], display_name=data["display_name"],
        unspsc_codes=data["unspsc_codes"].split(), languages=data["languages"].split(),
        time_zone=data["time_zone"], meeting_link=data["meeting_link"],
        to="meetings:configure", slug=seminar.slug, done=_("Officer saved."),
    )  # fmt: skip


@organiser_view
def grid(request, seminar):
    programme = programme_services.programme_get_or_create(seminar=seminar)
    built = selectors.organiser_grid(programme)
    return render(
        request,
        "meetings/grid.html",
        {
            "seminar": seminar,
            "tab": "meetings",
            "programme": programme,
            "grid": built,
            "slot_choices": slot_choices(
                built.slots,
                length=programme.meeting_minutes,
                mine=seminar.time_zone,
                seminar=seminar.time_zone,
            ),
        },
    )


@require_POST
@organiser_view
def move(request, seminar, meeting_id):
    meeting = selectors.seminar_meeting_or_404(seminar=seminar, meeting_id=meeting_id)
    form = MoveForm(request.POST)
    if not form.is_valid():
        _bad(request, form)
        return redirect("meetings:grid", slug=seminar.slug)
    return act(
        request, services.meeting_move, meeting=meeting,
        starts_at=form.cleaned_data["starts_at"], table_number=form.cleaned_data["table_number"],
        to="meetings:grid", slug=seminar.slug, done=_("Meeting moved; both sides were told."),
    )  # fmt: skip


@require_POST
@organiser_view
def cancel(request, seminar, meeting_id):
    meeting = selectors.seminar_meeting_or_404(seminar=seminar, meeting_id=meeting_id)
    return act(
        request, services.meeting_cancel, meeting=meeting, reason=_("Cancelled by the organisers."),
        to="meetings:grid", slug=seminar.slug, done=_("Meeting cancelled; both sides were told."),
    )  # fmt: skip


@organiser_view
def export(request, seminar, file_format):
    return exports.response(
        meetings=selectors.seminar_meetings(seminar),
        seminar=seminar,
        file_format=file_format,
        filename="meetings",
        user=request.user,
    )
