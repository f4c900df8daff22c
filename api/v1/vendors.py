"""A vendor's own registration and consents, for a host country's portal to embed (the
vendor's signed-in session; changes need Django's CSRF token)."""

from django.http import HttpRequest
from ninja import Path, Router

from api import selectors
from api.auth import vendor_auth
from api.problems import bad_request, not_found
from api.v1 import convert
from api.v1.common import visible_seminar
from api.v1.schemas import ConsentsIn, MyRegistrationOut
from registration import selectors as registration_selectors
from registration import services as registration_services

router = Router(tags=["vendors"], auth=vendor_auth)


def _mine(request: HttpRequest, slug: str):
    seminar = visible_seminar(request, slug)
    registration = registration_selectors.registration_of_user(seminar, request.user)
    if registration is None or registration.anonymised_at is not None:
        raise not_found("You have no registration for this seminar.")
    return registration


def _out(registration) -> dict:
    consents, history = selectors.consents_of(registration)
    return {
        "id": registration.pk,
        "seminar": registration.seminar.slug,
        "status": registration.status,
        "attendance_mode": registration.attendance_mode,
        "list_visibility": registration.list_visibility,
        "person": convert.person(registration.person),
        "company": convert.company(registration.company),
        "session_ids": sorted(s.pk for s in registration.sessions.all()),
        "consents": [
            {"agency": convert.organization(a), "granted": granted} for a, granted in consents
        ],
        "consent_history": [convert.consent_event(e) for e in history],
    }


@router.get("/seminars/{slug}/me", response=MyRegistrationOut, operation_id="my_registration")
def my_registration(request: HttpRequest, slug: str = Path(max_length=50)):
    return _out(_mine(request, slug))


@router.put(
    "/seminars/{slug}/me/consents", response=MyRegistrationOut, operation_id="my_consents_update"
)
def my_consents_update(request: HttpRequest, body: ConsentsIn, slug: str = Path(max_length=50)):
    """Grant or withdraw sharing with each agency (effective at once) and list visibility."""
    registration = _mine(request, slug)
    answers = {}
    for key, value in body.consents.items():
        if not key.isdigit() or len(key) > 10:
            raise bad_request("Consents are keyed by agency id.")
        answers[int(key)] = value
    registration_services.consent_update(
        registration=registration, answers=answers, list_visibility=body.list_visibility
    )
    return _out(_mine(request, slug))
