"""Demo Q&A for the live room of the demo seminar's "Live Q&A with all agencies" session.

Run after ``seminars.demo.seed`` (it reads ``seminar``, ``agencies`` and ``users`` from the
context). Everything goes through the live services, so the demo room has a real event log
and a client that connects sees the questions in its snapshot.
"""

from live import groups
from live.rooms import Viewer
from live.selectors import room_load
from live.services import (
    question_answer,
    question_ask,
    question_set_state,
    question_vote,
    room_device_join,
    room_invite_create,
)
from seminars.models import Session


def _viewer(user, level: str = groups.ATTENDEE, agency_id: int | None = None) -> Viewer:
    return Viewer(
        level=level,
        person_key=f"u{user.pk}",
        name=user.get_full_name(),
        user_id=user.pk,
        agency_id=agency_id,
    )


def seed(context: dict) -> None:
    session = (
        Session.objects.filter(seminar=context["seminar"], kind=Session.Kind.QA)
        .order_by("starts_at")
        .first()
    )
    room = room_load(session_id=session.pk)
    users, agencies = context["users"], context["agencies"]
    vendor, moderator = _viewer(users["vendor"]), _viewer(users["moderator"], groups.MODERATOR)
    unicef = _viewer(users["agency"], groups.AGENCY, agencies["UNICEF"].pk)
    device, _token = room_device_join(invite=room_invite_create(session_id=session.pk))
    guest = Viewer(
        level=groups.ATTENDEE, person_key=device.person_key, name="", device_pk=device.pk,
        token=True,
    )  # fmt: skip

    def ask(viewer: Viewer, text: str, **fields) -> int:
        return question_ask(room=room, viewer=viewer, text=text, **fields)["question_id"]

    small_firms = ask(
        vendor,
        "Can a firm with only two employees register on UNGM and bid?",
        agency_id=agencies["UNDP"].pk,
    )
    french = ask(
        vendor,
        "Acceptez-vous les offres rédigées en français ?",
        agency_id=agencies["UNICEF"].pk,
        language="fr",
        hide_name=True,
    )
    calendar = ask(guest, "Where can we see the tender calendar for next year?")
    ask(guest, "Is there a minimum turnover to supply WHO?", agency_id=agencies["WHO"].pk)
    for question_id in (small_firms, french, calendar):
        question_set_state(room=room, viewer=moderator, question_id=question_id, state="approved")
    question_vote(room=room, viewer=guest, question_id=small_firms)
    question_vote(room=room, viewer=vendor, question_id=calendar)
    question_answer(
        room=room,
        viewer=unicef,
        question_id=french,
        text="Oui : nos appels d'offres acceptent le français, l'anglais et l'espagnol.",
    )
    question_set_state(room=room, viewer=moderator, question_id=small_firms, state="highlighted")
    context["live_session"] = session
