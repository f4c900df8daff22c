"""Commands a client may send, each registered with the permission it needs.

Handlers are plain sync functions run in the database thread by the consumer; they parse the
frame and call one service. ``level`` is the lowest permission level allowed; ``token_ok``
says whether an in-room phone (room token, no account) may use it.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from live import groups, permissions, services
from live.errors import LiveError
from live.rooms import Room, Viewer


@dataclass(frozen=True)
class Command:
    name: str
    run: Callable[[Room, Viewer, dict], dict]
    level: str
    token_ok: bool
    # Run in a thread of a pool rather than the consumer's one database thread: only for a
    # command whose writes do not depend on the order of other commands (a poll vote, one
    # statement); every other command keeps the room's order.
    concurrent: bool = False

    def allows(self, viewer: Viewer) -> bool:
        """The socket's level allows it (no database read: checked on every frame)."""
        return permissions.command_allowed(viewer, level=self.level, token_ok=self.token_ok)

    def execute(self, room: Room, viewer: Viewer, frame: dict) -> dict:
        """Run the command in the database thread, after checking that the person still holds
        the level it needs (a role revoked a moment ago is refused before the socket closes)."""
        if not permissions.command_allowed_now(
            room, viewer, level=self.level, token_ok=self.token_ok
        ):
            raise LiveError("forbidden", _("You are not allowed to do that here."))
        return self.run(room, viewer, frame)


COMMANDS: dict[str, Command] = {}


def command(
    name: str, *, level: str = groups.ATTENDEE, token_ok: bool = False, concurrent: bool = False
):
    def register(run: Callable[[Room, Viewer, dict], dict]):
        COMMANDS[name] = Command(
            name=name, run=run, level=level, token_ok=token_ok, concurrent=concurrent
        )
        return run

    return register


@command("question.ask", token_ok=True)
def ask(room: Room, viewer: Viewer, frame: dict) -> dict:
    return services.question_ask(
        room=room,
        viewer=viewer,
        text=frame.get("text"),
        agency_id=frame.get("agency_id"),
        language=frame.get("language"),
        hide_name=frame.get("hide_name", False),
    )


@command("question.vote", token_ok=True)
def vote(room: Room, viewer: Viewer, frame: dict) -> dict:
    return services.question_vote(room=room, viewer=viewer, question_id=frame.get("question_id"))


@command("question.unvote", token_ok=True)
def unvote(room: Room, viewer: Viewer, frame: dict) -> dict:
    return services.question_vote(
        room=room, viewer=viewer, question_id=frame.get("question_id"), voted=False
    )


@command("question.set_state", level=groups.MODERATOR)
def set_state(room: Room, viewer: Viewer, frame: dict) -> dict:
    return services.question_set_state(
        room=room, viewer=viewer, question_id=frame.get("question_id"), state=frame.get("state")
    )


@command("question.pin", level=groups.MODERATOR)
def pin(room: Room, viewer: Viewer, frame: dict) -> dict:
    return services.question_pin(
        room=room, viewer=viewer, question_id=frame.get("question_id"), pinned=frame.get("pinned")
    )


@command("question.merge", level=groups.MODERATOR)
def merge(room: Room, viewer: Viewer, frame: dict) -> dict:
    return services.question_merge(
        room=room, viewer=viewer, question_id=frame.get("question_id"), into_id=frame.get("into_id")
    )


@command("question.answer", level=groups.AGENCY)
def answer(room: Room, viewer: Viewer, frame: dict) -> dict:
    return services.question_answer(
        room=room,
        viewer=viewer,
        question_id=frame.get("question_id"),
        text=frame.get("text"),
        live=frame.get("live", False),
    )


@command("session.set_moderation", level=groups.MODERATOR)
def set_moderation(room: Room, viewer: Viewer, frame: dict) -> dict:
    return services.session_set_moderation(
        room=room, viewer=viewer, qa_moderated=frame.get("qa_moderated")
    )


@command("person.mute", level=groups.MODERATOR)
def mute(room: Room, viewer: Viewer, frame: dict) -> dict:
    return services.person_mute(
        room=room, viewer=viewer, person=frame.get("person"), muted=frame.get("muted")
    )
