"""Pages that links open: the emailed confirmation and sign-in links, the personal join link,
the calendar feed, and the vendor's reset of their links (docs/security.md)."""

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _

from accesskeys import purposes
from registration import selectors, services
from registration.forms import SignInForm
from registration.services.joinlinks import JoinLinkNotFoundError, join_link_read
from registration.services.tokens import LinkError, LinkRefusedError
from seminars.ratelimit import RateLimitError, client_address, wait_text
from seminars.selectors import seminar_visible_or_404


def _refuse_link(form, error: RateLimitError) -> int:
    """Keep what was typed and say when another link may be asked for; the seconds to wait."""
    form.add_error(
        None,
        _("Too many emails were asked for this address or from this network.")
        + " "
        + wait_text(error.retry_after),
    )
    return error.retry_after


def _with_retry_after(response: HttpResponse, retry_after: int | None) -> HttpResponse:
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


def sent(request, slug: str):
    seminar = seminar_visible_or_404(user=request.user, slug=slug)
    return render(request, "registration/sent.html", {"seminar": seminar})


def confirm(request, slug: str, token: str):
    """GET shows a button, POST uses the link: mail scanners that prefetch links (GET) must
    not spend a single-use link."""
    seminar = seminar_visible_or_404(user=request.user, slug=slug)
    if request.method != "POST":
        return render(request, "registration/confirm.html", {"seminar": seminar})
    try:
        _user, registration = services.session_sign_in_by_link(request=request, raw_token=token)
    except ValidationError as error:
        return render(
            request,
            "registration/link_error.html",
            {"seminar": seminar, "message": " ".join(error.messages)},
            status=_link_error_status(error),
        )
    if registration is None:
        return redirect("registration:register", slug=seminar.slug)
    return redirect("registration:mine", slug=registration.seminar.slug)


def _link_error_status(error: ValidationError) -> int:
    if isinstance(error, LinkRefusedError):
        return 403
    return 410 if isinstance(error, LinkError) else 400


def sign_in(request, slug: str):
    seminar = seminar_visible_or_404(user=request.user, slug=slug)
    form = SignInForm(request.POST or None)
    retry_after = None
    if request.method == "POST" and form.is_valid():
        try:
            services.sign_in_link_request(
                seminar=seminar, email=form.cleaned_data["email"], client=client_address(request)
            )
        except RateLimitError as error:
            # Counted before the look-up: known and unknown addresses are refused alike.
            retry_after = _refuse_link(form, error)
        else:
            # The same answer for known and unknown addresses, so registrations do not leak.
            return redirect("registration:sent", slug=seminar.slug)
    response = render(
        request,
        "registration/sign_in.html",
        {"seminar": seminar, "form": form},
        status=429 if retry_after else 200,
    )
    return _with_retry_after(response, retry_after)


def calendar_feed(request, slug: str, token: str):
    from scheduling.calendar import calendar_for_sessions, feed_key

    gone = _(
        "This calendar link has expired or was replaced. Subscribe again from your "
        "registration page."
    )
    key, stopped = feed_key(purposes.CALENDAR, token, gone=gone)
    if stopped is not None:
        return stopped
    registration = selectors.registration_for_calendar_or_404(
        registration_id=key.subject, slug=slug
    )
    from meetings.ics import registration_meeting_events

    # A calendar app asks in its own language, or none: the feed speaks the vendor's, as the
    # emails do, whoever fetches it.
    with translation.override(registration.person.preferred_language):
        body = calendar_for_sessions(
            seminar=registration.seminar,
            sessions=selectors.registration_calendar_sessions(registration),
            calendar_name=registration.seminar.title,
            request=request,
            extra_events=registration_meeting_events(registration),
        )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response


def join(request, slug: str, token: str):
    """The personal join link. GET shows the seminar and its live rooms (mail scanners follow
    GETs, so a GET never signs in); the page's button (POST) signs the vendor in, once."""
    try:
        link = join_link_read(slug=slug, token=token)
    except JoinLinkNotFoundError as error:
        raise Http404 from error
    except LinkError as error:
        seminar = seminar_visible_or_404(user=request.user, slug=slug)
        return render(
            request,
            "registration/link_error.html",
            {"seminar": seminar, "message": " ".join(error.messages)},
            status=410,
        )
    seminar = link.registration.seminar
    if request.method == "POST":
        return _join_post(request, link, token)
    if request.user.is_authenticated and request.user == link.user:
        return HttpResponseRedirect(seminar.get_absolute_url())
    return _join_page(request, link)


def _join_post(request, link, token: str):
    seminar = link.registration.seminar
    if request.POST.get("action") == "email" and link.may_sign_in:
        try:
            services.sign_in_link_request(
                seminar=seminar,
                email=link.registration.person.email,
                client=client_address(request),
            )
        except RateLimitError as error:
            message = _("Too many emails were asked for this address or from this network.")
            response = _join_page(
                request, link, message=f"{message} {wait_text(error.retry_after)}", status=429
            )
            return _with_retry_after(response, error.retry_after)
        return redirect("registration:sent", slug=seminar.slug)
    try:
        services.session_sign_in_by_join_link(request=request, slug=seminar.slug, token=token)
    except ValidationError as error:
        return _join_page(
            request, link, message=" ".join(error.messages), status=_link_error_status(error)
        )
    return HttpResponseRedirect(seminar.get_absolute_url())


def _join_page(request, link, *, message: str = "", status: int = 200):
    registration = link.registration
    sessions = selectors.registration_sessions_to_join(registration)
    return render(
        request,
        "registration/join.html",
        {
            "seminar": registration.seminar,
            "sessions": sessions,
            "message": message,
            "can_sign_in": link.may_sign_in and not link.spent and not message,
            "offer_email": link.may_sign_in and (link.spent or status == 410),
            "refused": not link.may_sign_in,
        },
        status=status,
    )
