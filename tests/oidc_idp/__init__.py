"""A real OpenID Connect provider for the single sign-on tests: django-oauth-toolkit with OIDC
on, run as a separate process on loopback by tests/accounts/test_sso_browser.py (serve.py).

It can be told (through a file) to misbehave the way a broken or hostile provider would: sign
an ID token for another audience, or hand out one whose signature was altered."""
