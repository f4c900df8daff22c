"""Single sign-on end to end, in Debian's chromium, against a real OpenID Connect provider
(django-oauth-toolkit, tests/oidc_idp/) running as its own process on loopback."""

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from accounts import oidc
from accounts.models import ExternalIdentity
from config.oidc_settings import provider_origins
from tests import factories
from tests.smtp import free_port as _free_port

ROOT = Path(__file__).resolve().parents[2]
CLIENT_ID, SECRET = "openips-test-client", "openips-test-secret-0123456789"


@pytest.fixture(scope="module")
def idp(live_server, tmp_path_factory):
    """The provider process; yields its issuer and the file that switches its misbehaviour."""
    folder = tmp_path_factory.mktemp("idp")
    port = _free_port()
    mode = folder / "mode"
    env = {**os.environ, "IDP_DB": str(folder / "idp.sqlite3"), "IDP_MODE_FILE": str(mode)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    log = folder / "idp.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.oidc_idp.serve",
                str(port),
                CLIENT_ID,
                SECRET,
                f"{live_server.url}/accounts/sso/agency/callback/",
                f"{live_server.url}/seminars/",
            ],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    issuer = f"http://127.0.0.1:{port}/o"
    discovery = f"{issuer}/.well-known/openid-configuration"
    for _attempt in range(300):  # waiting for it to start, not a timed assertion
        if process.poll() is not None:
            raise RuntimeError(log.read_text())
        try:
            with urllib.request.urlopen(discovery, timeout=1) as response:
                if response.status == 200:
                    break
        except OSError:
            time.sleep(0.1)
    else:
        process.kill()
        raise RuntimeError("the identity provider did not start")
    yield {"issuer": issuer, "mode": mode, "origin": f"http://127.0.0.1:{port}"}
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def agency_sso(idp, settings, transactional_db):
    agency = factories.AgencyFactory(acronym="UNICEF", name="UNICEF")
    settings.OIDC_PROVIDERS = [
        {
            "key": "agency",
            "name": "UNICEF",
            "issuer": idp["issuer"],
            "client_id": CLIENT_ID,
            "client_secret": SECRET,
            "scopes": "openid email profile groups",
            "domains": {"unicef.example": agency.pk},
            "groups_claim": "groups",
            "groups": {},
            "link_domains": (),
        }
    ]
    # As settings.py does with OIDC_PROVIDERS from the environment.
    settings.SECURE_CSP = {
        **settings.SECURE_CSP,
        "form-action": [
            *settings.SECURE_CSP["form-action"],
            *provider_origins(settings.OIDC_PROVIDERS),
        ],
    }
    oidc._clients.clear()
    idp["mode"].write_text("")
    yield {"agency": agency, **idp}
    idp["mode"].write_text("")
    oidc._clients.clear()


def _sign_in(page, base: str, idp_origin: str, username: str) -> list[str]:
    """Sign in through the provider's own page; returns the callback URLs the browser was
    sent to. The provider always asks for the password (no session of its own yet)."""
    callbacks: list[str] = []
    page.on("request", lambda r: callbacks.append(r.url) if "/callback/" in r.url else None)
    page.goto(f"{base}/accounts/sign-in/?next=/seminars/")
    page.get_by_role("button", name="Sign in with your organisation (UNICEF)").click()
    page.wait_for_url(lambda url: url.startswith(f"{idp_origin}/accounts/login/"))
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill("idp-password")
    page.get_by_role("button", name="Sign in at the provider").click()
    page.wait_for_url(lambda url: url.startswith(base))
    return callbacks


pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_first_sign_in_creates_the_account_in_the_mapped_agency_then_finds_it_by_subject(
    browser, live_server, agency_sso
):
    page = browser.new_context().new_page()
    callbacks = _sign_in(page, live_server.url, agency_sso["origin"], "officer")
    assert page.url == f"{live_server.url}/seminars/"
    assert "Signed in as Amina Diallo" in page.inner_text("header")
    identity = ExternalIdentity.objects.select_related("user").get()
    assert identity.provider == "agency" and identity.organization == agency_sso["agency"]
    assert identity.user.email == "amina.diallo@unicef.example"
    assert not identity.user.has_usable_password() and not identity.user.is_staff

    # The same answer again (the state was spent): refused, with a clear page.
    response = page.goto(callbacks[0])
    assert response.status == 400
    assert "expired or was already used" in page.inner_text("main")

    # Sign out ends the provider's session too (RP-initiated logout): the provider asks for
    # the password again, and the second sign-in finds the same account by its subject.
    page.goto(f"{live_server.url}/seminars/")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{live_server.url}/seminars/")
    assert "Sign in" in page.inner_text("header")
    _sign_in(page, live_server.url, agency_sso["origin"], "officer")
    assert page.url == f"{live_server.url}/seminars/"
    assert "Signed in as Amina Diallo" in page.inner_text("header")
    assert ExternalIdentity.objects.count() == 1
    assert ExternalIdentity.objects.get().user_id == identity.user_id


@pytest.mark.parametrize(
    ("mode", "message"),
    [
        ("tamper", "could not be verified"),
        ("wrong_audience", "meant for another application"),
    ],
)
def test_a_bad_id_token_is_refused_with_a_clear_message(
    browser, live_server, agency_sso, mode, message
):
    agency_sso["mode"].write_text(mode)
    page = browser.new_context().new_page()
    _sign_in(page, live_server.url, agency_sso["origin"], "officer")
    assert message in page.inner_text("main")
    assert "Sign in" in page.inner_text("header") and "Signed in as" not in page.content()
    assert not ExternalIdentity.objects.exists()


def test_an_unverified_email_is_refused_with_a_clear_message(browser, live_server, agency_sso):
    page = browser.new_context().new_page()
    _sign_in(page, live_server.url, agency_sso["origin"], "unverified")
    assert "email address is not verified" in page.inner_text("main")
    assert "Signed in as" not in page.content()
    assert not ExternalIdentity.objects.exists()
