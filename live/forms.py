"""Forms of the live room. The ask form is rendered by the server (labels, limits, choices)
and submitted over the socket by room.js; the server checks everything again."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from config import edge
from seminars.models import Organization, Session

QUESTION_MAX_LENGTH = 500


def language_choices(session: Session) -> list[tuple[str, str]]:
    """The seminar's languages first (in its order), named in the interface language."""
    names = dict(settings.LANGUAGES)
    codes = list(session.seminar.languages or []) or [session.language]
    if session.language not in codes:
        codes.insert(0, session.language)
    return [(code, str(names.get(code, code))) for code in codes]


class AskForm(forms.Form):
    text = forms.CharField(
        label=_("Your question"),
        max_length=QUESTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": QUESTION_MAX_LENGTH}),
        help_text=_("At most 500 characters."),
    )
    agency = edge.IdChoiceField(
        label=_("Addressed to"),
        queryset=Organization.objects.none(),
        required=False,
        empty_label=_("All presenters"),
    )
    language = forms.ChoiceField(label=_("Language of the question"))
    anonymous = forms.BooleanField(
        label=_("Hide my name from the audience"),
        required=False,
        help_text=_("Moderators and the agency you address still see who asked."),
    )

    def __init__(self, *args, session: Session, agencies: list[Organization], **kwargs):
        # No colon after the labels: "Your question" is the exact accessible name.
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Organization.objects.filter(
            pk__in=[agency.pk for agency in agencies]
        )
        # The choices are built from the list already loaded, so rendering costs no query.
        self.fields["agency"].choices = [("", _("All presenters"))] + [
            (agency.pk, str(agency)) for agency in agencies
        ]
        self.fields["language"].choices = language_choices(session)
        self.fields["language"].initial = session.language
        if not agencies:
            del self.fields["agency"]
