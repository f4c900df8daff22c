from datetime import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from scheduling.timezones import WallClockError, to_utc
from seminars.models import Session
from seminars.services import session_validate


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
            self.initial["starts_local"] = self._naive(self.instance.starts_at.astimezone(zone))
            self.initial["ends_local"] = self._naive(self.instance.ends_at.astimezone(zone))

    @staticmethod
    def _naive(moment: datetime) -> datetime:
        return moment.replace(tzinfo=None)

    def _to_utc(self, field: str, fold: int | None) -> datetime | None:
        value = self.cleaned_data.get(field)
        seminar = self.cleaned_data.get("seminar")
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
        seminar = cleaned.get("seminar")
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
