"""People: invite presenters, moderators and organisers; list and revoke roles; accept."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accesskeys.tokens import AccessKeyError
from organising import selectors
from organising.forms import InvitationForm
from organising.services.people import (
    account_for_invitation,
    invitation_accept,
    invitation_accept_with_new_password,
    invitation_create,
    invitation_read,
    role_revoke,
)
from organising.views.common import form_errors_from, organiser_view, paginate


def _people_page(request, seminar, form, status=200):
    return render(
        request,
        "organising/people.html",
        {
            "seminar": seminar,
            "form": form,
            "roles": paginate(request, selectors.roles(seminar)),
            "invitations": paginate(
                request, selectors.open_invitations(seminar), param="invitations_page"
            ),
        },
        status=status,
    )


@organiser_view
def people(request, seminar):
    form = InvitationForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                invitation_create(
                    seminar=seminar,
                    invited_by=request.user,
                    language=get_language(),
                    **form.cleaned_data,
                )
            except ValidationError as error:
                form_errors_from(form, error)
            else:
                messages.success(
                    request,
                    _("An invitation is on its way to %(email)s.")
                    % {"email": form.cleaned_data["email"]},
                )
                return redirect("organising:people", slug=seminar.slug)
        return _people_page(request, seminar, form, status=400)
    return _people_page(request, seminar, form)


@require_POST
@organiser_view
def revoke(request, seminar, pk):
    role = selectors.role_or_404(seminar, pk)
    try:
        role_revoke(role=role)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The role is revoked."))
    return redirect("organising:people", slug=seminar.slug)


class NewAccountForm(forms.Form):
    full_name = forms.CharField(label=gettext_lazy("Your full name"), max_length=150)
    password = forms.CharField(
        label=gettext_lazy("Choose a password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


def invitation(request, token):
    """GET shows the invitation (reading spends nothing); POST accepts it."""
    try:
        invite = invitation_read(raw_token=token)
    except AccessKeyError:
        return render(request, "organising/invitation_invalid.html", status=404)
    account = account_for_invitation(invite)
    needs_password = account is None or not account.has_usable_password()
    form = NewAccountForm(request.POST or None) if needs_password else None
    if request.method == "POST":
        try:
            if request.user.is_authenticated:
                invitation_accept(raw_token=token, user=request.user)
            elif form is not None and form.is_valid():
                invitation_accept_with_new_password(raw_token=token, **form.cleaned_data)
                messages.success(request, _("Your account is ready: sign in with your password."))
                return redirect("accounts:password")
            else:
                raise ValidationError(_("Fill in your name and a password."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        except AccessKeyError:
            return render(request, "organising/invitation_invalid.html", status=404)
        else:
            messages.success(request, _("You now have this role in the seminar."))
            return redirect(invite.seminar.get_absolute_url())
    return render(
        request,
        "organising/invitation.html",
        {"invitation": invite, "form": form, "token": token},
        status=400 if request.method == "POST" else 200,
    )
