"""Agencies' leads: only vendors who currently consent to the agency, with that history."""

from django.http import HttpRequest
from ninja import Path, Query, Router, Schema
from pydantic import Field

from api import permissions, selectors
from api.auth import token_auth, token_of
from api.problems import bad_request, forbidden
from api.v1 import convert
from api.v1.common import ID_MAX, MAX_LIMIT, decode_cursor, visible_seminar
from api.v1.schemas import LeadPage
from registration import selectors as registration_selectors

router = Router(tags=["agencies"], auth=token_auth)


class LeadQuery(Schema):
    cursor: str | None = Field(None, max_length=200)
    limit: int = Field(50, ge=1, le=MAX_LIMIT)


@router.get(
    "/seminars/{slug}/agencies/{agency_id}/leads", response=LeadPage, operation_id="leads_list"
)
def leads_list(
    request: HttpRequest,
    slug: str = Path(max_length=50),
    agency_id: int = Path(ge=1, le=ID_MAX),
    query: Query[LeadQuery] = None,  # type: ignore[assignment]
):
    """A withdrawn consent removes the vendor from this list at once."""
    seminar = visible_seminar(request, slug)
    if not permissions.can_read_leads(request.user, token_of(request), seminar, agency_id):
        raise forbidden()
    values = query.dict() if query else {}
    after = decode_cursor(values.get("cursor"), 1)
    if after is not None and not isinstance(after[0], int):
        raise bad_request("The cursor is not one this API returned.")
    agency = registration_selectors.agency(agency_id)
    rows, next_after = selectors.leads_page(
        seminar, agency, after=after[0] if after else None, limit=values.get("limit", 50)
    )
    return {
        "items": [convert.lead(row) for row in rows],
        "next_cursor": selectors.cursor_encode([next_after]) if next_after else None,
    }
