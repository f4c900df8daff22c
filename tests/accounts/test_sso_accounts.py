"""What verified ID-token claims do to accounts (the provider's checks themselves are tested
end to end in test_sso_browser.py): matched by subject, linked by email only when verified
and allowed, placed in the agency the claims map to; and the providers' configuration."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from accounts import sso
from accounts.models import ExternalIdentity
from accounts.oidc_config import Provider
from config.oidc_settings import provider_origins, providers_from
from tests import factories


def _provider(**overrides) -> Provider:
    values = {
        "key": "agency",
        "name": "Agency",
        "issuer": "https://idp.example/realms/un",
        "client_id": "openips",
        "client_secret": "s",
        "scopes": "openid email",
        "domains": {},
        "groups_claim": "groups",
        "groups": {},
        "link_domains": (),
    }
    values.update(overrides)
    return Provider(**values)


def _claims(**overrides) -> dict:
    return {"sub": "abc", "email": "officer@undp.example", "email_verified": True, **overrides}


def test_group_claim_wins_over_the_email_domain(db):
    undp, unicef = factories.AgencyFactory(acronym="UNDP"), factories.AgencyFactory()
    provider = _provider(domains={"undp.example": undp.pk}, groups={"unicef-buyers": unicef.pk})
    user = sso.external_sign_in(provider=provider, claims=_claims(groups=["unicef-buyers"]))
    assert ExternalIdentity.objects.get(user=user).organization == unicef
    other = sso.external_sign_in(
        provider=provider, claims=_claims(sub="def", email="b@undp.example", groups=[])
    )
    assert ExternalIdentity.objects.get(user=other).organization == undp


def test_an_existing_account_is_linked_only_for_a_verified_address_in_an_allowed_domain(db):
    existing = factories.UserFactory(email="officer@undp.example")
    refused = _provider()
    with pytest.raises(sso.SingleSignOnRefusedError) as error:
        sso.external_sign_in(provider=refused, claims=_claims())
    assert error.value.code == "not_linkable"
    with pytest.raises(sso.SingleSignOnRefusedError) as error:
        sso.external_sign_in(
            provider=_provider(link_domains=("undp.example",)),
            claims=_claims(email_verified=False),
        )
    assert error.value.code == "unverified"
    assert not ExternalIdentity.objects.exists()
    linked = sso.external_sign_in(
        provider=_provider(link_domains=("undp.example",)), claims=_claims()
    )
    assert linked == existing


def test_the_subject_finds_the_account_even_when_the_address_changed(db):
    provider = _provider()
    first = sso.external_sign_in(provider=provider, claims=_claims())
    again = sso.external_sign_in(
        provider=provider, claims=_claims(email="renamed@undp.example", email_verified=False)
    )
    assert again == first and ExternalIdentity.objects.count() == 1


def test_a_disabled_account_is_refused(db):
    provider = _provider()
    user = sso.external_sign_in(provider=provider, claims=_claims())
    user.is_active = False
    user.save()
    with pytest.raises(sso.SingleSignOnRefusedError):
        sso.external_sign_in(provider=provider, claims=_claims())


def test_providers_from_the_environment():
    raw = (
        '[{"key": "unicef", "name": "UNICEF", "issuer": "https://login.unicef.example/",'
        ' "client_id": "c", "client_secret": "s", "domains": {"UNICEF.example": 7}}]'
    )
    [provider] = providers_from(raw)
    assert provider["issuer"] == "https://login.unicef.example"
    assert provider["domains"] == {"unicef.example": 7}
    assert provider["scopes"] == "openid email profile"
    assert provider_origins([provider]) == ["https://login.unicef.example"]
    assert providers_from("") == []


@pytest.mark.parametrize(
    "raw",
    [
        "not json",
        "{}",
        '[{"key": "x"}]',
        '[{"key": "Bad Key", "name": "n", "issuer": "i", "client_id": "c", "client_secret": "s"}]',
        '[{"key": "a", "name": "n", "issuer": "i", "client_id": "c", "client_secret": "s"},'
        ' {"key": "a", "name": "n", "issuer": "i", "client_id": "c", "client_secret": "s"}]',
    ],
)
def test_a_bad_provider_configuration_stops_start_up_with_its_reason(raw):
    with pytest.raises(ImproperlyConfigured):
        providers_from(raw)


def test_unknown_provider_pages_are_404(client, db):
    assert client.post("/accounts/sso/nobody/start/").status_code == 404
    assert client.get("/accounts/sso/nobody/callback/?code=x&state=y").status_code == 404
