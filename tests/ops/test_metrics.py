"""/metrics: protected, in Prometheus' format, and its figures move with the live room."""

import asyncio

import pytest
from channels.db import database_sync_to_async
from prometheus_client import CollectorRegistry
from prometheus_client.parser import text_string_to_metric_families

from ops import metrics
from tests.live.live_helpers import live_room_data, live_socket

# The process's own metrics without the database collector, readable from async tests.
OWN = CollectorRegistry(auto_describe=True)
for _metric in vars(metrics).values():
    if isinstance(_metric, metrics.Counter | metrics.Gauge | metrics.Histogram):
        OWN.register(_metric)


def value(name: str, **labels) -> float:
    return OWN.get_sample_value(name, labels) or 0.0


def scrape(client) -> dict[str, list]:
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    families = text_string_to_metric_families(response.content.decode())
    return {family.name: family.samples for family in families}


def test_metrics_refuse_a_peer_outside_the_allowed_networks(client, settings):
    settings.METRICS_ALLOWED_NETWORKS = ["10.0.0.0/8"]
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 403
    assert client.get("/metrics", REMOTE_ADDR="10.4.0.7").status_code == 200


def test_metrics_with_a_token_need_the_token_from_everywhere(client, settings):
    settings.METRICS_TOKEN = "s3cret-scrape"
    assert client.get("/metrics").status_code == 403
    wrong = client.get("/metrics", HTTP_AUTHORIZATION="Bearer guess")
    assert wrong.status_code == 403
    right = client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-scrape")
    assert right.status_code == 200
    assert b"openips_http_requests_total" in right.content


@pytest.mark.django_db
def test_http_requests_are_counted_by_view_and_status_with_latency(client):
    before = value("openips_http_requests_total", view="seminars:list", status="200")
    latency_before = value("openips_http_request_duration_seconds_count", view="seminars:list")
    assert client.get("/seminars/").status_code == 200
    assert client.get("/no-such-page/").status_code == 404
    samples = scrape(client)
    assert value("openips_http_requests_total", view="seminars:list", status="200") == before + 1
    assert value("openips_http_requests_total", view="unmatched", status="404") >= 1
    assert (
        value("openips_http_request_duration_seconds_count", view="seminars:list")
        == latency_before + 1
    )
    for name in ("openips_task_queue_depth", "openips_media_jobs", "process_resident_memory_bytes"):
        assert name in samples


@pytest.mark.django_db(transaction=True)
async def test_live_room_metrics_move_while_a_room_is_used(monkeypatch):
    from live.transport import broadcast
    from live.transport.hub import Outlet, hub_get

    room = await database_sync_to_async(live_room_data)()
    published = value("openips_live_events_published_total")
    delivered = value("openips_live_events_delivered_total")
    latencies = value("openips_live_delivery_latency_seconds_count")
    repairs = value("openips_live_feed_repairs_total")
    attendees = value("openips_live_sockets_open", level="attendees")
    moderators = value("openips_live_sockets_open", level="moderators")
    async with (
        live_socket(room.session.pk, user=room.vendor) as vendor,
        live_socket(room.session.pk, user=room.moderator) as moderator,
    ):
        assert value("openips_live_sockets_open", level="attendees") == attendees + 1
        assert value("openips_live_sockets_open", level="moderators") == moderators + 1
        await vendor.command({"type": "question.ask", "text": "Counted?"})
        await moderator.recv_type("question.created")
        assert value("openips_live_events_published_total") == published + 1
        # Delivered to both sockets (the asker's own frame included), each with its latency.
        assert value("openips_live_events_delivered_total") >= delivered + 2
        assert value("openips_live_delivery_latency_seconds_count") >= latencies + 2

        # An event the channel layer loses (as while Redis reconnects) is repaired.
        real_publish = broadcast.messages_publish

        async def lose_one(session_id, messages):
            monkeypatch.setattr(broadcast, "messages_publish", real_publish)

        monkeypatch.setattr(broadcast, "messages_publish", lose_one)
        await vendor.command({"type": "question.ask", "text": "Lost, then repaired"})
        hub = hub_get()
        await hub.repair_tick()
        await hub.repair_tick()
        await moderator.recv_type("question.created")
        assert value("openips_live_feed_repairs_total") > repairs
    assert value("openips_live_sockets_open", level="attendees") == attendees
    assert value("openips_live_sockets_open", level="moderators") == moderators

    # A socket that stops reading is closed for falling behind, and counted.
    behind = value("openips_live_sockets_closed_behind_total")
    blocker = asyncio.Event()

    async def stuck_send(message):
        await blocker.wait()

    outlet = Outlet(stuck_send, "u1", limit=2)
    outlet.release(0)
    for n in range(5):
        outlet.push(f'{{"n": {n}}}')
    blocker.set()
    await asyncio.sleep(0)
    assert value("openips_live_sockets_closed_behind_total") == behind + 1


@pytest.mark.django_db
def test_emails_sent_and_failed_are_counted(settings):
    from registration import emails
    from tests import factories

    seminar = factories.SeminarFactory()
    sent = value("openips_emails_total", outcome="sent")
    failed = value("openips_emails_total", outcome="failed")
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    emails.send_sign_in_link(seminar=seminar, email="v@x.example", raw_token="t", language="en")
    assert value("openips_emails_total", outcome="sent") == sent + 1
    # A mail server that refuses the connection (nothing listens on port 9 here).
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 2},
        }
    }
    emails.send_sign_in_link(seminar=seminar, email="v@x.example", raw_token="t", language="en")
    assert value("openips_emails_total", outcome="failed") == failed + 1


# The worker closes its database connection between tasks: no test transaction around it.
@pytest.mark.django_db(transaction=True)
def test_task_queue_depth_and_durations(client, settings):
    from django.core.management import call_command

    from registration.tasks import reschedule_session_reminders
    from tests import factories

    session = factories.SessionFactory()
    durations = value("openips_task_duration_seconds_count", queue="default", status="successful")
    reschedule_session_reminders.enqueue(session.pk)
    depth = {s.labels["queue"]: s.value for s in scrape(client)["openips_task_queue_depth"]}
    assert depth["default"] >= 1
    call_command("db_worker", batch=True, queue_name="default", verbosity=0)
    assert depth["default"] > {
        s.labels["queue"]: s.value for s in scrape(client)["openips_task_queue_depth"]
    }.get("default", 0)
    assert (
        value("openips_task_duration_seconds_count", queue="default", status="successful")
        == durations + 1
    )
