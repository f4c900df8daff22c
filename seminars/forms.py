from datetime import datetime

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from scheduling.timezones import WallClockError, to_utc
from seminars.models import Seminar, SeminarRole, Session
from seminars.services import seminar_dates_validate, session_validate


class WallClockField(forms.DateTimeField):
    """A date and time as typed, without a zone: the caller decides which zone it is in."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            return value.replace(tzinfo=None)
        text = str(value).strip()
        try:
            return datetime.fromisoformat(text).replace(tzinfo=None)
        except ValueError:
            for fmt in self.input_formats:
                try:
                    return datetime.strptime(text, fmt)
                except (TypeError, ValueError):
                    continue
        raise ValidationError(self.error_messages["invalid"], code="invalid")


class SessionAdminForm(forms.ModelForm):
    """Times are typed as wall-clock times in the seminar's zone and stored in UTC."""

    OCCURRENCE_CHOICES = [
        ("", _("— only needed when the clocks go back —")),
        ("0", _("first occurrence (before the clocks go back)")),
        ("1", _("second occurrence (after the clocks go back)")),
    ]

    starts_local = WallClockField(label=_("Starts (seminar's time zone)"))
    ends_local = WallClockField(label=_("Ends (seminar's time zone)"))
    occurrence = forms.ChoiceField(
        label=_("If a time occurs twice"), choices=OCCURRENCE_CHOICES, required=False
    )

    class Meta:
        model = Session
        fields = [
            "seminar",
            "title",
            "abstract",
            "kind",
            "language",
            "agencies",
            "track",
            "repeat_of",
            "stream_url",
            "qa_moderated",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            zone = self.instance.seminar.zone
            # The wall clock in the seminar's zone, which is what the organiser types.
            for field, moment in (
                ("starts_local", self.instance.starts_at),
                ("ends_local", self.instance.ends_at),
            ):
                self.initial[field] = moment.astimezone(zone).replace(tzinfo=None)

    def _seminar(self) -> Seminar | None:
        """The seminar the session belongs to (chosen in the admin; fixed in the workspace)."""
        return self.cleaned_data.get("seminar")

    def _to_utc(self, field: str, fold: int | None) -> datetime | None:
        value = self.cleaned_data.get(field)
        seminar = self._seminar()
        if value is None or seminar is None:
            return None
        try:
            return to_utc(value, seminar.zone, fold=fold)
        except WallClockError as error:
            self.add_error(field, str(error))
            return None

    def clean(self):
        cleaned = super().clean()
        occurrence = cleaned.get("occurrence")
        fold = int(occurrence) if occurrence in {"0", "1"} else None
        starts_at = self._to_utc("starts_local", fold)
        ends_at = self._to_utc("ends_local", fold)
        seminar = self._seminar()
        repeat_of = cleaned.get("repeat_of")
        if repeat_of is not None and seminar is not None:
            if repeat_of.seminar_id != seminar.pk:
                self.add_error("repeat_of", _("A repeat must belong to the same seminar."))
            elif repeat_of.pk == self.instance.pk:
                self.add_error("repeat_of", _("A session cannot be a repeat of itself."))
        if starts_at and ends_at and seminar:
            try:
                session_validate(
                    seminar=seminar,
                    starts_at=starts_at,
                    ends_at=ends_at,
                    track=cleaned.get("track", ""),
                    exclude_pk=self.instance.pk,
                )
            except ValidationError as error:
                mapping = {"starts_at": "starts_local", "ends_at": "ends_local"}
                for field, messages in error.message_dict.items():
                    for message in messages:
                        self.add_error(mapping.get(field, field), message)
            self.instance.starts_at, self.instance.ends_at = starts_at, ends_at
        return cleaned


class SeminarRoleInlineForm(forms.ModelForm):
    """A role is given to an existing account named by its exact username or email.

    Organisers are not shown a list of accounts (that would expose every vendor's name);
    they type who they mean, as they would when inviting a colleague.
    """

    account = forms.CharField(
        label=_("Username or email"),
        max_length=254,
        help_text=_("The exact username or email address of an existing account."),
    )

    class Meta:
        model = SeminarRole
        fields = ["account", "role", "agency"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["account"] = self.instance.user.get_username()

    def clean_account(self):
        text = self.cleaned_data["account"].strip()
        users = get_user_model().objects.filter(is_active=True)
        matches = list(users.filter(Q(username=text) | Q(email__iexact=text))[:2])
        if len(matches) != 1:
            raise ValidationError(
                _("No single active account has the username or email “%(account)s”."),
                params={"account": text},
            )
        self.instance.user = matches[0]
        return text

    def clean(self):
        cleaned = super().clean()
        # ``user`` is not a form field, so ModelForm does not check the unique constraint.
        role, instance = cleaned.get("role"), self.instance
        if role and instance.user_id and instance.seminar_id:
            taken = SeminarRole.objects.filter(
                seminar_id=instance.seminar_id, user_id=instance.user_id, role=role
            ).exclude(pk=instance.pk)
            if taken.exists():
                raise ValidationError(_("This account already has this role in the seminar."))
        return cleaned


class SeminarRoleInlineFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or not form.instance.user_id:
                continue
            key = (form.instance.user_id, data.get("role"))
            if key in seen:
                raise ValidationError(_("The same account is given the same role twice."))
            seen.add(key)


class SeminarAdminForm(forms.ModelForm):
    """Changing a seminar's dates or zone must not strand its sessions outside the seminar."""

    class Meta:
        model = Seminar
        # As the admin's default form: fields added to Seminar later appear without an edit here.
        fields = "__all__"  # noqa: DJ007 - the admin decides the layout, not this list

    def clean(self):
        cleaned = super().clean()
        first, last, zone_name = (cleaned.get(k) for k in ("starts_on", "ends_on", "time_zone"))
        if not (self.instance.pk and first and last and zone_name) or self.errors:
            return cleaned
        seminar_dates_validate(seminar=self.instance, first=first, last=last, zone_name=zone_name)
        return cleaned
