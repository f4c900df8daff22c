"""The workspace's Webhooks page: organisers of the seminar only (both ways), every write
through the api app's services, bad input a 400 with a message that stores nothing."""

import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from api import signing
from api.models import WebhookDelivery, WebhookSubscription
from api.services import webhooks as services
from seminars.models import SeminarRole
from tests import factories
from tests.api.receiver import receiver

GOOD = {"url": "https://crm.example.org/hook", "events": ["registration.created"]}


def _list(seminar):
    return reverse("organising:webhooks", args=[seminar.slug])


def _action(seminar, name, subscription):
    return reverse(f"organising:webhook_{name}", args=[seminar.slug, subscription.pk])


def _subscription(seminar, owner, url="https://crm.example.org/hook", events=None):
    return services.webhook_subscription_create(
        seminar=seminar, owner=owner, url=url, events=events or ["consent.granted"]
    )


def test_an_organiser_adds_a_webhook_and_sees_the_secret_once(client, seminar, organiser):
    client.force_login(organiser)
    page = client.get(_list(seminar))
    assert page.status_code == 200
    assert "Add webhook" in page.text and 'value="meeting.cancelled"' in page.text
    response = client.post(_list(seminar), GOOD)
    assert response.status_code == 201
    subscription = WebhookSubscription.objects.get()
    assert subscription.url == GOOD["url"] and subscription.events == GOOD["events"]
    assert subscription.owner == organiser and subscription.secret.startswith("whsec_")
    assert subscription.secret in response.text
    again = client.get(_list(seminar))
    assert GOOD["url"] in again.text and subscription.secret not in again.text


@pytest.mark.parametrize(
    "data, field_message",
    [
        ({"url": "not a url", "events": ["consent.granted"]}, "Enter a valid URL."),
        ({"url": "http://crm.example.org/hook", "events": ["consent.granted"]}, "https://"),
        ({"url": "https://crm.example.org/hook"}, "Choose at least one event."),
        ({"url": "https://crm.example.org/hook", "events": ["no.such"]}, "Select a valid choice"),
        ({"url": "https://x.example/" + "a" * 500, "events": ["consent.granted"]}, "at most 500"),
    ],
)
def test_bad_input_is_a_400_with_a_message_and_stores_nothing(
    client, seminar, organiser, data, field_message
):
    client.force_login(organiser)
    response = client.post(_list(seminar), data)
    assert response.status_code == 400
    assert field_message in response.text
    assert not WebhookSubscription.objects.exists()


def test_http_is_refused_even_to_loopback_unless_debug_or_private_urls_allowed(
    client, seminar, organiser, settings
):
    client.force_login(organiser)
    data = {"url": "http://127.0.0.1:8000/hook", "events": ["consent.granted"]}
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = False
    settings.DEBUG = False
    assert client.post(_list(seminar), data).status_code == 400
    assert not WebhookSubscription.objects.exists()
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = True
    assert client.post(_list(seminar), data).status_code == 201


def test_disable_enable_and_delete(client, seminar, organiser):
    subscription = _subscription(seminar, organiser)
    client.force_login(organiser)
    assert client.post(_action(seminar, "disable", subscription)).status_code == 302
    subscription.refresh_from_db()
    assert not subscription.is_active and subscription.disabled_reason == "organiser"
    page = client.get(_list(seminar))
    assert "Disabled by an organiser" in page.text and ">Enable<" in page.text
    assert client.post(_action(seminar, "enable", subscription)).status_code == 302
    subscription.refresh_from_db()
    assert subscription.is_active and subscription.disabled_reason == ""
    assert client.post(_action(seminar, "delete", subscription)).status_code == 302
    assert not WebhookSubscription.objects.exists()


def test_the_reason_of_an_automatic_disable_is_shown(client, seminar, organiser, settings):
    subscription = _subscription(seminar, organiser)
    services._disable(subscription, reason="failures", notify=False)
    client.force_login(organiser)
    page = client.get(_list(seminar))
    assert "Disabled after repeated failed deliveries" in page.text


def test_a_test_event_to_a_disabled_webhook_is_refused(client, seminar, organiser):
    subscription = _subscription(seminar, organiser)
    services.webhook_subscription_disable(subscription=subscription)
    client.force_login(organiser)
    response = client.post(_action(seminar, "test", subscription), follow=True)
    assert "Enable the webhook before sending a test event." in response.text
    assert not WebhookDelivery.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_send_a_test_event_is_delivered_signed_and_logged(client, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = True
    seminar = factories.SeminarFactory()
    organiser = factories.RoleFactory(seminar=seminar).user
    client.force_login(organiser)
    with receiver([200]) as (url, got):
        subscription = _subscription(seminar, organiser, url=url, events=["session.changed"])
        assert client.post(_action(seminar, "test", subscription)).status_code == 302
        call_command("db_worker", batch=True, queue_name="default", verbosity=0)
    (request,) = got
    headers = {k.lower(): v for k, v in request["headers"].items()}
    signing.verify(subscription.secret, headers, request["body"])
    event = json.loads(request["body"])
    assert event["type"] == "webhook.test" and event["data"]["webhook_id"] == subscription.pk
    page = client.get(_list(seminar))
    assert "webhook.test · Delivered · HTTP 200" in page.text


def _outsiders(seminar, other_organiser):
    agency = factories.AgencyFactory(acronym="WFP")
    presenter = factories.RoleFactory(
        seminar=seminar, role=SeminarRole.Role.PRESENTER, agency=agency
    ).user
    officer = factories.officer(seminar, agency=agency).user  # a procurement officer
    vendor = factories.vendor_registration(seminar).person.user
    return {
        "other organiser": other_organiser,
        "agency presenter": presenter,
        "agency officer": officer,
        "vendor": vendor,
    }


def test_nobody_but_the_seminars_organisers_may_see_or_change_webhooks(
    client, seminar, organiser, other_organiser
):
    subscription = _subscription(seminar, organiser)
    for who, user in _outsiders(seminar, other_organiser).items():
        client.force_login(user)
        assert client.get(_list(seminar)).status_code in (403, 404), who
        assert client.post(_list(seminar), GOOD).status_code in (403, 404), who
        for name in ("disable", "enable", "delete", "test"):
            assert client.post(_action(seminar, name, subscription)).status_code in (403, 404)
    client.logout()
    response = client.get(_list(seminar))
    assert response.status_code == 302 and "sign" in response["Location"].lower()
    for name in ("disable", "delete", "test"):
        assert client.post(_action(seminar, name, subscription)).status_code == 302
    subscription.refresh_from_db()
    assert subscription.is_active
    assert WebhookSubscription.objects.count() == 1
    assert not WebhookDelivery.objects.exists()
    # The seminar's organiser may, on this seminar's webhook only.
    client.force_login(organiser)
    assert client.get(_list(seminar)).status_code == 200
    elsewhere = _subscription(factories.RoleFactory(user=other_organiser).seminar, other_organiser)
    assert client.post(_action(seminar, "disable", elsewhere)).status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.is_active


LIST_QUERIES = 8


@pytest.mark.parametrize("count", [1, 6])
def test_the_list_queries_are_the_same_at_two_sizes(
    client, seminar, organiser, django_assert_num_queries, count
):
    for n in range(count):
        subscription = _subscription(seminar, organiser, url=f"https://h{n}.example/hook")
        for _k in range(3):
            services.webhook_test_send(subscription=subscription)
    client.force_login(organiser)
    with django_assert_num_queries(LIST_QUERIES):
        page = client.get(_list(seminar))
    assert page.text.count("webhook.test · Pending") == count * 3


def test_the_page_speaks_the_organisers_language(client, seminar, organiser):
    client.force_login(organiser)
    page = client.get(_list(seminar), HTTP_ACCEPT_LANGUAGE="fr")
    assert "Ajouter un webhook" in page.text
    response = client.post(_list(seminar), {"url": GOOD["url"]}, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 400 and "Choisissez au moins un événement." in response.text
