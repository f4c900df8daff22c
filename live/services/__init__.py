"""Writes of the live room. Every function here is a service (see HOUSE_STYLE 3)."""

from live.services.events import event_record, seq_allocate
from live.services.faq import session_set_faq_published
from live.services.identities import room_identity_join
from live.services.moderation import (
    person_mute,
    question_answer,
    question_merge,
    question_pin,
    question_set_state,
    session_set_moderation,
)
from live.services.presence import attendance_join, attendance_leave
from live.services.processes import process_beat, processes_sweep
from live.services.questions import question_ask, question_vote
from live.services.tokens import (
    room_device_join,
    room_invite_create,
    room_invites_rotate,
    room_token_issue,
    room_token_verify,
)

__all__ = [
    "attendance_join",
    "attendance_leave",
    "event_record",
    "person_mute",
    "process_beat",
    "processes_sweep",
    "question_answer",
    "question_ask",
    "question_merge",
    "question_pin",
    "question_set_state",
    "question_vote",
    "room_device_join",
    "room_identity_join",
    "room_invite_create",
    "room_invites_rotate",
    "room_token_issue",
    "room_token_verify",
    "seq_allocate",
    "session_set_faq_published",
    "session_set_moderation",
]
