from django import forms
from django.utils.translation import gettext_lazy as _


class SignInLinkForm(forms.Form):
    email = forms.EmailField(label=_("Email address"), max_length=254)
    next = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)
