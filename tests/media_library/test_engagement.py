"""Watching and downloading slides become lead signals in the registration app."""

import json

from django.urls import reverse

from media_library.models import MediaAsset
from media_library.services import review
from registration.models import EngagementEvent, Person, Registration
from tests import factories
from tests.media_library.test_permissions import _ready_video


def _registered_vendor(seminar):
    user = factories.UserFactory()
    person = Person.objects.create(
        user=user, email=user.email, full_name="Grace Banda", time_zone="Africa/Lusaka"
    )
    Registration.objects.create(
        seminar=seminar, person=person, status="confirmed", attendance_mode="online"
    )
    return user


def test_registered_vendor_watching_and_downloading_slides_records_engagement(
    client,
    seminar,
    organizer,
    session_with_agency,
    agency,
    local_storage,
    django_capture_on_commit_callbacks,
):
    video = _ready_video(session_with_agency, agency, local_storage)
    review.asset_approve(asset=video, user=organizer)
    slides = MediaAsset.objects.create(
        presentation=video.presentation,
        kind="slides",
        title="Deck",
        status="ready",
        storage_key="deck.pdf",
    )
    review.asset_approve(asset=slides, user=organizer)
    client.force_login(_registered_vendor(seminar))
    body = json.dumps({"presentation": video.presentation_id, "seconds": 10, "position": 10})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("media_library:watch_beacon"), body, content_type="application/json")
        client.get(reverse("media_library:slides_download", kwargs={"pk": slides.pk}))
    events = sorted(EngagementEvent.objects.values_list("kind", "amount", "agency_id"))
    assert events == [
        ("recording_watched_seconds", 10, agency.pk),
        ("slides_downloaded", 1, agency.pk),
    ]


def test_viewer_without_registration_leaves_no_engagement(
    client,
    organizer,
    session_with_agency,
    agency,
    local_storage,
    django_capture_on_commit_callbacks,
):
    video = _ready_video(session_with_agency, agency, local_storage)
    review.asset_approve(asset=video, user=organizer)
    client.force_login(factories.UserFactory())
    body = json.dumps({"presentation": video.presentation_id, "seconds": 10, "position": 10})
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(
            reverse("media_library:watch_beacon"), body, content_type="application/json"
        )
    assert answer.json()["seconds_watched"] == 10
    assert not EngagementEvent.objects.exists()
