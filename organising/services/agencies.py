"""Adding and editing the UN agencies that present at seminars, from the workspace."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from seminars.models import Organization


def _duplicates_check(agency: Organization) -> None:
    """Two agencies with one name or acronym would be indistinguishable in every picker."""
    others = Organization.objects.filter(kind=Organization.Kind.AGENCY).exclude(pk=agency.pk)
    errors = {}
    if others.filter(name__iexact=agency.name).exists():
        errors["name"] = _("An agency with this name already exists: choose it in the agenda.")
    taken = Q(acronym__iexact=agency.acronym) | Q(name__iexact=agency.acronym)
    if agency.acronym and others.filter(taken).exists():
        errors["acronym"] = _("Another agency already uses this acronym.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def agency_save(*, agency: Organization) -> Organization:
    """Create or update an agency (kind "agency"); refuses a name or acronym another agency
    already uses. Changes nothing else (agendas pick up the new name on their next read)."""
    if agency.pk is not None and agency.kind != Organization.Kind.AGENCY:
        raise ValidationError(_("Only agencies can be changed here."))
    agency.kind = Organization.Kind.AGENCY
    agency.procurement_segments = sorted(set(agency.procurement_segments or []))
    if agency.pk is not None:
        Organization.objects.select_for_update().get(pk=agency.pk)
    _duplicates_check(agency)
    agency.full_clean()
    agency.save()
    return agency
