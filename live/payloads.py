"""Question and event payloads: plain dicts, ready for orjson, never HTML."""

from django.contrib.auth.models import AbstractBaseUser

from live.models import Question
from live.rooms import Room


def person_name(user: AbstractBaseUser | None) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def author_of(question: Question) -> dict:
    if question.author_id:
        return {"key": question.author_key, "name": person_name(question.author), "guest": False}
    if question.author_device_id:
        return {"key": question.author_key, "name": "", "guest": True}
    return {"key": "", "name": "", "guest": False}


def question_payload(question: Question, room: Room, *, reveal: bool) -> dict:
    """One question as a viewer sees it; ``reveal`` shows the author even if hidden."""
    return {
        "id": question.pk,
        "seq": question.last_seq,
        "text": question.text,
        "language": question.language,
        "state": question.state,
        "pinned": question.pinned,
        "votes": question.vote_count,
        "agency": room.agency_map.get(question.addressed_agency_id),
        "author": author_of(question) if reveal or not question.hide_name else None,
        "hide_name": question.hide_name,
        "answer_text": question.answer_text,
        "answered_live": question.answered_live,
        "created_at": question.created_at.isoformat().replace("+00:00", "Z"),
    }


def frame_of(seq: int, payload: dict) -> dict:
    """A stored payload as a frame: its type, then its seq, then the rest."""
    rest = {key: value for key, value in payload.items() if key != "type"}
    return {"type": payload["type"], "seq": seq, **rest}


def filler(seq: int) -> dict:
    return {"type": "seq", "seq": seq}


def event_for(
    *,
    seq: int,
    agency_id: int | None,
    owner_key: str,
    full: dict,
    public: dict | None,
    owner: dict | None,
    person_key: str,
    level: str,
    viewer_agency_id: int | None,
) -> dict:
    """The version of one event a viewer receives: the single rule shared by live fan-out
    (``broadcast``) and replay (``selectors``), so the two can never disagree."""
    if owner is not None and owner_key and owner_key == person_key:
        chosen = owner
    elif level == "moderator" or (
        level == "agency" and agency_id is not None and agency_id == viewer_agency_id
    ):
        chosen = full
    elif public is not None:
        chosen = public
    else:
        return filler(seq)
    return frame_of(seq, chosen)


def stage_payload(stage) -> dict:
    """The ``stage`` room event: what the room shows. The same for every level, and never a
    stream key (the HLS address names the session only)."""
    return stage_payload_of(
        session_id=stage.session_id,
        source=stage.source,
        state=stage.state,
        problem=stage.problem,
        external_url=stage.external_url,
    )


# A session without a stage row shows its pre-recorded presentation (live.models.Stage).
STAGE_FIELDS = {"source": "prerecorded", "state": "idle", "problem": "", "external_url": ""}


def stage_payload_of(
    *, session_id: int, source: str, state: str, problem: str, external_url: str
) -> dict:
    """``stage_payload`` from the stage's columns (a snapshot reads them with the room's seq)."""
    from live.stage.embeds import embed_player_url

    external = source == "external"
    on_air = source == "live" and state == "on_air"
    return {
        "type": "stage",
        "source": source,
        "state": state,
        "problem": problem,
        "on_air": on_air,
        "hls": f"/live-hls/{session_id}/master.m3u8" if on_air else "",
        "embed": (embed_player_url(external_url) or "") if external else "",
        "link": external_url if external else "",
    }
