"""The sentences the room's ES modules show, translated on the server."""

from django.utils.translation import gettext


def client_strings() -> dict[str, str]:
    """Every sentence room.js and screen.js show, translated here (no JavaScript catalogue)."""
    return {
        "connecting": gettext("Connecting to the room…"),
        "connected": gettext("Connected: questions update live."),
        "reconnecting": gettext("Connection lost. Reconnecting in %(seconds)s s…"),
        "offline": gettext("You are offline. The room reconnects when the network is back."),
        "signIn": gettext("Sign in to follow the questions live."),
        "closed4401": gettext(
            "Your room code has expired or is not valid. Scan the QR code in the room again, "
            "or sign in."
        ),
        "closed4403": gettext("You may not take part in this room."),
        "closed4404": gettext("This session no longer exists."),
        "closed4429": gettext(
            "You have this room open in too many tabs or devices. Close one and reload."
        ),
        "startsIn": gettext("Starts in %(time)s"),
        "yourTime": gettext("Your time: %(time)s (%(zone)s)"),
        "started": gettext("The session has started."),
        "ended": gettext("The session has ended."),
        "votes": gettext("%(count)s votes"),
        "oneVote": gettext("1 vote"),
        "vote": gettext("Upvote"),
        "voted": gettext("Withdraw vote"),
        "anonymous": gettext("Name hidden"),
        "guest": gettext("Guest in the room"),
        "you": gettext("You"),
        "to": gettext("To %(agency)s"),
        "general": gettext("To all presenters"),
        "pinned": gettext("Pinned"),
        "answeredLive": gettext("Answered live"),
        "nameHidden": gettext("(name hidden from the audience)"),
        "states": {
            "pending": gettext("Waiting for a moderator"),
            "approved": "",
            "highlighted": gettext("On screen now"),
            "answered": gettext("Answered"),
            "dismissed": gettext("Dismissed"),
        },
        "sentPending": gettext("Thank you. Your question waits for a moderator."),
        "sentOpen": gettext("Thank you. Your question is on the list."),
        "sending": gettext("Sending…"),
        "notConnected": gettext("Not connected. Your question was not sent; try again shortly."),
        "muted": gettext(
            "A moderator has muted you in this session: you can still watch and read, "
            "but not ask or vote."
        ),
        "moderated": gettext("Questions wait for a moderator."),
        "open": gettext("Questions appear as soon as they are asked."),
        "presence": gettext("People here: %(count)s"),
        "mergeChoose": gettext("Choose a question"),
        "mutedPerson": gettext("%(name)s is muted."),
        "unmutedPerson": gettext("%(name)s may ask again."),
        "unmute": gettext("Unmute this person"),
        "screenEmpty": gettext("Ask your questions: scan the code or open the room on your phone."),
        "tooLong": gettext(
            "Your question has %(count)s characters; at most 500 are allowed. Please shorten it."
        ),
    }
