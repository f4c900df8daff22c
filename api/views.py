"""The user's own API tokens: list, create (shown once) and revoke."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from api import permissions, selectors
from api.forms import TokenForm
from api.services.tokens import api_token_create, api_token_revoke


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    if not permissions.may_use_token_pages(request.user):
        raise PermissionDenied
    form = TokenForm(request.POST or None, user=request.user)
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            token, raw = api_token_create(
                user=request.user,  # type: ignore[arg-type]
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                days=form.cleaned_data["days"],
                **form.target_objects(),
            )
        except PermissionDenied:
            form.add_error("scopes", _("These scopes are not available for this target."))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            created = {"token": token, "raw": raw}
            form = TokenForm(user=request.user)
    response = render(
        request,
        "api/tokens.html",
        {"form": form, "created": created, "tokens": selectors.tokens_of(request.user)},
    )
    # The raw token is on this page once: never cached anywhere.
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    api_token_revoke(user=request.user, token_id=token_id)  # type: ignore[arg-type]
    return redirect("api:tokens")
