from oauth2_provider.oauth2_validators import OAuth2Validator

# Claims of the test people, by user name (serve.py creates them).
PEOPLE = {
    "officer": {
        "email": "amina.diallo@unicef.example",
        "email_verified": True,
        "given_name": "Amina",
        "family_name": "Diallo",
        "groups": ["procurement"],
    },
    "unverified": {
        "email": "someone@unicef.example",
        "email_verified": False,
        "given_name": "Some",
        "family_name": "One",
        "groups": [],
    },
}


class Validator(OAuth2Validator):
    # Every claim below goes into the ID token, whatever the scopes (a test provider).
    oidc_claim_scope = None

    def get_additional_claims(self, request):
        return dict(PEOPLE.get(request.user.username, {}))
