"""``{% load registration_tags %}{% registration_links seminar %}``: the registration links a
seminar page shows to this viewer (register, their registration, organiser and agency tools)."""

from django import template

from registration import permissions, selectors
from registration.services import registration_window_error

register = template.Library()


@register.inclusion_tag("registration/_seminar_links.html", takes_context=True)
def registration_links(context, seminar):
    user = context["request"].user
    return {
        "seminar": seminar,
        "registration": selectors.registration_of_user(seminar, user),
        "closed": registration_window_error(seminar),
        "can_manage": permissions.can_manage_registrations(user, seminar),
        "presents": bool(permissions.lead_agency_ids(user, seminar)),
    }
