"""registration/services/signin.py: a link signs its person in on the request's session, and a
refused or spent link leaves the session as it was."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory

from registration import links, services
from registration.services.tokens import LinkError, LinkRefusedError, sign_in_token_create
from tests import factories


def _request():
    request = RequestFactory().post("/")
    request.session = SessionStore()
    request.user = AnonymousUser()
    return request


def _join_token(registration) -> str:
    return links.join_url(registration).rstrip("/").rsplit("/", 1)[1]


def test_a_join_link_signs_its_vendor_in_once(register, open_seminar):
    registration = register(email="ana@lima.example")
    token = _join_token(registration)
    request = _request()
    user = services.session_sign_in_by_join_link(
        request=request, slug=open_seminar.slug, token=token
    )
    assert user == registration.person.user
    assert request.session[SESSION_KEY] == str(user.pk) and request.user == user
    again = _request()
    with pytest.raises(LinkError):
        services.session_sign_in_by_join_link(request=again, slug=open_seminar.slug, token=token)
    assert SESSION_KEY not in again.session


def test_an_emailed_sign_in_link_signs_in_and_a_staff_account_is_refused(register, open_seminar):
    registration = register(email="ana@lima.example")
    _, raw = sign_in_token_create(email="ana@lima.example", seminar=open_seminar)
    request = _request()
    user, found = services.session_sign_in_by_link(request=request, raw_token=raw)
    assert found == registration and request.session[SESSION_KEY] == str(user.pk)

    organizer = factories.RoleFactory(seminar=open_seminar, role="organizer").user
    vendor = register(email="org@lima.example")
    vendor.person.user = organizer
    vendor.person.save(update_fields=["user"])
    _, raw = sign_in_token_create(email="org@lima.example", seminar=open_seminar)
    refused = _request()
    with pytest.raises(LinkRefusedError):
        services.session_sign_in_by_link(request=refused, raw_token=raw)
    assert SESSION_KEY not in refused.session and not refused.user.is_authenticated
