from datetime import timedelta

from django import template

from meetings.times import clock

register = template.Library()


@register.simple_tag
def your_time(start, end, zone, minutes=None):
    """A meeting's time in ``zone`` (named, with its UTC offset)."""
    if start is None:
        return ""
    return clock(start, end or start + timedelta(minutes=minutes or 0), zone)


@register.filter
def parse_iso(value):
    from django.utils.dateparse import parse_datetime

    return parse_datetime(value) if value else None
