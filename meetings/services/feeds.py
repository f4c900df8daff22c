"""The officer's personal calendar feed link (meetings/links.py builds it)."""

from accesskeys import purposes, tokens
from meetings.models import Officer


def officer_calendar_link_reset(*, officer: Officer) -> int:
    """Revoke every calendar feed link issued to ``officer`` so far; the page then shows a new
    one. Writes one accesskeys KeyVersion row; returns the new version."""
    return tokens.revoke(purposes.OFFICER_CALENDAR, subject=officer.pk)
