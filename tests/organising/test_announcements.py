"""Announcements: per language with a fallback, previewed, sent once with a delivery log."""

from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from organising.models import Announcement, AnnouncementDelivery
from registration import services as registration_services
from tests.factories import registration_payload

TASK = "organising.tasks.deliver_announcement"


def _register(seminar, email, language):
    return registration_services.registration_apply(
        seminar=seminar, payload=registration_payload(email=email, preferred_language=language)
    )


def _form(**overrides):
    data = {
        "default_language": "en",
        "subject_en": "Venue change",
        "body_en": "We meet in Hall B.",
        "subject_fr": "Changement de salle",
        "body_fr": "Nous nous retrouvons en salle B.",
        "subject_es": "",
        "body_es": "",
    }
    data.update(overrides)
    return data


def test_an_empty_message_in_one_language_is_refused_beside_it_and_stores_nothing(
    client, organiser, seminar
):
    client.force_login(organiser)
    url = reverse("organising:announcements", args=[seminar.slug])
    response = client.post(url, _form(body_fr=""))
    assert response.status_code == 400
    assert "Write both a subject and a message in this language" in response.content.decode()
    assert not Announcement.objects.exists()


def test_each_registrant_gets_their_language_or_the_default_once_even_if_sent_twice(
    client, organiser, seminar, mailoutbox, django_capture_on_commit_callbacks
):
    _register(seminar, "fr@example.org", "fr")
    _register(seminar, "es@example.org", "es")
    mailoutbox.clear()
    client.force_login(organiser)
    response = client.post(reverse("organising:announcements", args=[seminar.slug]), _form())
    announcement = Announcement.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert "Changement de salle" in page and "Send announcement" in page
    assert "2 registrants will receive it." in page
    send = reverse("organising:announcement_send", args=[seminar.slug, announcement.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(send)
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(send, follow=True)
    assert "already been sent" in again.content.decode()
    [task] = DBTaskResult.objects.filter(task_path=TASK)
    assert task.task.call(*task.task_result.args) == 2
    # Even a second run of the task sends nobody anything twice.
    announcement.refresh_from_db()
    Announcement.objects.filter(pk=announcement.pk).update(status="sending")
    assert task.task.call(*task.task_result.args) == 0
    by_to = {m.to[0]: m for m in mailoutbox}
    assert len(mailoutbox) == 2
    assert by_to["fr@example.org"].subject == "Changement de salle"
    assert by_to["es@example.org"].subject == "Venue change"  # no Spanish text: the default
    assert AnnouncementDelivery.objects.filter(outcome="sent").count() == 2
    page = client.get(response["Location"]).content.decode()
    assert "2 of 2 sent, 0 failed." in page and "fr@example.org" in page
