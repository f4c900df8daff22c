"""Run the test identity provider: python -m tests.oidc_idp.serve PORT CLIENT_ID SECRET REDIRECT
POST_LOGOUT (IDP_DB and IDP_MODE_FILE in the environment)."""

import os
import sys


def main() -> None:
    port, client_id, secret, redirect_uri, post_logout = sys.argv[1:6]
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.oidc_idp.settings"
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.core.servers.basehttp import run
    from django.core.wsgi import get_wsgi_application
    from oauth2_provider.models import Application

    from tests.oidc_idp.validator import PEOPLE

    call_command("migrate", verbosity=0)
    for username in PEOPLE:
        User.objects.create_user(username=username, password="idp-password")
    Application.objects.create(
        name="OpenIPS",
        client_id=client_id,
        client_secret=secret,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=redirect_uri,
        post_logout_redirect_uris=post_logout,
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=True,
    )
    run("127.0.0.1", int(port), get_wsgi_application(), threading=True)


if __name__ == "__main__":
    main()
