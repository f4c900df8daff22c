"""The per-room event log: every change gets the room's next seq in its own transaction."""

from functools import partial

from django.db import transaction
from django.db.models import F

from live import transport
from live.models import RoomEvent, RoomSequence
from live.rooms import Room


def _next_seq(session_id: int) -> int:
    """The room's next seq. The UPDATE locks the counter row until commit, so seqs of one
    room commit in order: once seq N is visible, every smaller seq is too."""
    updated = RoomSequence.objects.filter(session_id=session_id).update(last_seq=F("last_seq") + 1)
    if not updated:
        RoomSequence.objects.get_or_create(session_id=session_id)
        RoomSequence.objects.filter(session_id=session_id).update(last_seq=F("last_seq") + 1)
    return RoomSequence.objects.values_list("last_seq", flat=True).get(session_id=session_id)


def seq_allocate(*, room: Room) -> int:
    """Take the room's next seq (inside the transaction that records its event)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("a seq must be taken inside the transaction of its change")
    return _next_seq(room.session_id)


def event_record(
    *,
    room: Room,
    seq: int,
    full: dict,
    public: dict | None = None,
    owner_key: str = "",
    owner: dict | None = None,
    agency_id: int | None = None,
) -> int:
    """Store one room event under a seq from ``seq_allocate``; publish it after commit.

    Must run inside the caller's transaction. Returns the seq.
    """
    RoomEvent.objects.create(
        session_id=room.session_id,
        seq=seq,
        kind=full["type"],
        agency_id=agency_id,
        owner_key=owner_key,
        payload_full=full,
        payload_public=public,
        payload_owner=owner,
    )
    event = {
        "seq": seq,
        "agency_id": agency_id,
        "owner_key": owner_key,
        "full": full,
        "public": public,
        "owner": owner,
    }
    transaction.on_commit(
        partial(
            transport.publish,
            session_id=room.session_id,
            event=event,
            agency_ids=room.agency_ids,
        )
    )
    return seq
