"""What the API returns: consent-bound leads, pagination, times with offsets, errors, limits,
and the token pages (shown once, stored hashed, expiry, revocation)."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from api.models import ApiToken
from registration.services.registration import person_user_ensure

pytestmark = pytest.mark.django_db


def _leads(call, world, token="unicef", agency="unicef"):
    path = f"/seminars/{world['seminar'].slug}/agencies/{world[agency].pk}/leads"
    response = call("get", path, world["tokens"][token])
    assert response.status_code == 200, response.content
    return response.json()["items"]


def test_agency_token_never_returns_a_vendor_who_has_not_consented_to_it(world, call):
    leads = _leads(call, world)
    assert [lead["registration_id"] for lead in leads] == [world["vendors"]["to_unicef"].pk]
    assert leads[0]["person"]["email"] == "a@vendor.example"
    history = leads[0]["consent_history"]
    assert [(e["agency_id"], e["granted"]) for e in history] == [(world["unicef"].pk, True)]
    undp = _leads(call, world, "undp", "undp")
    assert [lead["registration_id"] for lead in undp] == [world["vendors"]["to_undp"].pk]


def test_a_withdrawal_through_the_vendor_api_shows_in_the_agencys_next_call(world, call, client):
    registration = world["vendors"]["to_unicef"]
    assert _leads(call, world)
    client.force_login(person_user_ensure(person=registration.person))
    path = f"/api/v1/seminars/{world['seminar'].slug}/me/consents"
    response = client.put(
        path,
        {"consents": {str(world["unicef"].pk): False}},
        content_type="application/json",
    )
    # A signed-in session writes only with Django's CSRF token (the test client skips CSRF
    # checks unless asked, so ask): the session API is CSRF-protected like the pages.
    assert response.status_code == 200, response.content
    mine = response.json()
    assert {c["agency"]["acronym"]: c["granted"] for c in mine["consents"]} == {
        "UNDP": False,
        "UNICEF": False,
    }
    assert [e["granted"] for e in mine["consent_history"]] == [True, False]
    client.logout()
    assert _leads(call, world) == []


def test_vendor_session_writes_need_the_csrf_token(world):
    from django.test import Client

    registration = world["vendors"]["to_unicef"]
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(person_user_ensure(person=registration.person))
    path = f"/api/v1/seminars/{world['seminar'].slug}/me/consents"
    response = strict.put(
        path, {"consents": {str(world["unicef"].pk): False}}, content_type="application/json"
    )
    assert response.status_code in {401, 403}
    assert registration.consents.get(agency=world["unicef"]).granted is True


def test_registrations_walk_by_cursor_and_filter_like_the_export(world, call):
    slug = world["seminar"].slug
    token = world["tokens"]["organiser"]
    seen, cursor = [], None
    while True:
        params = {"limit": 1, **({"cursor": cursor} if cursor else {})}
        page = call("get", f"/seminars/{slug}/registrations", token, **params).json()
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert sorted(seen) == sorted(r.pk for r in world["vendors"].values())
    assert len(seen) == len(set(seen)) == 3
    consenting = call("get", f"/seminars/{slug}/registrations", token, consent="yes").json()
    assert {i["id"] for i in consenting["items"]} == {
        world["vendors"]["to_unicef"].pk,
        world["vendors"]["to_undp"].pk,
    }
    to_unicef = call("get", f"/seminars/{slug}/registrations", token, agency=world["unicef"].pk)
    assert [i["id"] for i in to_unicef.json()["items"]] == [world["vendors"]["to_unicef"].pk]


def test_updated_since_returns_only_later_changes_and_needs_an_offset(world, call):
    slug = world["seminar"].slug
    token = world["tokens"]["organiser"]
    later = world["vendors"]["to_nobody"]
    moment = timezone.now()
    later.save()  # updated_at moves past ``moment``
    page = call("get", f"/seminars/{slug}/registrations", token, updated_since=moment.isoformat())
    assert [i["id"] for i in page.json()["items"]] == [later.pk]
    naive = call("get", f"/seminars/{slug}/registrations", token, updated_since="2030-01-01T10:00")
    assert naive.status_code == 400
    assert "offset" in naive.json()["detail"]
    bad = call("get", f"/seminars/{slug}/registrations", token, cursor="!!not-ours")
    assert bad.status_code == 400 and bad["Content-Type"] == "application/problem+json"


def test_sessions_carry_utc_instants_and_the_seminars_zone(world, call):
    sessions = call("get", f"/seminars/{world['seminar'].slug}/sessions").json()
    first = sessions[0]
    assert first["time_zone"] == "Africa/Nairobi"
    assert first["starts_at"].endswith("Z")
    assert first["starts_at_local"].endswith("+03:00")
    assert datetime.fromisoformat(first["starts_at"]) == datetime.fromisoformat(
        first["starts_at_local"]
    )
    assert datetime.fromisoformat(first["starts_at"]) == world["sessions"][0].starts_at


def test_rate_limit_answers_429_with_retry_after(world, call, settings):
    settings.API_RATE_LIMIT = (2, 60)
    token = world["tokens"]["unicef"]
    assert call("get", "/seminars", token).status_code == 200
    assert call("get", "/seminars", token).status_code == 200
    refused = call("get", "/seminars", token)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) >= 1
    assert refused.json()["type"].endswith("/rate-limited")


def test_tokens_are_stored_hashed_and_refused_once_expired_or_revoked(world, call):
    raw = world["tokens"]["organiser"]
    row = ApiToken.objects.get(user=world["organiser"])
    assert raw not in (row.key_hash, row.prefix) and raw.startswith(f"oips_{row.prefix}_")
    path = f"/seminars/{world['seminar'].slug}/reach"
    assert call("get", path, raw).status_code == 200
    row.refresh_from_db()
    assert row.last_used_at is not None
    ApiToken.objects.filter(pk=row.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert call("get", path, raw).status_code == 401
    ApiToken.objects.filter(pk=row.pk).update(
        expires_at=timezone.now() + timedelta(days=1), revoked_at=timezone.now()
    )
    assert call("get", path, raw).status_code == 401


def test_token_page_shows_the_new_token_once_and_revokes(world, client):
    client.force_login(world["organiser"])
    response = client.post(
        "/api/tokens/",
        {
            "name": "CRM sync",
            "target": f"seminar:{world['seminar'].pk}",
            "scopes": ["registrations:read"],
            "days": 30,
        },
    )
    assert response.status_code == 200
    raw = response.context["created"]["raw"]
    assert raw.encode() in response.content
    assert response["Cache-Control"] == "no-store"
    again = client.get("/api/tokens/")
    assert raw.encode() not in again.content and b"CRM sync" in again.content
    token = ApiToken.objects.get(name="CRM sync")
    client.post(f"/api/tokens/{token.pk}/revoke/")
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_token_page_refuses_other_targets_and_people_without_roles(world, client):
    client.force_login(world["unicef_staff"])
    response = client.post(
        "/api/tokens/",
        {
            "name": "x",
            "target": f"seminar:{world['seminar'].pk}",
            "scopes": ["agenda:read"],
            "days": 1,
        },
    )
    assert response.status_code == 200 and response.context["created"] is None
    assert not ApiToken.objects.filter(name="x").exists()
    vendor = person_user_ensure(person=world["vendors"]["to_nobody"].person)
    client.force_login(vendor)
    assert client.get("/api/tokens/").status_code == 403
    other = ApiToken.objects.get(user=world["organiser"])
    client.post(f"/api/tokens/{other.pk}/revoke/")
    other.refresh_from_db()
    assert other.revoked_at is None


def test_account_page_links_token_pages_for_organisers_and_agency_staff_only(world, client):
    from django.urls import reverse

    client.force_login(world["unicef_staff"])
    assert reverse("api:tokens").encode() in client.get(reverse("accounts:account")).content
    client.force_login(person_user_ensure(person=world["vendors"]["to_nobody"].person))
    assert reverse("api:tokens").encode() not in client.get(reverse("accounts:account")).content
