"""The sign-in page, emailed sign-in links, sign-out, and the account page."""

import secrets

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import oidc_config, selectors, services
from accounts.forms import SignInLinkForm
from accounts.redirects import same_site_path
from accounts.sessions import session_sign_in
from seminars.ratelimit import RateLimitError, client_address, wait_text

BROWSER_KEY = "accounts.browser"


def _next(request) -> str:
    return same_site_path(request.POST.get("next") or request.GET.get("next"))


def _browser_secret(request) -> str:
    """A random value kept in this browser's session; links asked for here carry its hash."""
    secret = request.session.get(BROWSER_KEY)
    if not secret:
        secret = request.session[BROWSER_KEY] = secrets.token_urlsafe(16)
    return secret


def sign_in(request):
    next_path = _next(request)
    form = SignInLinkForm(request.POST or None, initial={"next": next_path})
    status, retry_after = 200, None
    if request.method == "POST" and form.is_valid():
        try:
            services.sign_in_link_request(
                email=form.cleaned_data["email"],
                client=client_address(request),
                next_path=next_path,
                browser=services.browser_tag(_browser_secret(request)),
            )
        except RateLimitError as error:
            retry_after = error.retry_after
            status = 429
            form.add_error(
                None,
                _("Too many emails were asked for this address or from this network.")
                + " "
                + wait_text(retry_after),
            )
        else:
            # The same answer whether the address is registered or not.
            return redirect("accounts:sent")
    response = render(
        request,
        "accounts/sign_in.html",
        {"form": form, "next": next_path, "providers": oidc_config.providers()},
        status=status,
    )
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


def sent(request):
    return render(request, "accounts/sent.html")


def link(request, token: str):
    """GET shows what the link does and a button; only the button (POST) uses it, since mail
    scanners follow GETs."""
    if request.method == "POST":
        return _link_use(request, token)
    try:
        found = services.sign_in_link_read(raw=token)
    except services.SignInLinkError as error:
        return _link_error(request, error)
    same_browser = found.browser == services.browser_tag(request.session.get(BROWSER_KEY, ""))
    return render(request, "accounts/link.html", {"same_browser": same_browser})


def _link_use(request, token: str):
    try:
        next_path = services.session_sign_in_by_account_link(request=request, raw=token)
    except services.SignInLinkError as error:
        return _link_error(request, error)
    request.session.pop(BROWSER_KEY, None)
    return redirect(next_path)


def _link_error(request, error: services.SignInLinkError):
    if isinstance(error, services.SignInLinkRefusedError):
        status = 403
    else:
        status = 400 if error.code == "invalid" else 410
    return render(
        request,
        "accounts/link_error.html",
        {"message": " ".join(error.messages), "form": SignInLinkForm()},
        status=status,
    )


class PasswordSignInView(LoginView):
    """Staff, organisers and presenters: their password (django-axes counts failures)."""

    template_name = "accounts/password.html"


def _signed_out(request, message: str, end_sessions) -> object:
    """Sign out (after ``end_sessions``), then to the provider's own sign-out for a single
    sign-on session (RP-initiated logout), else to the seminar list with ``message``."""
    end_session_url = oidc_config.end_session_url(request)  # read before the session ends
    end_sessions()
    logout(request)
    if end_session_url:
        return redirect(end_session_url)
    messages.success(request, message)
    return redirect("seminars:list")


@require_POST
def sign_out(request):
    key = request.session.session_key
    return _signed_out(
        request, _("You are signed out."), lambda: services.session_forget(session_key=key)
    )


@login_required
@require_POST
def sign_out_everywhere(request):
    user = request.user
    return _signed_out(
        request,
        _("You are signed out on every device."),
        lambda: services.sessions_end_all(user=user),
    )


@login_required
def account(request):
    return render(request, "accounts/account.html", selectors.account_overview(request.user))


def _own_data_user(request):
    from django.core.exceptions import PermissionDenied

    from accounts.permissions import may_manage_own_data

    if not may_manage_own_data(request.user):
        raise PermissionDenied(_("Only a vendor's own account can do this."))
    return request.user


@login_required
def my_data(request):
    user = _own_data_user(request)
    data = selectors.vendor_data(user)
    return render(
        request, "accounts/my_data.html", {"sections": selectors.vendor_data_sections(data)}
    )


@login_required
def my_data_json(request):
    from django.http import JsonResponse

    from seminars.downloads import content_disposition

    user = _own_data_user(request)
    response = JsonResponse(
        selectors.vendor_data(user), json_dumps_params={"indent": 2, "ensure_ascii": False}
    )
    response["Content-Disposition"] = content_disposition("openips-my-data.json")
    return response


@login_required
def delete_account(request):
    user = _own_data_user(request)
    if request.method == "POST":
        services.account_delete(user=user)
        logout(request)
        messages.success(request, _("Your account is deleted and your personal data erased."))
        return redirect("seminars:list")
    return render(request, "accounts/delete.html")


SSO_NEXT = "accounts.oidc.next"


def _sso_messages() -> dict:
    return {
        "state": _(
            "This sign-in attempt has expired or was already used. Start again from the sign-in "
            "page."
        ),
        "id_token": _(
            "Your organisation's answer could not be verified (its signature or its contents "
            "are not valid). You are not signed in."
        ),
        "audience": _(
            "Your organisation's answer was meant for another application. You are not signed in."
        ),
        "nonce": _("Your organisation's answer does not belong to this sign-in attempt."),
        "provider": _("Your organisation's sign-in reported an error. You are not signed in."),
        "unreachable": _("Your organisation's sign-in cannot be reached. Try again later."),
    }


def _sso_error(request, message: str, status: int):
    return render(request, "accounts/sso_error.html", {"message": message}, status=status)


@require_POST
def oidc_start(request, key: str):
    from accounts import oidc

    if oidc_config.provider(key) is None:
        raise Http404
    request.session[SSO_NEXT] = _next(request)
    try:
        return oidc.authorize_redirect(request, key)
    except OSError:  # discovery failed: the provider is down or misconfigured
        return _sso_error(request, _sso_messages()["unreachable"], 502)


def oidc_callback(request, key: str):
    from accounts import oidc, sso

    provider = oidc_config.provider(key)
    if provider is None:
        raise Http404
    try:
        claims, id_token = oidc.verified_claims(request, key)
        user = sso.external_sign_in(provider=provider, claims=claims)
    except oidc.SingleSignOnError as error:
        status = 502 if error.code == "unreachable" else 400
        return _sso_error(request, _sso_messages()[error.code], status)
    except sso.SingleSignOnRefusedError as error:
        return _sso_error(request, " ".join(error.messages), 403)
    next_path = same_site_path(request.session.pop(SSO_NEXT, None))
    session_sign_in(request=request, user=user)
    request.session[oidc_config.SESSION_PROVIDER] = key
    request.session[oidc_config.SESSION_ID_TOKEN] = id_token
    return redirect(next_path)
