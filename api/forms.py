from django import forms
from django.utils.translation import gettext_lazy as _

from api import permissions
from api.models import SCOPES


class TokenForm(forms.Form):
    """A new token: a name, one target (a seminar you organise or an agency you present
    for), scopes and a lifetime."""

    name = forms.CharField(label=_("Name"), max_length=100)
    target = forms.ChoiceField(label=_("For"))
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"), choices=SCOPES, widget=forms.CheckboxSelectMultiple
    )
    days = forms.IntegerField(label=_("Valid for (days)"), min_value=1, max_value=366, initial=90)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.seminars = {str(s.pk): s for s in permissions.token_seminars(user)}
        self.agencies = {str(a.pk): a for a in permissions.token_agencies(user)}
        choices = [
            (f"seminar:{k}", _("Seminar: %(name)s") % {"name": s}) for k, s in self.seminars.items()
        ]
        choices += [
            (f"agency:{k}", _("Agency: %(name)s") % {"name": a}) for k, a in self.agencies.items()
        ]
        self.fields["target"].choices = choices

    def target_objects(self) -> dict:
        kind, _sep, pk = self.cleaned_data["target"].partition(":")
        if kind == "seminar":
            return {"seminar": self.seminars[pk], "agency": None}
        return {"seminar": None, "agency": self.agencies[pk]}
