"""Helpers every v1 router shares: finding a seminar the caller may know of, pagination."""

from django.http import HttpRequest

from api import permissions, selectors
from api.auth import token_of
from api.problems import bad_request, not_found
from seminars.models import Seminar

MAX_LIMIT = 200
ID_MAX = 2**31 - 1


def visible_seminar(request: HttpRequest, slug: str) -> Seminar:
    """The seminar if the caller may see it at all; 404 otherwise (a draft does not leak)."""
    seminar = selectors.seminar_by_slug(slug)
    if seminar is None or not permissions.can_view_seminar(
        request.user, token_of(request), seminar
    ):
        raise not_found("No such seminar.")
    return seminar


def decode_cursor(cursor: str | None, length: int) -> list | None:
    if not cursor:
        return None
    try:
        return selectors.cursor_decode(cursor, length)
    except selectors.CursorError as error:
        raise bad_request(str(error)) from error
