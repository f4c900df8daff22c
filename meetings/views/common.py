"""The doors of the meetings pages: sign-in, the seminar, then who the person is here."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect

from meetings import permissions, selectors
from seminars.selectors import seminar_visible_or_404


def _seminar_and_programme(request, slug):
    seminar = seminar_visible_or_404(user=request.user, slug=slug)
    programme = selectors.programme_of(seminar)
    if programme is None:
        raise Http404
    return seminar, programme


def vendor_view(view):
    """``view(request, seminar, programme, registration, …)`` for the seminar's vendors."""

    @login_required
    @wraps(view)
    def wrapper(request, slug, *args, **kwargs):
        seminar, programme = _seminar_and_programme(request, slug)
        registration = permissions.require_vendor(request.user, seminar)
        return view(request, seminar, programme, registration, *args, **kwargs)

    return wrapper


def officer_view(view):
    """``view(request, seminar, programme, officer, …)`` for the seminar's officers."""

    @login_required
    @wraps(view)
    def wrapper(request, slug, *args, **kwargs):
        seminar, programme = _seminar_and_programme(request, slug)
        officer = permissions.require_officer(request.user, seminar)
        return view(request, seminar, programme, officer, *args, **kwargs)

    return wrapper


def act(http_request, service, /, *, to: str, slug: str, done: str, **kwargs):
    """Run one service for a POST and go back to ``to``; the service's ValidationError (a
    broken rule) becomes the message shown there, and nothing is changed."""
    try:
        service(**kwargs)
    except ValidationError as error:
        messages.error(http_request, " ".join(error.messages))
    else:
        messages.success(http_request, done)
    return redirect(to, slug=slug)
