"""Checks shared by the registration form and the services (which re-check before saving)."""

import re

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from registration.countrygroups import known_country, unspsc_segments
from registration.models import LANGUAGE_CHOICES
from scheduling.timezones import is_known_zone

UNSPSC_CODE = re.compile(r"^\d{8}$")


def normalise_phone(raw: str, country: str) -> str:
    """E.164 form of a phone number, or ValidationError. National numbers are read as being in
    the company's country; international ones (+…) in any."""
    raw = raw.strip()
    if not raw:
        return ""
    try:
        number = phonenumbers.parse(raw, country or None)
    except phonenumbers.NumberParseException as error:
        raise ValidationError(
            _(
                "“%(phone)s” is not a phone number. "
                "Use the international form, e.g. +254 712 345678."
            )
            % {"phone": raw[:40]},
            code="invalid_phone",
        ) from error
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _(
                "“%(phone)s” is not a valid phone number. "
                "Use the international form, e.g. +254 712 345678."
            )
            % {"phone": raw[:40]},
            code="invalid_phone",
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def parse_unspsc_codes(raw: str | list[str]) -> list[str]:
    """8-digit commodity codes separated by commas, spaces or new lines, de-duplicated."""
    items = raw if isinstance(raw, list) else re.split(r"[\s,;]+", raw.strip())
    codes: list[str] = []
    bad = []
    for item in (i.strip() for i in items):
        if not item:
            continue
        if not UNSPSC_CODE.match(item) or item[:2] not in unspsc_segments():
            bad.append(item[:20])
        elif item not in codes:
            codes.append(item)
    if bad:
        raise ValidationError(
            _("These are not 8-digit UNSPSC codes: %(codes)s.") % {"codes": ", ".join(bad[:5])},
            code="invalid_unspsc",
        )
    if len(codes) > 50:
        raise ValidationError(_("Enter at most 50 UNSPSC codes."), code="too_many_unspsc")
    return codes


def validate_payload(payload: dict) -> None:
    """Re-check a submitted registration before anything is saved (the form checked it once;
    a stored payload may have been made by an older version)."""
    errors: dict[str, str] = {}
    company = payload.get("company") or {}
    try:
        validate_email(payload.get("email", ""))
    except ValidationError:
        errors["email"] = _("Enter a valid email address.")
    if not known_country(company.get("country", "")):
        errors["country"] = _("Choose a country from the list.")
    if not is_known_zone(payload.get("time_zone", "")):
        errors["time_zone"] = _("Choose a time zone from the list.")
    if payload.get("preferred_language") not in dict(LANGUAGE_CHOICES):
        errors["preferred_language"] = _("Choose a language from the list.")
    if not payload.get("full_name") or len(payload.get("full_name", "")) > 150:
        errors["full_name"] = _("Enter your name (at most 150 characters).")
    if not company.get("legal_name") or len(company.get("legal_name", "")) > 200:
        errors["legal_name"] = _("Enter the company's legal name (at most 200 characters).")
    segments = set(company.get("unspsc_segments") or [])
    if not segments <= set(unspsc_segments()):
        errors["unspsc_segments"] = _("Choose UNSPSC segments from the list.")
    if errors:
        raise ValidationError(errors)
