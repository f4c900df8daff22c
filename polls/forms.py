from django import forms
from django.utils.translation import gettext_lazy as _

from polls.models import CertificateRule, SessionFeedback


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Your rating"),
        choices=[(n, str(n)) for n in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
        help_text=_("1: poor, 5: excellent"),
    )
    answer_one = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=1000
    )
    answer_two = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=1000
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=SessionFeedback.TEXT_MAX_CHARS,
    )

    def __init__(self, *args, questions: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name, question in zip(("answer_one", "answer_two"), [*questions, "", ""], strict=False):
            if question:
                self.fields[name].label = question
            else:
                del self.fields[name]


class CertificateRuleForm(forms.ModelForm):
    class Meta:
        model = CertificateRule
        fields = ["min_live_minutes", "min_recording_share"]

    def clean_min_recording_share(self):
        share = self.cleaned_data["min_recording_share"]
        if share is not None and not 1 <= share <= 100:
            raise forms.ValidationError(_("Give a share from 1 to 100."))
        return share

    def clean(self):
        data = super().clean()
        if data.get("min_live_minutes") is None and data.get("min_recording_share") is None:
            raise forms.ValidationError(_("Set at least one of the two thresholds."))
        return data
