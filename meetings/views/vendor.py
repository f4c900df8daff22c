"""The vendor's pages: officers with suggestions, the request form, the schedule."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from meetings import pdf, selectors
from meetings.forms import OfficerFilterForm, RequestForm, slot_choices
from meetings.services import requests as services
from meetings.views.common import act, vendor_view


@vendor_view
def officers(request, seminar, programme, registration):
    agencies = list(selectors.seminar_agencies_with_officers(seminar))
    form = OfficerFilterForm(request.GET or None, agencies=agencies, languages=seminar.languages)
    filters = form.cleaned_data if form.is_valid() else {}
    rows = selectors.officers_for_vendor(
        seminar=seminar,
        registration=registration,
        agency_id=filters.get("agency"),
        language=filters.get("language") or "",
        matching_only=bool(filters.get("matching")),
    )
    return render(
        request,
        "meetings/officers.html",
        {
            "seminar": seminar,
            "programme": programme,
            "form": form,
            "rows": rows,
            "suggested": [r for r in rows if r.score][:5],
        },
    )


@vendor_view
def request_new(request, seminar, programme, registration, officer_id):
    officer = selectors.officer_or_404(seminar=seminar, officer_id=officer_id)
    choices = slot_choices(
        selectors.free_slots(programme, officer),
        length=programme.meeting_minutes,
        mine=registration.person.time_zone,
        seminar=seminar.time_zone,
    )
    modes = [
        m for m, on in (("online", programme.online), ("in_person", programme.in_person)) if on
    ]
    form = RequestForm(request.POST or None, slot_choices=choices, modes=modes)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_create(
                registration=registration,
                officer=officer,
                purpose=form.cleaned_data["purpose"],
                slots=form.cleaned_data["slots"],
                mode=form.cleaned_data["mode"],
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, _("Your request was sent."))
            return redirect("meetings:mine", slug=seminar.slug)
    return render(
        request,
        "meetings/request_form.html",
        {"seminar": seminar, "programme": programme, "officer": officer, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@vendor_view
def mine(request, seminar, programme, registration):
    return render(
        request,
        "meetings/mine.html",
        {
            "seminar": seminar,
            "programme": programme,
            "registration": registration,
            "zone": registration.person.time_zone,
            "requests": selectors.vendor_requests(registration),
        },
    )


@require_POST
@vendor_view
def withdraw(request, seminar, programme, registration, request_id):
    found = selectors.vendor_request_or_404(registration=registration, request_id=request_id)
    return act(
        request, services.request_withdraw, request=found,
        to="meetings:mine", slug=seminar.slug, done=_("Request withdrawn."),
    )  # fmt: skip


@require_POST
@vendor_view
def accept_proposal(request, seminar, programme, registration, request_id):
    found = selectors.vendor_request_or_404(registration=registration, request_id=request_id)
    return act(
        request, services.proposal_accept, request=found,
        to="meetings:mine", slug=seminar.slug, done=_("Meeting confirmed."),
    )  # fmt: skip


@require_POST
@vendor_view
def cancel(request, seminar, programme, registration, meeting_id):
    meeting = selectors.meeting_for_vendor_or_404(registration=registration, meeting_id=meeting_id)
    return act(
        request, services.meeting_cancel, meeting=meeting, reason=_("Cancelled by the vendor."),
        to="meetings:mine", slug=seminar.slug, done=_("Meeting cancelled."),
    )  # fmt: skip


@vendor_view
def schedule_pdf(request, seminar, programme, registration):
    meetings = selectors.active_meetings(selectors.vendor_meetings(registration))
    body = pdf.schedule_pdf(
        seminar=seminar,
        title=registration.person.full_name,
        zone=registration.person.time_zone,
        meetings=meetings,
        side="vendor",
        language=registration.person.preferred_language,
    )
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="meetings.pdf"'
    return response
