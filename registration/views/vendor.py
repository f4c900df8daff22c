"""Pages for vendors: register, their registration, consent, cancel, erase, contact me."""

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from meetings.selectors import meetings_open
from registration import links, permissions, selectors, services
from registration.forms import RegistrationForm, initial_from
from registration.models import Registration
from registration.services.registration import allowed_modes
from registration.times import session_times
from registration.views.links import _refuse_link, _with_retry_after
from seminars.models import Seminar
from seminars.ratelimit import RateLimitError, client_address
from seminars.selectors import seminar_visible_or_404


def _form(request, seminar: Seminar, data=None, initial=None) -> RegistrationForm:
    return RegistrationForm(
        data,
        seminar=seminar,
        agencies=selectors.seminar_agencies_by_acronym(seminar),
        modes=allowed_modes(seminar),
        initial=initial,
    )


def register(request, slug: str):
    seminar = seminar_visible_or_404(user=request.user, slug=slug)
    closed = services.registration_window_error(seminar)
    existing = selectors.registration_of_user(seminar, request.user)
    initial = initial_from(existing) if existing else {"email": getattr(request.user, "email", "")}
    if not existing:
        initial["sessions"] = selectors.seminar_session_ids_to_offer(seminar)
        initial["preferred_language"] = request.LANGUAGE_CODE
    form = _form(request, seminar, request.POST if request.method == "POST" else None, initial)
    retry_after = None
    if request.method == "POST" and not closed and form.is_valid():
        try:
            registration = services.registration_request(
                seminar=seminar,
                payload=form.payload(),
                user=request.user,
                client=client_address(request),
            )
        except ValidationError as error:
            _errors_to_form(form, error)
        except RateLimitError as error:
            retry_after = _refuse_link(form, error)
        else:
            if registration is not None:
                messages.success(request, _("Your registration is saved."))
                return redirect("registration:mine", slug=seminar.slug)
            return redirect("registration:sent", slug=seminar.slug)
    status = 400 if request.method == "POST" else 200
    response = render(
        request,
        "registration/register.html",
        {"seminar": seminar, "form": form, "closed": closed, "existing": existing},
        status=429 if retry_after else status,
    )
    return _with_retry_after(response, retry_after)


def _errors_to_form(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _own(request, slug: str) -> Registration:
    seminar = seminar_visible_or_404(user=request.user, slug=slug)
    registration = selectors.registration_of_user(seminar, request.user)
    if registration is None or registration.anonymised_at:
        raise Http404
    return registration


@login_required
def mine(request, slug: str):
    registration = _own(request, slug)
    seminar = registration.seminar
    agencies = list(selectors.seminar_agencies_by_acronym(seminar))
    granted = selectors.consented_agency_ids(registration)
    qr = None
    if (
        registration.attendance_mode == Registration.AttendanceMode.IN_ROOM
        and registration.status == Registration.Status.CONFIRMED
    ):
        qr = segno.make(f"OPENIPS:{registration.check_in_code}", error="m").svg_inline(
            scale=5, title=_("Check-in code %(code)s") % {"code": registration.check_in_code}
        )
    return render(
        request,
        "registration/mine.html",
        {
            "seminar": seminar,
            "registration": registration,
            "times": session_times(
                selectors.registration_sessions(registration),
                vendor_zone=registration.person.time_zone,
                seminar_zone=seminar.time_zone,
            ),
            "agencies": [(a, a.pk in granted) for a in agencies],
            "visibility_choices": Registration.ListVisibility.choices,
            "qr_svg": qr,
            "join_url": links.join_url(registration, request),
            "calendar_url": links.calendar_url(registration, request),
            "webcal_url": links.webcal(links.calendar_url(registration, request)),
            "own_claims": selectors.company_claims_of_person(registration.person_id),
            "claims_to_decide": selectors.company_claims_for_member(request.user),
            "meetings_open": meetings_open(seminar),
        },
    )


@login_required
@require_POST
def consent(request, slug: str):
    registration = _own(request, slug)
    agencies = selectors.seminar_agencies(registration.seminar)
    answers = {a.pk: request.POST.get(f"consent_{a.pk}") == "yes" for a in agencies}
    services.consent_update(
        registration=registration,
        answers=answers,
        list_visibility=request.POST.get("list_visibility") or None,
    )
    messages.success(request, _("Your choices are saved and apply immediately."))
    return redirect("registration:mine", slug=slug)


@login_required
def cancel(request, slug: str):
    registration = _own(request, slug)
    if request.method == "POST":
        services.registration_cancel(registration=registration)
        messages.success(request, _("Your registration is cancelled."))
        return redirect("registration:mine", slug=slug)
    return render(
        request,
        "registration/confirm_action.html",
        {
            "seminar": registration.seminar,
            "title": _("Cancel your registration?"),
            "text": _("Your place will go to the next person on the waiting list."),
            "button": _("Yes, cancel my registration"),
        },
    )


@login_required
def erase(request, slug: str):
    registration = _own(request, slug)
    if request.method == "POST":
        services.person_erase(person=registration.person)
        from django.contrib.auth import logout

        logout(request)
        messages.success(request, _("Your personal data has been erased."))
        return redirect(registration.seminar.get_absolute_url())
    return render(
        request,
        "registration/confirm_action.html",
        {
            "seminar": registration.seminar,
            "title": _("Erase your personal data?"),
            "text": _(
                "Your name, email, phone and job title are removed from every seminar, every "
                "agency loses access to your details, and you are signed out. Anonymous "
                "statistics (country, company size) remain. This cannot be undone."
            ),
            "button": _("Yes, erase my data"),
        },
    )


@login_required
@require_POST
def contact_me(request, slug: str, session_id: int, agency_id: int):
    seminar = seminar_visible_or_404(user=request.user, slug=slug)
    session = selectors.seminar_session_or_404(seminar=seminar, session_id=session_id)
    agency = selectors.session_agency_or_404(session=session, agency_id=agency_id)
    event = services.engagement_record(
        seminar=seminar, user=request.user, agency=agency, kind="contact_me", session=session
    )
    if event is None:
        messages.error(request, _("Register for the seminar first."))
    else:
        messages.success(
            request,
            _("%(agency)s will see that you would like to be contacted.")
            % {"agency": agency.acronym or agency.name},
        )
        if not selectors.registration_consents_to(event.registration, agency):
            messages.warning(
                request,
                _(
                    "You have not agreed to share your details with %(agency)s yet: do so on your "
                    "registration page, or they cannot contact you."
                )
                % {"agency": agency.acronym or agency.name},
            )
    next_url = request.POST.get("next") or ""
    if not next_url.startswith("/") or next_url.startswith("//"):
        next_url = reverse("registration:mine", kwargs={"slug": slug})
    return HttpResponseRedirect(next_url)


@login_required
def participants(request, slug: str):
    seminar = seminar_visible_or_404(user=request.user, slug=slug)
    if not permissions.can_see_participants(request.user, seminar):
        raise PermissionDenied
    return render(
        request,
        "registration/participants.html",
        {"seminar": seminar, "participants": selectors.participant_list(seminar)[:1000]},
    )


@login_required
@require_POST
def links_reset(request, slug: str):
    registration = _own(request, slug)
    services.personal_links_reset(registration=registration)
    messages.success(
        request,
        _(
            "Your earlier join and calendar links no longer work. Use the new ones on this page "
            "(subscribe to the calendar again)."
        ),
    )
    return redirect("registration:mine", slug=slug)
