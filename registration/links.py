"""Absolute links a vendor receives: confirmation, personal join link, calendar feed."""

from django.conf import settings
from django.core import signing
from django.urls import reverse

JOIN_SALT = "registration.join"


def absolute(path: str, request=None) -> str:
    """On a page, the host the vendor used; in emails and tasks (no request), SITE_URL."""
    if request is not None:
        return request.build_absolute_uri(path)
    return f"{settings.SITE_URL}{path}"


def confirm_url(seminar_slug: str, raw_token: str) -> str:
    return absolute(
        reverse("registration:confirm", kwargs={"slug": seminar_slug, "token": raw_token})
    )


def join_token(registration) -> str:
    # Bound to the calendar token too, so that erasing or resetting it kills old join links.
    return signing.dumps([registration.pk, registration.calendar_token[:8]], salt=JOIN_SALT)


def join_url(registration, request=None) -> str:
    return absolute(
        reverse(
            "registration:join",
            kwargs={"slug": registration.seminar.slug, "token": join_token(registration)},
        ),
        request,
    )


def read_join_token(token: str) -> tuple[int, str] | None:
    try:
        pk, prefix = signing.loads(token, salt=JOIN_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    return int(pk), str(prefix)


def calendar_url(registration, request=None) -> str:
    return absolute(
        reverse(
            "registration:calendar",
            kwargs={"slug": registration.seminar.slug, "token": registration.calendar_token},
        ),
        request,
    )


def webcal(url: str) -> str:
    return "webcal://" + url.split("://", 1)[1]
