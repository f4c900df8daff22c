"""``{% media_player session %}``: the player for a session, wherever a page shows one."""

from django import template

from media_library import selectors

register = template.Library()


@register.inclusion_tag("media_library/_player_body.html", takes_context=True)
def media_player(context, session):
    return {
        "session": session,
        "player": selectors.player_context(session),
        "request": context.get("request"),
        "csrf_token": context.get("csrf_token"),
        "user": context.get("user"),
    }
