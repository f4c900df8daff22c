"""Forms of meetings: they parse input; the rules are the services'."""

from datetime import datetime

from django import forms
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from meetings.models import Meeting, Programme
from meetings.times import clock
from seminars.models import Organization


def slot_choices(slots: list[datetime], *, length: int, mine: str, seminar: str) -> list:
    from datetime import timedelta

    delta = timedelta(minutes=length)
    choices = []
    for start in slots:
        label = clock(start, start + delta, mine)
        if mine != seminar:
            label += " · " + str(_("seminar:")) + " " + clock(start, start + delta, seminar)
        choices.append((start.isoformat(), label))
    return choices


class ProgrammeForm(forms.ModelForm):
    class Meta:
        model = Programme
        fields = [
            "enabled",
            "meeting_minutes",
            "gap_minutes",
            "online",
            "in_person",
            "tables",
            "cap_per_vendor",
            "cap_per_officer_per_day",
            "requests_open_at",
            "requests_close_at",
            "priority",
            "integrity_notice",
        ]
        widgets = {
            "requests_open_at": forms.DateTimeInput(attrs={"type": "datetime-local"}),
            "requests_close_at": forms.DateTimeInput(attrs={"type": "datetime-local"}),
        }


class WindowForm(forms.Form):
    day = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}))
    start = forms.TimeField(label=_("From"), widget=forms.TimeInput(attrs={"type": "time"}))
    end = forms.TimeField(label=_("Until"), widget=forms.TimeInput(attrs={"type": "time"}))


class OfficerForm(forms.Form):
    email = forms.EmailField(label=_("Email of the officer's account"))
    agency = forms.ModelChoiceField(
        label=_("Agency"), queryset=Organization.objects.filter(kind=Organization.Kind.AGENCY)
    )
    display_name = forms.CharField(label=_("Name"), max_length=150)
    unspsc_codes = forms.CharField(
        label=_("UNSPSC segments or families bought"),
        required=False,
        help_text=_("Two- or four-digit codes separated by spaces, for example 42 4213."),
    )
    languages = forms.CharField(
        label=_("Languages spoken"), required=False, help_text=_("For example: en fr")
    )
    time_zone = forms.CharField(label=_("Time zone"), max_length=64, initial="UTC")
    meeting_link = forms.URLField(label=_("Online meeting link"), required=False)


class OfficerFilterForm(forms.Form):
    agency = forms.TypedChoiceField(label=_("Agency"), required=False, coerce=int, empty_value=None)
    language = forms.ChoiceField(label=_("Language"), required=False)
    matching = forms.BooleanField(label=_("Only officers who buy what I sell"), required=False)

    def __init__(self, *args, agencies, languages, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [("", _("All agencies"))] + [
            (a.pk, a.acronym or a.name) for a in agencies
        ]
        self.fields["language"].choices = [("", _("Any language"))] + [
            (code, code) for code in languages
        ]


class RequestForm(forms.Form):
    purpose = forms.CharField(
        label=_("What would you like to discuss?"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": 500}),
        help_text=_("At most 500 characters."),
    )
    slots = forms.MultipleChoiceField(
        label=_("Preferred times (one to three)"), widget=forms.CheckboxSelectMultiple
    )
    mode = forms.ChoiceField(label=_("Meeting"), choices=Meeting.Mode.choices)

    def __init__(self, *args, slot_choices, modes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slots"].choices = slot_choices
        self.fields["mode"].choices = [c for c in Meeting.Mode.choices if c[0] in modes]

    def clean_slots(self):
        slots = self.cleaned_data["slots"]
        if not 1 <= len(slots) <= 3:
            raise forms.ValidationError(_("Choose one to three preferred times."))
        return slots


class SlotForm(forms.Form):
    starts_at = forms.CharField(max_length=40)

    def clean_starts_at(self):
        value = parse_datetime(self.cleaned_data["starts_at"])
        if value is None or value.tzinfo is None:
            raise forms.ValidationError(_("Choose a time from the list."))
        return value


class MoveForm(SlotForm):
    table_number = forms.IntegerField(required=False, min_value=1, max_value=999)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500)


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Outcome note"), max_length=2000, required=False, widget=forms.Textarea
    )
