"""Forms of the organiser workspace: they parse and check input; services decide the rest."""

from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from organising import selectors
from registration.countrygroups import unspsc_segments
from registration.models import Registration
from registration.unspsc_titles import segment_label
from scheduling.timezones import WallClockError, is_known_zone, to_utc
from seminars.forms import SessionAdminForm, WallClockField
from seminars.models import Organization, Seminar, SeminarRole


class SeminarForm(forms.ModelForm):
    """Dates and the registration window are typed in the seminar's own zone."""

    host_name = forms.CharField(label=_("Host organisation"), max_length=200)
    languages = forms.MultipleChoiceField(
        label=_("Languages"),
        # settings.LANGUAGES is in the UN order: Arabic, Chinese, English, French, Russian, Spanish.
        choices=settings.LANGUAGES,
        widget=forms.CheckboxSelectMultiple,
    )
    time_zone = forms.CharField(
        label=_("Time zone"),
        max_length=64,
        widget=forms.TextInput(attrs={"list": "zone-options", "autocomplete": "off"}),
        help_text=_("Type to search, for example Nairobi; the list shows each zone's offset now."),
    )
    registration_opens_local = WallClockField(
        label=_("Registration opens (seminar's time zone)"), required=False
    )
    registration_closes_local = WallClockField(
        label=_("Registration closes (seminar's time zone)"), required=False
    )

    class Meta:
        model = Seminar
        fields = [
            "title",
            "description",
            "format",
            "time_zone",
            "starts_on",
            "ends_on",
            "languages",
            "venue_name",
            "online_room_url",
            "online_capacity",
            "in_room_capacity",
            "registration_requires_approval",
            "personal_data_retention_days",
            "privacy_notice_version",
        ]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
            "format": forms.RadioSelect,
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["host_name"] = self.instance.host.name
            zone = self.instance.zone
            for field in ("registration_opens", "registration_closes"):
                moment = getattr(self.instance, f"{field}_at")
                if moment:
                    self.initial[f"{field}_local"] = moment.astimezone(zone).replace(tzinfo=None)

    def clean_time_zone(self):
        name = self.cleaned_data["time_zone"].strip()
        if not is_known_zone(name):
            raise ValidationError(
                _("Choose a time zone from the list, for example Africa/Nairobi.")
            )
        return name

    def clean(self):
        cleaned = super().clean()
        zone_name = cleaned.get("time_zone")
        if not zone_name:
            return cleaned
        for field in ("registration_opens", "registration_closes"):
            value = cleaned.get(f"{field}_local")
            moment = None
            if value is not None:
                try:
                    moment = to_utc(value, ZoneInfo(zone_name), fold=0)
                except WallClockError as error:
                    self.add_error(f"{field}_local", str(error))
            setattr(self.instance, f"{field}_at", moment)
        return cleaned


class DuplicateForm(forms.Form):
    title = forms.CharField(label=_("Title of the new seminar"), max_length=200)
    starts_on = forms.DateField(
        label=_("First day of the new seminar"), widget=forms.DateInput(attrs={"type": "date"})
    )
    with_agencies = forms.BooleanField(
        label=_("Keep the sessions' agencies"), required=False, initial=True
    )
    with_roles = forms.BooleanField(
        label=_("Keep the presenters, moderators and organisers"), required=False
    )


class SessionForm(SessionAdminForm):
    """The admin's session form and its checks, with the seminar fixed by the page."""

    class Meta(SessionAdminForm.Meta):
        fields = [
            "title",
            "abstract",
            "kind",
            "language",
            "agencies",
            "track",
            "stream_url",
            "qa_moderated",
        ]
        widgets = {"agencies": forms.CheckboxSelectMultiple}

    def __init__(self, *args, seminar: Seminar, **kwargs):
        super().__init__(*args, **kwargs)
        self.seminar = seminar
        self.instance.seminar = seminar
        self.fields["agencies"].queryset = selectors.agencies()
        languages = dict(settings.LANGUAGES)
        self.fields["language"] = forms.ChoiceField(
            label=_("Language"),
            choices=[(code, languages.get(code, code)) for code in seminar.languages or ["en"]],
        )

    def _seminar(self) -> Seminar:
        return self.seminar


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Email address"))
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[
            (SeminarRole.Role.PRESENTER, SeminarRole.Role.PRESENTER.label),
            (SeminarRole.Role.MODERATOR, SeminarRole.Role.MODERATOR.label),
            (SeminarRole.Role.ORGANIZER, SeminarRole.Role.ORGANIZER.label),
        ],
    )
    agency = forms.ModelChoiceField(
        label=_("Agency (presenters only)"), queryset=selectors.agencies(), required=False
    )

    def clean(self):
        cleaned = super().clean()
        role, agency = cleaned.get("role"), cleaned.get("agency")
        if role == SeminarRole.Role.PRESENTER and agency is None:
            self.add_error("agency", _("A presenter speaks for an agency: choose it."))
        if role != SeminarRole.Role.PRESENTER and agency is not None:
            self.add_error("agency", _("Only presenters speak for an agency."))
        return cleaned


class RegistrantFilterForm(forms.Form):
    """The registrant list's search and filters (GET); unknown values are simply not used."""

    q = forms.CharField(label=_("Search registrants"), required=False, max_length=100)
    mode = forms.ChoiceField(
        label=_("Attendance"),
        required=False,
        choices=[("", _("Any"))] + list(Registration.AttendanceMode.choices),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any"))] + list(Registration.Status.choices),
    )
    group = forms.ChoiceField(
        label=_("Country group"),
        required=False,
        choices=[
            ("", _("Any")),
            ("ldc", _("Least developed countries")),
            ("lldc", _("Landlocked developing countries")),
            ("sids", _("Small island developing states")),
            ("eit", _("Economies in transition")),
            ("income_L", _("Low income")),
            ("income_LM", _("Lower-middle income")),
            ("income_UM", _("Upper-middle income")),
            ("income_H", _("High income")),
        ],
    )
    checked_in = forms.ChoiceField(
        label=_("Checked in"),
        required=False,
        choices=[("", _("Any")), ("yes", _("Yes")), ("no", _("No"))],
    )
    consent = forms.ModelChoiceField(
        label=_("Consent given to"),
        required=False,
        queryset=selectors.agencies(),
        empty_label=_("Any agency"),
    )


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (emailed to the registrant)"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ModeForm(forms.Form):
    mode = forms.ChoiceField(
        label=_("New attendance mode"), choices=Registration.AttendanceMode.choices
    )


BULK_ACTIONS = [
    ("approve", _("Approve")),
    ("cancel", _("Cancel registration")),
    ("resend", _("Resend the confirmation")),
]


class BulkForm(forms.Form):
    """The selected registrants (``ids``, checked against the seminar by the view)."""

    action = forms.ChoiceField(label=_("With the selected registrants"), choices=BULK_ACTIONS)
    ids = forms.CharField(required=False)

    def clean(self):
        cleaned = super().clean()
        try:
            cleaned["ids"] = sorted({int(v) for v in self.data.getlist("ids")})[:500]
        except ValueError:
            raise ValidationError(_("Select registrants from the list.")) from None
        if not cleaned["ids"]:
            raise ValidationError(_("Select at least one registrant."))
        return cleaned


class AnnouncementForm(forms.Form):
    """Audience, schedule and one subject and message per seminar language."""

    def __init__(self, *args, seminar: Seminar, **kwargs):
        super().__init__(*args, **kwargs)
        self.seminar = seminar
        names = dict(settings.LANGUAGES)
        languages = [code for code, _name in settings.LANGUAGES if code in seminar.languages]
        self.languages = languages or ["en"]
        self.fields["default_language"] = forms.ChoiceField(
            label=_("Default language (for readers of other languages)"),
            choices=[(code, names.get(code, code)) for code in self.languages],
        )
        filters = RegistrantFilterForm()
        for name in ("status", "mode", "group"):
            self.fields[name] = filters.fields[name]
        self.fields["send_at"] = WallClockField(
            label=_("Send at (seminar's time zone; empty: when you press Send)"), required=False
        )
        for code in self.languages:
            self.fields[f"subject_{code}"] = forms.CharField(
                label=_("Subject (%(language)s)") % {"language": names.get(code, code)},
                max_length=200,
                required=False,
            )
            self.fields[f"body_{code}"] = forms.CharField(
                label=_("Message (%(language)s)") % {"language": names.get(code, code)},
                max_length=10000,
                required=False,
                widget=forms.Textarea(attrs={"rows": 5}),
            )

    def clean_send_at(self):
        value = self.cleaned_data.get("send_at")
        if value is None:
            return None
        try:
            return to_utc(value, self.seminar.zone, fold=0)
        except WallClockError as error:
            raise ValidationError(str(error)) from error

    def texts(self) -> dict[str, tuple[str, str]]:
        data = self.cleaned_data
        return {code: (data[f"subject_{code}"], data[f"body_{code}"]) for code in self.languages}


class AgencyForm(forms.ModelForm):
    """A UN agency presenting at seminars: what the agenda, the consent form and the
    matching of vendors to agencies show."""

    procurement_segments = forms.MultipleChoiceField(
        label=_("What the agency buys (UNSPSC segments)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Organization
        fields = ["name", "acronym", "country", "procurement_segments"]
        labels = {"acronym": _("Short name or acronym")}
        help_texts = {
            "name": _("The full name, for example United Nations Children's Fund."),
            "acronym": _("Shown on the agenda and the registration form, for example UNICEF."),
            "country": _("Where the agency's procurement office is, if it has one."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["procurement_segments"].choices = [
            (code, segment_label(code, title)) for code, title in unspsc_segments().items()
        ]
        self.fields["name"].strip = True
        self.fields["acronym"].strip = True


class FeedbackQuestionsForm(forms.Form):
    """The organiser's questions of a session's feedback, one per line (the service checks how
    many and how long: ``polls.feedback.feedback_questions_set``)."""

    questions = forms.CharField(
        label=_("Your questions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text=_(
            "One question per line, at most two, each under 200 characters. "
            "Leave it empty to ask only for the rating and a comment."
        ),
    )

    def question_lines(self) -> list[str]:
        return self.cleaned_data["questions"].splitlines()


class WebhookForm(forms.Form):
    """A new webhook subscription. The rules (https, the event names, the secret) are the api
    app's: ``api.services.webhooks.webhook_subscription_create`` checks them again."""

    url = forms.URLField(
        label=_("URL"),
        max_length=500,
        assume_scheme="https",
        help_text=_("An https:// address of your system that receives the events (POST)."),
    )
    events = forms.MultipleChoiceField(
        label=_("Events"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one event.")},
    )

    def __init__(self, *args, **kwargs):
        from api.models import EVENT_TYPES

        super().__init__(*args, **kwargs)
        self.fields["events"].choices = [(name, name) for name in EVENT_TYPES]
