"""The officer's pages: the inbox (answer requests), the agency's meetings, availability."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from meetings import exports, pdf, permissions, selectors
from meetings.forms import NoteForm, ReasonForm, SlotForm, slot_choices
from meetings.links import officer_calendar_url
from meetings.services import programme as programme_services
from meetings.services import requests as services
from meetings.views.common import act, officer_view
from scheduling.calendar import webcal_url


@officer_view
def inbox(request, seminar, programme, officer):
    requests = selectors.inbox(officer, programme)
    calendar_url = officer_calendar_url(officer, slug=seminar.slug, request=request)
    free = slot_choices(
        selectors.free_slots(programme, officer),
        length=programme.meeting_minutes,
        mine=officer.time_zone,
        seminar=seminar.time_zone,
    )
    return render(
        request,
        "meetings/inbox.html",
        {
            "seminar": seminar,
            "programme": programme,
            "officer": officer,
            "zone": officer.time_zone,
            "requests": requests,
            "free": free,
            "meetings": selectors.active_meetings(selectors.officer_meetings(officer)),
            "calendar_url": calendar_url,
            "webcal_url": webcal_url(calendar_url),
        },
    )


def _mine(officer, request_id):
    found = selectors.officer_request_or_404(officer=officer, request_id=request_id)
    if not permissions.officer_answers(officer, found):
        raise permissions.PermissionDenied
    return found


def _slot(request):
    form = SlotForm(request.POST)
    if not form.is_valid():
        from meetings.services.errors import MeetingError

        raise MeetingError(_("Choose a time from the list."))
    return form.cleaned_data["starts_at"]


@require_POST
@officer_view
def accept(request, seminar, programme, officer, request_id):
    found = _mine(officer, request_id)
    return act(
        request, lambda: services.request_accept(request=found, starts_at=_slot(request)),
        to="meetings:inbox", slug=seminar.slug, done=_("Meeting confirmed."),
    )  # fmt: skip


@require_POST
@officer_view
def propose(request, seminar, programme, officer, request_id):
    found = _mine(officer, request_id)
    return act(
        request, lambda: services.request_propose(request=found, starts_at=_slot(request)),
        to="meetings:inbox", slug=seminar.slug, done=_("Another time proposed."),
    )  # fmt: skip


@require_POST
@officer_view
def decline(request, seminar, programme, officer, request_id):
    found = _mine(officer, request_id)
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return act(
        request, services.request_decline, request=found, reason=reason,
        to="meetings:inbox", slug=seminar.slug, done=_("Request declined."),
    )  # fmt: skip


@require_POST
@officer_view
def cancel(request, seminar, programme, officer, meeting_id):
    meeting = selectors.meeting_for_officer_or_404(officer=officer, meeting_id=meeting_id)
    if meeting.officer_id != officer.pk:
        raise permissions.PermissionDenied
    return act(
        request, services.meeting_cancel, meeting=meeting, reason=_("Cancelled by the officer."),
        to="meetings:inbox", slug=seminar.slug, done=_("Meeting cancelled."),
    )  # fmt: skip


@require_POST
@officer_view
def note(request, seminar, programme, officer, meeting_id):
    meeting = selectors.meeting_for_officer_or_404(officer=officer, meeting_id=meeting_id)
    if meeting.officer_id != officer.pk:
        raise permissions.PermissionDenied
    form = NoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("note", [])))
        return redirect("meetings:inbox", slug=seminar.slug)
    text = form.cleaned_data["note"]
    return act(
        request, services.meeting_note, meeting=meeting, note=text,
        to="meetings:inbox", slug=seminar.slug, done=_("Note saved."),
    )  # fmt: skip


@officer_view
def availability(request, seminar, programme, officer):
    if request.method == "POST":
        return act(
            request,
            lambda: programme_services.block_toggle(
                officer=officer, programme=programme, starts_at=_slot(request)
            ),
            to="meetings:availability", slug=seminar.slug, done=_("Availability saved."),
        )  # fmt: skip
    blocked = selectors.blocked_slots(officer)
    slots = slot_choices(
        selectors.slots_of(programme),
        length=programme.meeting_minutes,
        mine=officer.time_zone,
        seminar=seminar.time_zone,
    )
    return render(
        request,
        "meetings/availability.html",
        {
            "seminar": seminar,
            "officer": officer,
            "slots": [
                (value, label, value in {b.isoformat() for b in blocked}) for value, label in slots
            ],
        },
    )


@officer_view
def schedule_pdf(request, seminar, programme, officer):
    meetings = selectors.active_meetings(selectors.own_officer_meetings(officer))
    body = pdf.schedule_pdf(
        seminar=seminar, title=officer.display_name, zone=officer.time_zone,
        meetings=meetings, side="officer", language=officer.preferred_language,
    )  # fmt: skip
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="meetings.pdf"'
    return response


@officer_view
def export(request, seminar, programme, officer, file_format):
    return exports.response(
        meetings=selectors.own_officer_meetings(officer),
        seminar=seminar,
        file_format=file_format,
        filename=f"meetings-{officer.pk}",
        user=request.user,
        agency=officer.agency,
    )


def home(request, slug):
    """/seminars/<slug>/meetings/: officers to their inbox, everyone else to the officers."""
    from seminars.selectors import seminar_visible_or_404

    seminar = seminar_visible_or_404(user=request.user, slug=slug)
    if permissions.officer_of(request.user, seminar):
        return redirect("meetings:inbox", slug=slug)
    return redirect("meetings:officers", slug=slug)
