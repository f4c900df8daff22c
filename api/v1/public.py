"""Public reads: seminars, their sessions (both clocks) and the agencies presenting."""

from django.http import HttpRequest
from ninja import Path, Router

from api import selectors
from api.auth import anonymous, token_auth
from api.v1 import convert
from api.v1.common import visible_seminar
from api.v1.schemas import AgencyOut, SeminarOut, SessionOut

router = Router(tags=["public"], auth=[token_auth, anonymous])


@router.get("/seminars", response=list[SeminarOut], operation_id="seminars_list")
def seminars_list(request: HttpRequest):
    """Every published, cancelled or finished seminar."""
    return [convert.seminar(s) for s in selectors.public_seminars()]


@router.get("/seminars/{slug}", response=SeminarOut, operation_id="seminar_get")
def seminar_get(request: HttpRequest, slug: str = Path(max_length=50)):
    return convert.seminar(visible_seminar(request, slug))


@router.get("/seminars/{slug}/sessions", response=list[SessionOut], operation_id="sessions_list")
def sessions_list(request: HttpRequest, slug: str = Path(max_length=50)):
    """Sessions in start order: UTC instants and the same instants in the seminar's zone."""
    seminar = visible_seminar(request, slug)
    return [convert.session(s, seminar) for s in selectors.seminar_sessions(seminar)]


@router.get("/seminars/{slug}/agencies", response=list[AgencyOut], operation_id="agencies_list")
def agencies_list(request: HttpRequest, slug: str = Path(max_length=50)):
    """The UN agencies presenting in the seminar."""
    seminar = visible_seminar(request, slug)
    return [convert.agency(a) for a in selectors.seminar_agencies(seminar)]
