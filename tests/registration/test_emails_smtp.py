"""Emails through a real SMTP server (aiosmtpd): language, join link, .ics, reminders."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from icalendar import Calendar

from registration import services
from registration.models import Registration, ReminderSent
from tests.factories import registration_payload
from tests.smtp import free_port, smtp_server


@pytest.fixture
def smtp(settings):
    with smtp_server(settings) as collector:
        yield collector


def _text(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def _attachments(message) -> dict[str, bytes]:
    return {part.get_filename(): part.get_content() for part in message.iter_attachments()}


def test_french_vendor_gets_french_emails_with_join_link_ics_and_qr(
    smtp, client, open_seminar, agencies, django_capture_on_commit_callbacks
):
    payload = registration_payload(
        email="amadou@dakar.example",
        full_name="Amadou Diallo",
        preferred_language="fr",
        time_zone="Africa/Dakar",
        attendance_mode="in_room",
        company={"country": "SN"},
        session_ids=[agencies["sessions"][0].pk],
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_request(seminar=open_seminar, payload=payload, client="192.0.2.1")
    (link_mail,) = smtp.messages
    assert link_mail["Subject"] == f"Confirmez votre inscription : {open_seminar.title}"
    body = _text(link_mail)
    assert "Ouvrez ce lien pour confirmer" in body
    url = next(line for line in body.splitlines() if "/register/confirm/" in line).strip()
    path = url.split("://", 1)[1].split("/", 1)[1]
    # The confirmation goes out when the view's transaction commits.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/" + path)
    assert response.status_code == 302
    assert len(smtp.messages) == 2
    confirmation = smtp.messages[1]
    assert confirmation["Subject"] == f"Vous êtes inscrit·e : {open_seminar.title}"
    text = _text(confirmation)
    assert "Vous participerez en salle" in text and "Votre lien personnel" in text
    # 10:00 in Nairobi is 07:00 in Dakar; both clocks are named.
    assert "07:00–08:00 Africa/Dakar (UTC+00:00)" in text
    assert "10:00–11:00 Africa/Nairobi (UTC+03:00)" in text
    files = _attachments(confirmation)
    assert files["check-in.png"].startswith(b"\x89PNG")
    calendar = Calendar.from_ical(files["seminar.ics"])
    assert [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")] == ["UNICEF supply"]
    join = next(line for line in text.splitlines() if "/join/" in line).strip()
    client.logout()
    join_path = "/" + join.split("://", 1)[1].split("/", 1)[1]
    page = client.get(join_path)  # what a mail scanner does: it shows a page, signs no one in
    assert page.status_code == 200 and "_auth_user_id" not in client.session
    response = client.post(join_path, {"action": "sign_in"})
    assert response.status_code == 302 and response["Location"] == open_seminar.get_absolute_url()
    assert int(client.session["_auth_user_id"]) == Registration.objects.get().person.user_id


def test_spanish_waiting_list_and_promotion_emails(
    smtp, register, open_seminar, django_capture_on_commit_callbacks
):
    first = register(email="a@x.example", attendance_mode="in_room")
    register(email="b@x.example", attendance_mode="in_room")
    register(email="c@lima.example", attendance_mode="in_room", preferred_language="es")
    waiting = [m for m in smtp.messages if m["To"] == "c@lima.example"]
    assert waiting[0]["Subject"].startswith("Está en la lista de espera")
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(registration=first)
    promoted = [m for m in smtp.messages if m["To"] == "c@lima.example"][-1]
    assert promoted["Subject"].startswith("Hay una plaza libre para usted")
    assert "Buenas noticias" in _text(promoted)


ZONES = [
    # (email, zone, language, wall clock of a 10:00 Nairobi session, the first reminder's words)
    ("np@x.example", "Asia/Kathmandu", "fr", "12:45–13:45 Asia/Kathmandu (UTC+05:45)",
     "Votre session commence dans 24 heures"),
    ("pe@x.example", "America/Lima", "es", "02:00–03:00 America/Lima (UTC−05:00)",
     "Su sesión empieza dentro de 24 horas"),
    ("fj@x.example", "Pacific/Fiji", "en", "19:00–20:00 Pacific/Fiji (UTC+12:00)",
     "Your session starts in 24 hours"),
]  # fmt: skip


def test_reminders_are_queued_at_the_right_instant_and_sent_in_each_zone_and_language(
    smtp, register, agencies
):
    session = agencies["sessions"][0]
    registrations = {
        mail_to: register(
            email=mail_to, time_zone=zone, preferred_language=lang, session_ids=[session.pk]
        )
        for mail_to, zone, lang, _clock, _words in ZONES
    }
    queued = DBTaskResult.objects.filter(task_path="registration.tasks.send_session_reminder")
    for registration in registrations.values():
        instants = sorted(
            t.run_after for t in queued if t.args_kwargs["args"][0] == registration.pk
        )
        assert instants == [
            session.starts_at - timedelta(hours=24),
            session.starts_at - timedelta(hours=1),
        ]
    # Make the 24-hour reminders due and run what the worker would pick up. (The db_worker
    # command itself closes the connection between tasks, which ends a test's transaction.)
    queued.filter(args_kwargs__args__2="24h").update(run_after=timezone.now())
    smtp.messages.clear()
    due = list(DBTaskResult.objects.ready())
    assert len(due) == 3
    assert [t.task.call(*t.task_result.args) for t in due] == ["sent"] * 3
    assert len(smtp.messages) == 3
    by_recipient = {m["To"]: m for m in smtp.messages}
    for mail_to, _zone, _lang, clock, words in ZONES:
        text = _text(by_recipient[mail_to])
        assert words in text and clock in text, mail_to
    assert ReminderSent.objects.count() == 3


def test_reminder_is_skipped_when_cancelled_and_follows_a_moved_session(register, agencies):
    session = agencies["sessions"][0]
    kept = register(email="kept@x.example", session_ids=[session.pk])
    gone = register(email="gone@x.example", session_ids=[session.pk])
    services.registration_cancel(registration=gone)
    planned = session.starts_at.isoformat()
    assert (
        services.reminder_send(
            registration_id=gone.pk, session_id=session.pk, lead="1h", planned_starts_at=planned
        )
        == "skipped: not confirmed"
    )
    session.starts_at += timedelta(hours=2)
    session.ends_at += timedelta(hours=2)
    session.save()
    before = DBTaskResult.objects.count()
    assert (
        services.reminder_send(
            registration_id=kept.pk, session_id=session.pk, lead="1h", planned_starts_at=planned
        )
        == "rescheduled"
    )
    newest = DBTaskResult.objects.order_by("-enqueued_at").first()
    assert DBTaskResult.objects.count() == before + 1
    assert newest.run_after == session.starts_at - timedelta(hours=1)
    new_plan = session.starts_at.isoformat()
    args = dict(
        registration_id=kept.pk, session_id=session.pk, lead="1h", planned_starts_at=new_plan
    )
    assert services.reminder_send(**args) == "sent"
    assert services.reminder_send(**args) == "skipped: already sent"
    assert reverse("registration:mine", kwargs={"slug": session.seminar.slug})


def test_mail_server_down_keeps_the_registration_and_logs_it(settings, register, caplog):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": free_port(), "timeout": 2},
        }
    }
    registration = register(email="offline@x.example")
    assert Registration.objects.filter(pk=registration.pk, status="confirmed").exists()
    assert "Could not send" in caplog.text


def test_arabic_vendor_gets_arabic_right_to_left_emails_with_local_date_formats(
    smtp, client, open_seminar, agencies, django_capture_on_commit_callbacks
):
    payload = registration_payload(
        email="layla@dubai.example",
        full_name="Layla Haddad",
        preferred_language="ar",
        time_zone="Asia/Dubai",
        company={"country": "AE"},
        session_ids=[agencies["sessions"][0].pk],
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_request(seminar=open_seminar, payload=payload, client="192.0.2.7")
    (link_mail,) = smtp.messages
    assert link_mail["Subject"] == f"أكِّد تسجيلك: {open_seminar.title}"
    body = _text(link_mail)
    assert "افتح هذا الرابط لتأكيد عنوان بريدك الإلكتروني" in body and "Open this link" not in body
    url = next(line for line in body.splitlines() if "/register/confirm/" in line).strip()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/" + url.split("://", 1)[1].split("/", 1)[1])
    confirmation = smtp.messages[1]
    assert confirmation["Subject"] == f"تم تسجيلك: {open_seminar.title}"
    text = _text(confirmation)
    assert "ستحضر عبر الإنترنت." in text and "رابط الانضمام الشخصي الخاص بك:" in text
    assert "You are registered" not in text and "Your sessions" not in text
    # Dates in Arabic's own format (Django's ar DATE_FORMAT, "j F، Y"); each clock with its
    # zone and offset kept one left-to-right run inside the Arabic line.
    assert "4 مارس، 2030" in text
    assert "\u206611:00–12:00 Asia/Dubai (UTC+04:00)\u2069" in text
    assert "\u206610:00–11:00 Africa/Nairobi (UTC+03:00)\u2069" in text
    html = confirmation.get_body(preferencelist=("html",)).get_content()
    assert '<html lang="ar" dir="rtl">' in html and '<body dir="rtl"' in html
    assert "تم تسجيلك في" in html


def test_english_emails_stay_left_to_right_without_isolates(
    smtp, register, django_capture_on_commit_callbacks
):
    register(email="ann@x.example", preferred_language="en", time_zone="Africa/Nairobi")
    message = smtp.messages[-1]
    text = _text(message)
    assert "March 4, 2030, 10:00–11:00 Africa/Nairobi (UTC+03:00)" in text
    assert "\u2066" not in text
    html = message.get_body(preferencelist=("html",)).get_content()
    assert '<html lang="en" dir="ltr">' in html
