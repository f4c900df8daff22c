"""``{% room_polls %}``: the polls section of the live room and projector templates."""

from django import template
from django.utils.translation import gettext

from polls import permissions

register = template.Library()


def poll_strings() -> dict:
    """Every sentence polls.js shows, translated on the server (no JavaScript catalogue)."""
    return {
        "vote": gettext("Vote"),
        "voted": gettext("Your vote is counted. You can change it while the poll is open."),
        "launch": gettext("Launch poll"),
        "close": gettext("Close poll"),
        "showResults": gettext("Show results"),
        "hideResults": gettext("Hide results"),
        "allow": gettext("Show this answer"),
        "yourAnswer": gettext("Your answer"),
        "chooseUpTo": gettext("Choose up to %(max)s"),
        "count": gettext("%(count)s votes (%(share)s%%)"),
        "voters": gettext("%(count)s people voted"),
        "average": gettext("Average %(average)s out of 5"),
        "states": {
            "draft": gettext("Prepared, not launched"),
            "open": gettext("Open: voting now"),
            "closed": gettext("Closed"),
        },
    }


@register.inclusion_tag("polls/_room_polls.html", takes_context=True)
def room_polls(context, screen: bool = False) -> dict:
    request, session = context["request"], context["session"]
    can_moderate = bool(context.get("can_moderate")) and not screen
    runs = can_moderate or bool(context.get("panel_agencies"))
    return {
        "seminar": session.seminar,
        "session": session,
        "can_moderate": can_moderate,
        "poll_runs": runs and not screen,
        "poll_screen": screen,
        "poll_exports": not screen and permissions.may_export(request.user, session),
        "poll_strings": poll_strings(),
        # After the session: those who were there are asked for their feedback here too.
        "feedback_asked": not screen and permissions.may_give_feedback(request.user, session),
    }
