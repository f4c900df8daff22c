"""The planner's input: audience countries with weights, a date, a length, working hours."""

from datetime import date, timedelta

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from scheduling.planner import DEFAULT_WORKING_END, DEFAULT_WORKING_START, WorkingHours

AUDIENCE_ROWS = 8
PLANNER_FIRST_DAY = date(2000, 1, 1)
PLANNER_LAST_DAY = date(2100, 12, 31)
# A spread that has no hour suiting everyone: East Africa, South Asia, South America, Pacific.
DEFAULT_AUDIENCE = [("KE", 40), ("BD", 30), ("PE", 20), ("FJ", 10)]


def country_code(value: str) -> str:
    """An ISO code from a code or an English/translated country name typed by the organiser."""
    text = value.strip()
    if text.upper() in dict(countries):
        return text.upper()
    code = countries.by_name(text, insensitive=True)
    if code:
        return code
    raise forms.ValidationError(
        _("“%(value)s” is not a country we know. Type a name or a two-letter code such as KE."),
        params={"value": value},
    )


class PlannerForm(forms.Form):
    on = forms.DateField(
        label=_("Date (in the seminar's time zone)"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    length_minutes = forms.IntegerField(
        label=_("Session length (minutes)"), min_value=15, max_value=720, initial=60
    )
    working_start = forms.TimeField(
        label=_("Working hours start (local time)"),
        initial=DEFAULT_WORKING_START,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    working_end = forms.TimeField(
        label=_("Working hours end (local time)"),
        initial=DEFAULT_WORKING_END,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for index in range(AUDIENCE_ROWS):
            self.fields[f"country_{index}"] = forms.CharField(
                label=_("Country %(number)s") % {"number": index + 1},
                required=False,
                max_length=80,
                widget=forms.TextInput(attrs={"list": "planner-countries", "autocomplete": "off"}),
            )
            self.fields[f"weight_{index}"] = forms.DecimalField(
                label=_("Weight of country %(number)s") % {"number": index + 1},
                required=False,
                min_value=0,
                max_value=1_000_000,
                decimal_places=2,
            )

    @classmethod
    def initial_for(cls, seminar) -> dict:
        initial = {
            "on": seminar.starts_on,
            "length_minutes": 60,
            "working_start": DEFAULT_WORKING_START,
            "working_end": DEFAULT_WORKING_END,
        }
        for index, (code, weight) in enumerate(DEFAULT_AUDIENCE):
            initial[f"country_{index}"] = code
            initial[f"weight_{index}"] = weight
        return initial

    def audience_rows(self):
        """(country field, weight field) pairs for the template."""
        return [(self[f"country_{i}"], self[f"weight_{i}"]) for i in range(AUDIENCE_ROWS)]

    def clean_on(self):
        """Years 2000 to 2100: far enough for any seminar, and every zone's rules (and Python's
        dates) still work a day either side of it."""
        on = self.cleaned_data["on"]
        if not PLANNER_FIRST_DAY <= on <= PLANNER_LAST_DAY:
            raise forms.ValidationError(
                _("Choose a date between %(first)s and %(last)s."),
                params={
                    "first": PLANNER_FIRST_DAY.isoformat(),
                    "last": PLANNER_LAST_DAY.isoformat(),
                },
            )
        return on

    def clean(self):
        cleaned = super().clean()
        audience: dict[str, float] = {}
        for index in range(AUDIENCE_ROWS):
            raw, weight = cleaned.get(f"country_{index}"), cleaned.get(f"weight_{index}")
            if not raw:
                continue
            try:
                code = country_code(raw)
            except forms.ValidationError as error:
                self.add_error(f"country_{index}", error)
                continue
            if weight is None:
                self.add_error(f"weight_{index}", _("Give this country a weight."))
                continue
            audience[code] = audience.get(code, 0.0) + float(weight)
        if not self.errors and sum(audience.values()) <= 0:
            raise forms.ValidationError(_("Give at least one country a weight above zero."))
        start, end = cleaned.get("working_start"), cleaned.get("working_end")
        if start and end and end <= start:
            self.add_error("working_end", _("Working hours must end after they start."))
        cleaned["audience"] = audience
        return cleaned

    def plan_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "audience": data["audience"],
            "on": data["on"],
            "length": timedelta(minutes=data["length_minutes"]),
            "hours": WorkingHours(data["working_start"], data["working_end"]),
        }


def country_datalist() -> list[tuple[str, str]]:
    return list(countries)
