"""Who owns a company: which company record a registration uses, and verified claims.

A company is matched on country and national registration number. A registration changes a
company only when nobody else belongs to it (no other person on file, no other person's
registration in any seminar). Someone giving the number of a company others already belong
to gets a separate record with their own details (``Company.is_claim``) and a pending
``CompanyClaim``; they join the company only when one of its members or the organiser of the
seminar where they claimed it approves. Nothing of the existing company changes meanwhile.
"""

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from registration.models import Company, CompanyClaim, Person, Registration
from seminars.models import Seminar

Claim = CompanyClaim.Status


def company_for_registrant(*, data: dict, person: Person, seminar: Seminar) -> Company:
    """The company record a registration by ``person`` (row locked by the caller) uses,
    created or updated from the form's ``data`` where it is theirs alone. May create a
    separate claim record and a pending CompanyClaim; sends nothing."""
    number = (data.get("national_registration_number") or "").strip()
    if number:
        holder = _holder(data["country"], number)
        if holder is None:
            holder, created = _create_holder(data, number)
            if created:
                return holder
        return _join_or_claim(holder, data, number, person, seminar)
    current = person.company if person.company_id else None
    if current is not None and (current.country, current.legal_name.lower()) == (
        data["country"],
        data["legal_name"].lower(),
    ):
        if _only_member(current, person):
            _fill_and_save(current, data, number)
        return current
    company = Company()
    _fill_and_save(company, data, number)
    return company


def _holder(country: str, number: str) -> Company | None:
    """The company that holds this number (locked), if any."""
    return (
        Company.objects.select_for_update()
        .filter(country=country, national_registration_number=number, is_claim=False)
        .first()
    )


def _create_holder(data: dict, number: str) -> tuple[Company, bool]:
    """A new company holding ``number`` and True; or, when someone else created it at the
    same moment, theirs (locked) and False, to be treated like any existing company."""
    company = Company()
    _fill(company, data, number)
    try:
        with transaction.atomic():
            company.save()
    except IntegrityError:
        existing = Company.objects.select_for_update().get(
            country=data["country"], national_registration_number=number, is_claim=False
        )
        return existing, False
    return company, True


def _only_member(company: Company, person: Person) -> bool:
    """Nobody but ``person`` belongs to ``company``, in any seminar."""
    if Person.objects.filter(company=company).exclude(pk=person.pk).exists():
        return False
    return not Registration.objects.filter(company=company).exclude(person=person).exists()


def _join_or_claim(
    holder: Company, data: dict, number: str, person: Person, seminar: Seminar
) -> Company:
    if _only_member(holder, person):
        _fill_and_save(holder, data, number)
        return holder
    claim = CompanyClaim.objects.filter(company=holder, person=person).first()
    if person.company_id == holder.pk or (claim and claim.status == Claim.APPROVED):
        return holder  # a verified member; a shared company is not changed by a registration
    own = claim.claimant_company if claim and claim.claimant_company_id else None
    own = own or Company(is_claim=True)
    _fill_and_save(own, data, number)
    if claim is None:
        CompanyClaim.objects.create(
            company=holder, claimant_company=own, person=person, seminar=seminar
        )
    elif claim.claimant_company_id != own.pk:
        claim.claimant_company = own
        claim.save(update_fields=["claimant_company"])
    return own


def _fill(company: Company, data: dict, number: str) -> None:
    for field, value in data.items():
        setattr(company, field, value)
    company.national_registration_number = number
    company.full_clean(validate_unique=False, validate_constraints=False)


def _fill_and_save(company: Company, data: dict, number: str) -> None:
    _fill(company, data, number)
    company.save()


@transaction.atomic
def company_claim_decide(*, claim: CompanyClaim, approve: bool, by_user: User) -> CompanyClaim:
    """Approve (the person joins the company: their registrations made under the claim move
    to it and the separate record goes) or reject (they keep their separate record) a
    pending claim. The caller has checked ``permissions.can_decide_company_claim``."""
    claim = CompanyClaim.objects.select_for_update().get(pk=claim.pk)
    if claim.status != Claim.PENDING:
        raise ValidationError(_("This claim has already been decided."), code="decided")
    claim.status = Claim.APPROVED if approve else Claim.REJECTED
    claim.decided_at = timezone.now()
    claim.decided_by = by_user
    own = claim.claimant_company
    if approve and own is not None:
        Registration.objects.filter(person=claim.person, company=own).update(company=claim.company)
        Person.objects.filter(pk=claim.person_id, company=own).update(company=claim.company)
        claim.claimant_company = None
    claim.save()
    if approve and own is not None and not _still_used(own):
        own.delete()
    return claim


def _still_used(company: Company) -> bool:
    return (
        Person.objects.filter(company=company).exists()
        or Registration.objects.filter(company=company).exists()
    )
