from django import template

register = template.Library()


@register.simple_tag
def feed_of(feeds: dict, code: str):
    """The stage's feed for a language ("" for the hall), or None."""
    return feeds.get(code)


@register.simple_tag
def second_encoder_of(second_encoders: dict, code: str):
    """When a second encoder last tried the feed's key (a shown time), or None."""
    return second_encoders.get(code)
