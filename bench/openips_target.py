"""Client side of OpenIPS's room protocol (docs/websocket-protocol.md), as the load needs it.

Event keys: ``q:<question id>`` for a question that reached the public list, and
``v:<question id>:<votes>`` for a vote count. The publisher records the same keys with
their send times. A `snapshot` after a resume counts as delivering what it contains
(the client has the data), a `replay` as delivering each event in it.
"""

from __future__ import annotations

import time
from urllib.parse import quote

PUBLIC_STATES = {"approved", "highlighted", "answered"}


def path_for(session_id: int, token: str, last_seq: int) -> str:
    path = f"/ws/sessions/{session_id}/?token={quote(token)}"
    if last_seq:
        path += f"&last_seq={last_seq}"
    return path


def _event_keys(obj: dict, out: list) -> None:
    kind = obj.get("type")
    if kind == "question.created" or kind == "question.updated":
        question = obj["question"]
        if question.get("state") in PUBLIC_STATES:
            out.append(f"q:{question['id']}")
    elif kind == "question.votes":
        out.append(f"v:{obj['id']}:{obj['votes']}")
    elif kind == "poll.totals":  # bench/polls.py: one key per totals event (its seq)
        out.append(f"t:{obj['poll_id']}:{obj['voters']}:{obj['seq']}")


def extract(obj) -> list:
    if type(obj) is not dict:
        return []
    out: list = []
    kind = obj.get("type")
    if kind == "replay":
        for event in obj.get("events", ()):
            _event_keys(event, out)
    elif kind == "snapshot":
        for question in obj.get("questions", ()):
            if question.get("state") in PUBLIC_STATES:
                out.append(f"q:{question['id']}")
                out.extend(f"v:{question['id']}:{n}" for n in range(1, question["votes"] + 1))
    else:
        _event_keys(obj, out)
    return out


GAP_RESUME_AFTER = 3.0  # protocol rule 3: a gap open this long -> send resume


def track(state, obj) -> None:
    """Keep ``state.last_seq`` = the highest seq applied contiguously (protocol rule 1),
    and note since when a gap has been open (rule 3; the worker sends the resume)."""
    if type(obj) is not dict:
        return
    _track(state, obj)
    if not state.pending:
        state.gap_since = None
    elif state.gap_since is None:
        state.gap_since = time.monotonic()


def resume_frame(last_seq: int) -> bytes:
    return b'{"type":"resume","last_seq":%d}' % last_seq


def _track(state, obj: dict) -> None:
    kind = obj.get("type")
    if kind == "snapshot":
        state.last_seq = obj["seq"]
        state.pending = {s for s in state.pending if s > state.last_seq}
    elif kind == "replay":
        for event in obj.get("events", ()):
            _advance(state, event.get("seq"))
    else:
        _advance(state, obj.get("seq"))


def _advance(state, seq) -> None:
    if seq is None or seq <= state.last_seq:
        return
    if seq == state.last_seq + 1:
        state.last_seq = seq
        pending = state.pending
        while state.last_seq + 1 in pending:
            state.last_seq += 1
            pending.discard(state.last_seq)
    else:
        state.pending.add(seq)
