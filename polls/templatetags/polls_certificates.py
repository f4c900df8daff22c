"""Certificate links on other apps' pages: "My registration" and the organiser's tools."""

from django import template

from polls import certificates, permissions
from polls.models import Certificate

register = template.Library()


@register.inclusion_tag("polls/_certificate_link.html")
def certificate_link(seminar, user) -> dict:
    """ "Download certificate (PDF)" for a participant who holds one or meets the rule."""
    held = Certificate.objects.filter(seminar=seminar, user=user).first()
    if held is not None:
        offered = held.revoked_at is None
    else:
        offered = certificates.certificate_eligibility(seminar=seminar, user=user).eligible
    return {"seminar": seminar, "offered": offered}


@register.inclusion_tag("polls/_certificates_nav.html")
def certificates_nav(seminar, user) -> dict:
    return {"seminar": seminar, "shown": permissions.may_manage_certificates(user, seminar)}
