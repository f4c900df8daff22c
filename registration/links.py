"""Absolute links a vendor receives: confirmation, sign-in, personal join link, calendar feed.

Every one is a token of accesskeys (accesskeys/purposes.py says what each may do and for how
long); this module only builds the URLs and says when a registration's links end.
"""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.urls import reverse

from accesskeys import purposes, tokens
from registration.models import Registration

# The join link works until a day after the seminar's last day ends (in the seminar's zone):
# long enough for a late replay or a last question, short enough that an old email is no key.
JOIN_GRACE = timedelta(days=1)
# Calendar apps keep polling a subscribed feed; a month after the seminar there is nothing
# left to update, so the feed stops answering.
CALENDAR_GRACE = timedelta(days=30)


def absolute(path: str, request=None) -> str:
    """On a page, the host the vendor used; in emails and tasks (no request), SITE_URL."""
    if request is not None:
        return request.build_absolute_uri(path)
    return f"{settings.SITE_URL}{path}"


def email_link_url(seminar_slug: str, token: str) -> str:
    """The emailed confirmation or sign-in link: a page whose button (POST) uses it."""
    return absolute(reverse("registration:confirm", kwargs={"slug": seminar_slug, "token": token}))


def _seminar_end(registration_id) -> datetime | None:
    registration = (
        Registration.objects.filter(pk=registration_id, anonymised_at=None)
        .select_related("seminar")
        .first()
    )
    if registration is None:
        return None
    seminar = registration.seminar
    return datetime.combine(seminar.ends_on + timedelta(days=1), time.min, tzinfo=seminar.zone)


def join_link_ends_at(registration_id) -> datetime | None:
    end = _seminar_end(registration_id)
    return end + JOIN_GRACE if end else None


def calendar_link_ends_at(registration_id) -> datetime | None:
    end = _seminar_end(registration_id)
    return end + CALENDAR_GRACE if end else None


def join_url(registration, request=None) -> str:
    token = tokens.issue(purposes.JOIN, subject=registration.pk)
    return absolute(
        reverse("registration:join", kwargs={"slug": registration.seminar.slug, "token": token}),
        request,
    )


def calendar_url(registration, request=None) -> str:
    token = tokens.issue(purposes.CALENDAR, subject=registration.pk)
    return absolute(
        reverse(
            "registration:calendar", kwargs={"slug": registration.seminar.slug, "token": token}
        ),
        request,
    )


def webcal(url: str) -> str:
    return "webcal://" + url.split("://", 1)[1]
