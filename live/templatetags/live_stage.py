from django import template

register = template.Library()


@register.simple_tag
def feed_of(feeds: dict, code: str):
    """The stage's feed for a language ("" for the hall), or None."""
    return feeds.get(code)
