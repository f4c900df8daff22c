"""A seminar with two presenting agencies, an organiser, a presenter for each agency, three
vendors (one consents to UNICEF, one to UNDP, one to nobody) and a token of each kind."""

from datetime import timedelta

import pytest
from django.utils import timezone

from api.models import AGENCY_SCOPES, ORGANISER_SCOPES
from api.services.tokens import api_token_create
from registration import services
from tests import factories
from tests.factories import registration_payload


@pytest.fixture
def world(db, django_capture_on_commit_callbacks):
    seminar = factories.SeminarFactory(
        registration_opens_at=timezone.now() - timedelta(days=1),
        registration_closes_at=timezone.now() + timedelta(days=30),
    )
    unicef = factories.AgencyFactory(acronym="UNICEF", procurement_segments=["42", "51"])
    undp = factories.AgencyFactory(acronym="UNDP", procurement_segments=["43"])
    s1 = factories.SessionFactory(seminar=seminar, title="UNICEF supply")
    s1.agencies.set([unicef])
    s2 = factories.SessionFactory(
        seminar=seminar,
        title="UNDP buying",
        starts_at=s1.starts_at + timedelta(hours=2),
        ends_at=s1.starts_at + timedelta(hours=3),
    )
    s2.agencies.set([undp])
    organiser = factories.RoleFactory(seminar=seminar, role="organizer").user
    unicef_staff = factories.RoleFactory(seminar=seminar, role="presenter", agency=unicef).user
    undp_staff = factories.RoleFactory(seminar=seminar, role="presenter", agency=undp).user
    vendors = {}
    for key, email, consents in (
        ("to_unicef", "a@vendor.example", {unicef.pk: True}),
        ("to_undp", "b@vendor.example", {undp.pk: True}),
        ("to_nobody", "c@vendor.example", {}),
    ):
        payload = registration_payload(
            email=email,
            full_name=f"Vendor {key}",
            session_ids=[s1.pk, s2.pk],
            consents=consents,
            company={"legal_name": f"Firm {key}", "national_registration_number": key},
        )
        with django_capture_on_commit_callbacks(execute=True):
            vendors[key] = services.registration_apply(seminar=seminar, payload=payload)
    tokens = {
        "organiser": api_token_create(
            user=organiser, name="crm", scopes=list(ORGANISER_SCOPES), days=30, seminar=seminar
        )[1],
        "unicef": api_token_create(
            user=unicef_staff, name="erp", scopes=list(AGENCY_SCOPES), days=30, agency=unicef
        )[1],
        "undp": api_token_create(
            user=undp_staff, name="erp", scopes=list(AGENCY_SCOPES), days=30, agency=undp
        )[1],
    }
    return {
        "seminar": seminar,
        "unicef": unicef,
        "undp": undp,
        "sessions": [s1, s2],
        "organiser": organiser,
        "unicef_staff": unicef_staff,
        "undp_staff": undp_staff,
        "vendors": vendors,
        "tokens": tokens,
    }


@pytest.fixture
def call(client):
    """GET/POST/PUT an API path with a bearer token (or none)."""

    def _call(method: str, path: str, token: str | None = None, body=None, **params):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
        url = f"/api/v1{path}"
        if method == "get":
            return client.get(url, params, **headers)
        return getattr(client, method)(url, body or {}, content_type="application/json", **headers)

    return _call
