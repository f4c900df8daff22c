"""The agenda as frab's ``schedule.xml`` and its JSON form, which conference apps (Giggity,
ConfClerk, the c3voc tools) and players read. Elements and attributes follow frab's
published schema (https://github.com/voc/schedule/blob/master/validator/xsd/schedule.xml.xsd).

Times: each event's ``date`` is its start as ISO 8601 with the seminar's offset; ``start``
(HH:MM) is the wall clock in ``time_zone_name`` and ``duration`` is HH:MM. Days run from
local midnight to midnight. Cancelled sessions are left out (frab has no cancelled state).
"""

import json
import uuid
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from lxml import etree

from scheduling.calendar import session_uid
from seminars.models import Seminar, Session

GENERATOR = "OpenIPS"
TIMESLOT = "00:15"


def _hhmm(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _guid(session: Session) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, session_uid(session)))


def _event(session: Session, seminar: Seminar, base_url: str) -> dict:
    local = session.starts_at.astimezone(seminar.zone)
    room = session.track or seminar.venue_name or "Main"
    return {
        "id": session.pk,
        "guid": _guid(session),
        "date": local.isoformat(),
        "start": local.strftime("%H:%M"),
        "duration": _hhmm(session.ends_at - session.starts_at),
        "room": room,
        "slug": f"{seminar.slug}-{session.pk}",
        "url": f"{base_url}/seminars/{seminar.slug}/#session-{session.pk}",
        "title": session.title,
        "subtitle": "",
        "track": session.get_kind_display(),
        "type": session.kind,
        "language": session.language,
        "abstract": session.abstract,
        "description": "",
        "logo": "",
        "persons": [
            {"id": a.pk, "public_name": a.acronym or a.name} for a in session.agencies.all()
        ],
        "links": [],
        "attachments": [],
        "recording_license": "",
        "do_not_record": False,
    }


def _days(seminar: Seminar, events: list[tuple[date, dict]]) -> list[dict]:
    dates = set()
    day = seminar.starts_on
    while day <= seminar.ends_on:
        dates.add(day)
        day += timedelta(days=1)
    dates |= {d for d, _event in events}
    days = []
    for index, on in enumerate(sorted(dates), start=1):
        start = datetime.combine(on, time(0), seminar.zone)
        end = datetime.combine(on + timedelta(days=1), time(0), seminar.zone)
        rooms: dict[str, list[dict]] = {}
        for d, event in events:
            if d == on:
                rooms.setdefault(event["room"], []).append(event)
        days.append(
            {
                "index": index,
                "date": on.isoformat(),
                "day_start": start.isoformat(),
                "day_end": end.isoformat(),
                "rooms": rooms,
            }
        )
    return days


def schedule(seminar: Seminar, sessions: Iterable[Session], *, base_url: str, version: str):
    """The schedule as frab's JSON form (a dict); ``schedule_xml`` writes the same as XML."""
    events = [
        (s.starts_at.astimezone(seminar.zone).date(), _event(s, seminar, base_url))
        for s in sessions
        if s.cancelled_at is None
    ]
    days = _days(seminar, events)
    return {
        "schedule": {
            "version": version,
            "base_url": base_url,
            "conference": {
                "acronym": seminar.slug,
                "title": seminar.title,
                "start": days[0]["date"] if days else seminar.starts_on.isoformat(),
                "end": days[-1]["date"] if days else seminar.ends_on.isoformat(),
                "daysCount": len(days),
                "timeslot_duration": TIMESLOT,
                "time_zone_name": seminar.time_zone,
                "days": days,
            },
        }
    }


def schedule_json(data: dict) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=1).encode()


def _text(parent, tag: str, value, **attrs) -> etree._Element:
    element = etree.SubElement(parent, tag, **{k: str(v) for k, v in attrs.items()})
    if value not in (None, ""):
        element.text = str(value)
    return element


def _event_xml(parent, event: dict) -> None:
    node = etree.SubElement(parent, "event", id=str(event["id"]), guid=event["guid"])
    for tag in ("date", "start", "duration", "room", "slug", "url", "title", "subtitle"):
        _text(node, tag, event[tag])
    for tag in ("track", "type", "language", "abstract", "description", "logo"):
        _text(node, tag, event[tag])
    persons = etree.SubElement(node, "persons")
    for person in event["persons"]:
        _text(persons, "person", person["public_name"], id=person["id"])
    etree.SubElement(node, "links")
    etree.SubElement(node, "attachments")
    recording = etree.SubElement(node, "recording")
    _text(recording, "license", event["recording_license"])
    _text(recording, "optout", "true" if event["do_not_record"] else "false")


def schedule_xml(data: dict) -> bytes:
    """frab's ``schedule.xml`` from the JSON form."""
    source = data["schedule"]
    conference = source["conference"]
    root = etree.Element("schedule")
    etree.SubElement(root, "generator", name=GENERATOR)
    _text(root, "version", source["version"])
    node = etree.SubElement(root, "conference")
    for tag in ("acronym", "title", "start", "end"):
        _text(node, tag, conference[tag])
    _text(node, "days", conference["daysCount"])
    _text(node, "timeslot_duration", conference["timeslot_duration"])
    _text(node, "base_url", source["base_url"])
    _text(node, "time_zone_name", conference["time_zone_name"])
    for day in conference["days"]:
        day_node = etree.SubElement(
            root,
            "day",
            index=str(day["index"]),
            date=day["date"],
            start=day["day_start"],
            end=day["day_end"],
        )
        for room, events in day["rooms"].items():
            room_node = etree.SubElement(day_node, "room", name=room)
            for event in events:
                _event_xml(room_node, event)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
