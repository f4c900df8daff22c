"""frab schedule.xml and schedule.json: the elements and attributes frab's published schema
requires (voc/schedule validator/xsd/schedule.xml.xsd), and times that round-trip."""

import json
import zoneinfo
from datetime import UTC, datetime, timedelta

import pytest
from lxml import etree

from tests import factories

pytestmark = pytest.mark.django_db

CONFERENCE_REQUIRED = ["acronym", "title", "start", "end", "days", "timeslot_duration"]
DAY_ATTRIBUTES = ["index", "date", "start", "end"]
EVENT_ATTRIBUTES = ["id", "guid"]
EVENT_REQUIRED = [
    "date",
    "start",
    "duration",
    "room",
    "slug",
    "title",
    "subtitle",
    "track",
    "type",
    "language",
    "abstract",
    "description",
    "persons",
    "links",
    "attachments",
]


@pytest.fixture
def agenda(db):
    seminar = factories.SeminarFactory(time_zone="Asia/Kathmandu")  # +05:45: minutes matter
    agency = factories.AgencyFactory(acronym="UNOPS")
    first = factories.SessionFactory(seminar=seminar, track="Hall A", title="Buying <UN> & more")
    first.agencies.set([agency])
    # Crosses local midnight: it belongs to the day it starts on.
    late = factories.SessionFactory(
        seminar=seminar,
        track="Hall B",
        starts_at=datetime(2030, 3, 4, 18, 0, tzinfo=UTC),
        ends_at=datetime(2030, 3, 4, 19, 30, tzinfo=UTC),
    )
    cancelled = factories.SessionFactory(seminar=seminar, cancelled_at=datetime.now(UTC))
    return seminar, [first, late], cancelled


def test_schedule_xml_has_what_the_frab_schema_requires_and_times_round_trip(client, agenda):
    seminar, sessions, cancelled = agenda
    response = client.get(f"/seminars/{seminar.slug}/schedule.xml")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    root = etree.fromstring(response.content)
    assert root.tag == "schedule"
    assert root.find("version").text
    conference = root.find("conference")
    for tag in CONFERENCE_REQUIRED:
        assert conference.find(tag) is not None and conference.find(tag).text, tag
    zone = zoneinfo.ZoneInfo(conference.find("time_zone_name").text)
    days = root.findall("day")
    assert days and int(conference.find("days").text) == len(days)
    found = {}
    for day in days:
        assert all(day.get(a) for a in DAY_ATTRIBUTES)
        for room in day.findall("room"):
            assert room.get("name")
            for event in room.findall("event"):
                assert all(event.get(a) for a in EVENT_ATTRIBUTES)
                for tag in EVENT_REQUIRED:
                    assert event.find(tag) is not None, tag
                assert event.find("room").text == room.get("name")
                start = datetime.fromisoformat(event.find("date").text)
                assert start.utcoffset() == timedelta(hours=5, minutes=45)
                wall = datetime.combine(
                    datetime.fromisoformat(day.get("date")).date(),
                    datetime.strptime(event.find("start").text, "%H:%M").time(),
                    zone,
                )
                hours, minutes = map(int, event.find("duration").text.split(":"))
                found[int(event.get("id"))] = (
                    start,
                    wall,
                    start + timedelta(hours=hours, minutes=minutes),
                )
    assert set(found) == {s.pk for s in sessions}, "cancelled sessions are left out"
    for session in sessions:
        start, wall, end = found[session.pk]
        assert start == wall == session.starts_at
        assert end == session.ends_at
    first = root.find(f".//event[@id='{sessions[0].pk}']")
    assert first.find("title").text == "Buying <UN> & more"
    assert first.find("persons/person").text == "UNOPS"


def test_schedule_json_is_the_same_schedule(client, agenda):
    seminar, sessions, _cancelled = agenda
    data = json.loads(client.get(f"/seminars/{seminar.slug}/schedule.json").content)
    conference = data["schedule"]["conference"]
    assert conference["time_zone_name"] == "Asia/Kathmandu"
    events = [e for day in conference["days"] for room in day["rooms"].values() for e in room]
    by_id = {e["id"]: e for e in events}
    assert set(by_id) == {s.pk for s in sessions}
    for session in sessions:
        assert datetime.fromisoformat(by_id[session.pk]["date"]) == session.starts_at


def test_a_draft_seminars_schedule_is_not_found(client, agenda):
    seminar, _sessions, _cancelled = agenda
    seminar.status = "draft"
    seminar.save()
    assert client.get(f"/seminars/{seminar.slug}/schedule.xml").status_code == 404
    assert client.get(f"/seminars/{seminar.slug}/schedule.json").status_code == 404
