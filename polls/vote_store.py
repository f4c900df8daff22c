"""A vote in one statement: ``INSERT … SELECT … ON CONFLICT … DO UPDATE … RETURNING``.

Why raw SQL: the one-vote-per-person rules are *partial* unique indexes (``voter`` or
``device`` not null), and ``bulk_create(update_conflicts=True)`` writes a conflict target
without the index's ``WHERE``, which PostgreSQL refuses ("no unique or exclusion constraint
matching the ON CONFLICT specification"). The statement below names the predicate, which
PostgreSQL (9.5+) and SQLite (3.35+, for ``RETURNING``) both accept.

The statement does everything the vote needs from the database at once:

- stores the vote only while the poll is open (``SELECT … FROM poll WHERE state = 'open'``),
  in this session, of this kind, and while the person is not muted in the room;
- makes a first vote or replaces the person's vote (the conflict on their unique index);
- sends a changed short text answer back to the moderators' queue (``text_state`` pending),
  keeps the moderators' decision when the text is unchanged;
- returns whether it was a first vote (``times_changed`` 0).

No row back means one of the conditions failed: the caller asks which (the error path only).
The tests in ``tests/polls/test_polls_votes.py`` run it on SQLite and, under CI, PostgreSQL.
"""

from dataclasses import dataclass

from django.db import connection
from django.utils import timezone

from live.models import RoomMute
from polls.models import Poll, PollVote


@dataclass(frozen=True)
class StoredVote:
    vote_id: int
    text_state: str
    first: bool


def _sql(person_column: str) -> str:
    vote = PollVote._meta.db_table
    poll = Poll._meta.db_table
    mute = RoomMute._meta.db_table
    return f"""
        INSERT INTO {vote}
            (poll_id, {person_column}, option_ids, rating, text, text_state, updated_at,
             times_changed)
        SELECT p.id, %s, %s, %s, %s, %s, %s, 0
        FROM {poll} p
        WHERE p.id = %s AND p.session_id = %s AND p.kind = %s AND p.state = %s
          AND NOT EXISTS (
            SELECT 1 FROM {mute} m WHERE m.session_id = %s AND m.person_key = %s
          )
        ON CONFLICT (poll_id, {person_column}) WHERE {person_column} IS NOT NULL
        DO UPDATE SET
            option_ids = excluded.option_ids,
            rating = excluded.rating,
            text = excluded.text,
            text_state = CASE WHEN {vote}.text = excluded.text
                THEN {vote}.text_state ELSE excluded.text_state END,
            updated_at = excluded.updated_at,
            times_changed = {vote}.times_changed + 1
        RETURNING id, text_state, times_changed
    """  # only table and column names from the models are formatted in; values are params


_SQL = {"voter_id": _sql("voter_id"), "device_id": _sql("device_id")}


def vote_upsert(
    *,
    poll_id: int,
    session_id: int,
    kind: str,
    person_key: str,
    voter_id: int | None,
    device_id: int | None,
    option_ids: list[int],
    rating: int | None,
    text: str,
) -> StoredVote | None:
    """Store the person's vote (one statement); None when the poll is not open in this room
    (or not of this kind) or the person is muted there."""
    person_column, person = ("device_id", device_id) if device_id else ("voter_id", voter_id)
    options_field = PollVote._meta.get_field("option_ids")
    updated_field = PollVote._meta.get_field("updated_at")
    params = [
        person,
        options_field.get_db_prep_save(option_ids, connection),
        rating,
        text,
        PollVote.TextState.PENDING,
        updated_field.get_db_prep_save(timezone.now(), connection),
        poll_id,
        session_id,
        kind,
        Poll.State.OPEN,
        session_id,
        person_key,
    ]
    with connection.cursor() as cursor:
        cursor.execute(_SQL[person_column], params)
        row = cursor.fetchone()
    if row is None:
        return None
    return StoredVote(vote_id=row[0], text_state=row[1], first=row[2] == 0)
