"""Emails in each person's language and zone, .ics updates of one event, reminders, the feed."""

from datetime import timedelta

import vobject
from django.core import mail
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from icalendar import Calendar

from accesskeys import purposes, tokens
from meetings import notify
from meetings.services import requests as services


def _ics(message):
    (attachment,) = [a for a in message.attachments if a[0].endswith(".ics")]
    return Calendar.from_ical(attachment[1]), attachment


def _meeting(w, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        request = services.request_create(
            registration=w.vendor, officer=w.officer, purpose="Cold chain", slots=[w.slots[0]]
        )
    with django_capture_on_commit_callbacks(execute=True):
        return services.request_accept(request=request, starts_at=w.slots[0])


def test_request_accept_move_cancel_send_one_event_with_rising_sequence(
    world, django_capture_on_commit_callbacks
):
    world.vendor.person.preferred_language = "es"
    world.vendor.person.save()
    mail.outbox.clear()
    meeting = _meeting(world, django_capture_on_commit_callbacks)
    to_officer, accepted_vendor, accepted_officer = mail.outbox
    assert to_officer.to == [world.officer.email] and "Cold chain" in to_officer.body
    assert "Africa/Nairobi" in to_officer.body and "Asia/Bangkok" in to_officer.body
    # The vendor's email is in Spanish and in Lima's time; the officer's in Nairobi's.
    assert accepted_vendor.to == [world.vendor.person.email]
    assert "America/Lima" in accepted_vendor.body and "Africa/Nairobi" not in accepted_vendor.body
    assert "Africa/Nairobi" in accepted_officer.body
    assert accepted_vendor.subject.startswith("Reunión confirmada con")  # in her language
    assert accepted_officer.subject.startswith("Meeting confirmed with")
    first, _ = _ics(accepted_vendor)
    assert first["METHOD"] == "REQUEST"
    (event,) = first.walk("VEVENT")
    uid, sequence = str(event["UID"]), int(event["SEQUENCE"])
    assert event.decoded("DTSTART") == meeting.starts_at
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_move(meeting=meeting, starts_at=world.slots[2])
    moved, _ = _ics(mail.outbox[0])
    (event,) = moved.walk("VEVENT")
    assert str(event["UID"]) == uid and int(event["SEQUENCE"]) == sequence + 1
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_cancel(meeting=meeting)
    assert len(mail.outbox) == 2
    for message in mail.outbox:
        cancelled, (_name, raw, mimetype) = _ics(message)
        assert cancelled["METHOD"] == "CANCEL" and "method=CANCEL" in mimetype
        (event,) = cancelled.walk("VEVENT")
        assert str(event["UID"]) == uid and int(event["SEQUENCE"]) == sequence + 2
        text = raw if isinstance(raw, str) else raw.decode()
        assert vobject.readOne(text).vevent.uid.value == uid


def test_reminders_are_queued_for_the_worker_and_skip_a_moved_meeting(
    world, django_capture_on_commit_callbacks
):
    meeting = _meeting(world, django_capture_on_commit_callbacks)
    queued = DBTaskResult.objects.filter(task_path="meetings.tasks.send_meeting_reminder")
    assert queued.count() == 2
    assert (
        notify.reminder_send(
            meeting_id=meeting.pk,
            planned_starts_at=(meeting.starts_at - timedelta(hours=1)).isoformat(),
        )
        == "skipped: moved"
    )
    mail.outbox.clear()
    assert (
        notify.reminder_send(meeting_id=meeting.pk, planned_starts_at=meeting.starts_at.isoformat())
        == "sent"
    )
    assert {m.to[0] for m in mail.outbox} == {world.officer.email, world.vendor.person.email}


def test_the_personal_calendar_feed_includes_the_vendors_meetings(
    client, world, django_capture_on_commit_callbacks
):
    meeting = _meeting(world, django_capture_on_commit_callbacks)
    token = tokens.issue(purposes.CALENDAR, subject=world.vendor.pk)
    feed = client.get(reverse("registration:calendar", args=[world.seminar.slug, token]))
    events = Calendar.from_ical(feed.content).walk("VEVENT")
    assert [str(e["UID"]) for e in events] == [
        f"meeting-{meeting.pk}@" + str(events[0]["UID"]).split("@")[1]
    ]
    assert events[0].decoded("DTSTART") == meeting.starts_at
