"""Poll commands of the live room socket (protocol: docs/websocket-protocol.md, "Polls").

Registered with the live consumer's command table: each states the lowest socket level it
needs and whether an in-room phone may send it; ``polls/permissions.py`` decides the rest
(a presenter runs only their agency's polls) in the services.
"""

from live import groups
from live.handlers import command
from live.rooms import Room, Viewer
from polls import selectors, services


@command("poll.list", token_ok=True)
def poll_list(room: Room, viewer: Viewer, frame: dict) -> dict:
    return {"polls": selectors.polls_for_viewer(room=room, viewer=viewer)}


@command("poll.create", level=groups.AGENCY)
def poll_create(room: Room, viewer: Viewer, frame: dict) -> dict:
    return services.poll_create(
        room=room,
        viewer=viewer,
        kind=frame.get("kind"),
        question=frame.get("question"),
        options=frame.get("options"),
        max_choices=frame.get("max_choices"),
        results_while_voting=frame.get("results_while_voting", False),
    )


@command("poll.launch", level=groups.AGENCY)
def poll_launch(room: Room, viewer: Viewer, frame: dict) -> dict:
    return services.poll_launch(room=room, viewer=viewer, poll_id=frame.get("poll_id"))


@command("poll.close", level=groups.AGENCY)
def poll_close(room: Room, viewer: Viewer, frame: dict) -> dict:
    return services.poll_close(room=room, viewer=viewer, poll_id=frame.get("poll_id"))


@command("poll.set_results", level=groups.MODERATOR)
def poll_set_results(room: Room, viewer: Viewer, frame: dict) -> dict:
    return services.poll_set_results(
        room=room,
        viewer=viewer,
        poll_id=frame.get("poll_id"),
        shown=frame.get("shown"),
        while_voting=frame.get("while_voting"),
    )


# Concurrent: 5,000 votes in 10 s queued one after another behind each process's database
# thread (BENCHMARKS.md, issue 16); a vote is one statement whose result does not depend on
# the order of the room's other commands.
@command("poll.vote", token_ok=True, concurrent=True)
def poll_vote(room: Room, viewer: Viewer, frame: dict) -> dict:
    return services.poll_vote(room=room, viewer=viewer, poll_id=frame.get("poll_id"), frame=frame)


@command("poll.moderate_answer", level=groups.MODERATOR)
def poll_moderate_answer(room: Room, viewer: Viewer, frame: dict) -> dict:
    return services.poll_answer_moderate(
        room=room, viewer=viewer, vote_id=frame.get("vote_id"), allowed=frame.get("allowed")
    )
