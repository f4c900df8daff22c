"""Forms: they parse input into a payload for the services; the rules live in the services."""

from datetime import date

import pytz
from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from config import edge
from registration.countrygroups import unspsc_segments
from registration.models import LANGUAGE_CHOICES, Company, Lead, Registration
from registration.unspsc_titles import segment_label
from registration.validation import normalise_phone, parse_unspsc_codes
from scheduling.timezones import is_known_zone
from seminars.models import Seminar, Session


def default_zone(country: str) -> str:
    zones = pytz.country_timezones.get(country) or []
    return zones[0] if zones else "UTC"


class RegistrationForm(forms.Form):
    email = forms.EmailField(label=_("Email"), max_length=254)
    full_name = forms.CharField(label=_("Your name"), max_length=150)
    job_title = forms.CharField(label=_("Job title"), max_length=100, required=False)
    phone = forms.CharField(
        label=_("Phone"),
        max_length=32,
        required=False,
        help_text=_("International form, e.g. +254 712 345678."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    preferred_language = forms.ChoiceField(label=_("Language for emails"), choices=LANGUAGE_CHOICES)
    legal_name = forms.CharField(label=_("Company legal name"), max_length=200)
    country = forms.ChoiceField(label=_("Country"), choices=[])
    national_registration_number = forms.CharField(
        label=_("National registration or tax number"), max_length=64, required=False
    )
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    website = forms.URLField(
        label=_("Website"), max_length=200, required=False, assume_scheme="https"
    )
    year_established = forms.IntegerField(
        label=_("Year established"), required=False, min_value=1800, max_value=date.today().year
    )
    size_band = forms.ChoiceField(
        label=_("Company size"), choices=Company.SizeBand.choices, widget=forms.RadioSelect
    )
    women_owned = forms.BooleanField(
        # xgettext:no-python-format
        label=_("51% or more owned and controlled by women"),
        required=False,
    )
    disability_inclusive = forms.BooleanField(
        label=_("Disability-inclusive supplier"), required=False
    )
    ungm_number = forms.CharField(label=_("UNGM vendor number"), max_length=32, required=False)
    not_on_ungm = forms.BooleanField(label=_("Not yet registered on UNGM"), required=False)
    unspsc_segments = forms.MultipleChoiceField(
        label=_("What you sell (UNSPSC segments)"),
        choices=[],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    unspsc_codes = forms.CharField(
        label=_("UNSPSC codes from your UNGM profile (optional)"),
        required=False,
        max_length=600,
        help_text=_("8-digit codes separated by commas."),
    )
    time_zone = forms.CharField(
        label=_("Your time zone"),
        max_length=64,
        required=False,
        help_text=_("Leave empty to use your country's main time zone, e.g. Asia/Kathmandu."),
    )
    attendance_mode = forms.ChoiceField(
        label=_("How will you attend?"),
        choices=Registration.AttendanceMode.choices,
        widget=forms.RadioSelect,
    )
    sessions = edge.IdMultipleChoiceField(
        label=_("Sessions you plan to attend"),
        queryset=Session.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    list_visibility = forms.ChoiceField(
        label=_("Who may see you in the participant list?"),
        choices=Registration.ListVisibility.choices,
        initial=Registration.ListVisibility.HIDDEN,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, seminar: Seminar, agencies, modes: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.seminar = seminar
        self.agencies = list(agencies)
        self.fields["country"].choices = [("", "—")] + list(countries)
        self.fields["unspsc_segments"].choices = [
            (code, segment_label(code, title)) for code, title in unspsc_segments().items()
        ]
        self.fields["sessions"].queryset = seminar.sessions.exclude(kind=Session.Kind.BREAK)
        mode_field = self.fields["attendance_mode"]
        mode_field.choices = [c for c in mode_field.choices if c[0] in modes]
        if len(modes) == 1:
            mode_field.initial = modes[0]
            mode_field.widget = forms.HiddenInput()
        for agency in self.agencies:
            # One separate, unticked opt-in per agency, never bundled with anything else.
            self.fields[f"consent_{agency.pk}"] = forms.BooleanField(
                label=_("Share my contact details with %(agency)s so that it may contact me")
                % {"agency": agency.acronym or agency.name},
                required=False,
                initial=False,
            )

    def consent_fields(self):
        return [self[f"consent_{a.pk}"] for a in self.agencies]

    def clean_unspsc_codes(self) -> list[str]:
        return parse_unspsc_codes(self.cleaned_data["unspsc_codes"])

    def clean_time_zone(self) -> str:
        zone = self.cleaned_data["time_zone"].strip()
        if zone and not is_known_zone(zone):
            raise forms.ValidationError(
                _("“%(zone)s” is not a known time zone. Use a name such as Asia/Kathmandu."),
                params={"zone": zone[:64]},
            )
        return zone

    def clean(self):
        data = super().clean()
        country = data.get("country", "")
        if data.get("phone"):
            try:
                data["phone"] = normalise_phone(data["phone"], country)
            except forms.ValidationError as error:
                self.add_error("phone", error)
        if country and not data.get("time_zone"):
            data["time_zone"] = default_zone(country)
        return data

    def payload(self) -> dict:
        """The JSON-serialisable registration the services take (kept in the emailed link)."""
        d = self.cleaned_data
        return {
            "email": d["email"].lower(),
            "full_name": d["full_name"].strip(),
            "job_title": d["job_title"].strip(),
            "phone": d["phone"],
            "preferred_language": d["preferred_language"],
            "time_zone": d["time_zone"],
            "company": {
                "legal_name": d["legal_name"].strip(),
                "country": d["country"],
                "national_registration_number": d["national_registration_number"].strip(),
                "city": d["city"].strip(),
                "website": d["website"],
                "year_established": d["year_established"],
                "size_band": d["size_band"],
                "women_owned": d["women_owned"],
                "disability_inclusive": d["disability_inclusive"],
                "ungm_number": "" if d["not_on_ungm"] else d["ungm_number"].strip(),
                "unspsc_segments": sorted(d["unspsc_segments"]),
                "unspsc_codes": d["unspsc_codes"],
            },
            "attendance_mode": d["attendance_mode"],
            "session_ids": [s.pk for s in d["sessions"]],
            "list_visibility": d["list_visibility"],
            "consents": {str(a.pk): bool(d.get(f"consent_{a.pk}")) for a in self.agencies},
        }


def initial_from(registration: Registration) -> dict:
    """Form values of an existing registration, so that re-registering edits it."""
    person, company = registration.person, registration.company
    initial = {
        "email": person.email,
        "full_name": person.full_name,
        "job_title": person.job_title,
        "phone": person.phone,
        "preferred_language": person.preferred_language,
        "time_zone": person.time_zone,
        "attendance_mode": registration.attendance_mode,
        "sessions": list(registration.sessions.values_list("pk", flat=True)),
        "list_visibility": registration.list_visibility,
    }
    if company:
        initial.update(
            {
                f: getattr(company, f)
                for f in (
                    "legal_name",
                    "country",
                    "national_registration_number",
                    "city",
                    "website",
                    "year_established",
                    "size_band",
                    "women_owned",
                    "disability_inclusive",
                    "ungm_number",
                    "unspsc_segments",
                )
            }
        )
        initial["unspsc_codes"] = ", ".join(company.unspsc_codes or [])
    for consent in registration.consents.all():
        initial[f"consent_{consent.agency_id}"] = consent.granted
    return initial


class SignInForm(forms.Form):
    email = forms.EmailField(label=_("Email you registered with"), max_length=254)


class LeadForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Lead.Status.choices)
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=4000, widget=forms.Textarea
    )


class CheckInForm(forms.Form):
    code = forms.CharField(label=_("Check-in code"), max_length=40)


EXPORT_GROUPS = [
    ("", _("All countries")),
    ("ldc", _("Least developed countries")),
    ("lldc", _("Landlocked developing countries")),
    ("sids", _("Small island developing states")),
    ("eit", _("Economies in transition")),
]


class ExportForm(forms.Form):
    columns = forms.MultipleChoiceField(
        label=_("Columns"), choices=[], required=False, widget=forms.CheckboxSelectMultiple
    )
    country_group = forms.ChoiceField(
        label=_("Country group"), choices=EXPORT_GROUPS, required=False
    )
    attendance_mode = forms.ChoiceField(
        label=_("Attendance"),
        choices=[("", _("Any"))] + list(Registration.AttendanceMode.choices),
        required=False,
    )
    checked_in = forms.ChoiceField(
        label=_("Checked in"),
        choices=[("", _("Any")), ("yes", _("Yes")), ("no", _("No"))],
        required=False,
    )
    consent = forms.ChoiceField(
        label=_("Consented to share details"),
        choices=[("", _("Any")), ("yes", _("With at least one agency")), ("no", _("With none"))],
        required=False,
    )
    agency = forms.ChoiceField(label=_("Consented to agency"), choices=[], required=False)
    new_only = forms.BooleanField(label=_("Only new since my last export"), required=False)

    def __init__(self, *args, column_choices, agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["columns"].choices = column_choices
        self.fields["agency"].choices = [("", _("Any"))] + [
            (str(a.pk), a.acronym or a.name) for a in agencies
        ]
        if not agencies:
            del self.fields["agency"]
