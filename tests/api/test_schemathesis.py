"""Schemathesis against a live server with the demo data: anonymous, an organiser's seminar
token, an agency's token and a vendor's session. 0 server errors and 0 answers that do not
match the schema, over at least 2,000 generated requests (counted from its HAR report)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from api.models import AGENCY_SCOPES, ORGANISER_SCOPES
from api.services.tokens import api_token_create
from api.services.webhooks import webhook_subscription_create
from registration.models import Registration
from seminars.models import Seminar, SeminarRole

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

CHECKS = ",".join(
    [
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_headers_conformance",
        "response_schema_conformance",
    ]
)
MINIMUM_REQUESTS = 2000


def _credentials() -> list[tuple[str, list[str], dict]]:
    """(name, extra headers, fixed path parameters) for each kind of caller."""
    call_command("seed_demo", verbosity=0)
    seminar = Seminar.objects.get(slug="demo")
    organiser = SeminarRole.objects.filter(seminar=seminar, role="organizer").first().user
    presenter = SeminarRole.objects.filter(seminar=seminar, role="presenter").first()
    organiser_token = api_token_create(
        user=organiser, name="st", scopes=list(ORGANISER_SCOPES), days=1, seminar=seminar
    )[1]
    agency_token = api_token_create(
        user=presenter.user,
        name="st",
        scopes=list(AGENCY_SCOPES),
        days=1,
        agency=presenter.agency,
    )[1]
    vendor = Registration.objects.filter(seminar=seminar, person__user__username="vendor").get()
    browser = Client()
    browser.force_login(vendor.person.user)
    cookie = browser.cookies[settings.SESSION_COOKIE_NAME].value
    demo = {"path.slug": "demo"}
    hook = webhook_subscription_create(
        seminar=seminar, owner=organiser, url="https://example.org/hook", events=["consent.granted"]
    )
    registration = Registration.objects.filter(seminar=seminar).order_by("pk").first()
    organiser_ids = {**demo, "path.webhook_id": hook.pk, "path.registration_id": registration.pk}
    return [
        ("anonymous", [], {}),
        ("organiser", ["-H", f"Authorization: Bearer {organiser_token}"], organiser_ids),
        (
            "agency",
            ["-H", f"Authorization: Bearer {agency_token}"],
            {**demo, "path.agency_id": presenter.agency_id},
        ),
        ("vendor", ["-H", f"Cookie: {settings.SESSION_COOKIE_NAME}={cookie}"], demo),
    ]


def _start(live_url: str, tmp: Path, name: str, headers: list[str], parameters: dict):
    config = tmp / f"{name}.toml"
    lines = ["[parameters]"] + [f'"{k}" = {json.dumps(v)}' for k, v in parameters.items()]
    config.write_text("\n".join(lines) + "\n")
    har = tmp / f"{name}.har"
    command = [
        str(Path(sys.executable).with_name("st")),
        "--config-file",
        str(config),
        "run",
        f"{live_url}/api/v1/openapi.json",
        "--checks",
        CHECKS,
        "--max-examples",
        "5",
        "--seed",
        "19",
        "--generation-database",
        "none",
        "--phases",
        "examples,coverage,fuzzing",
        "--workers",
        "1",
        "--report",
        "har",
        "--report-har-path",
        str(har),
        "--no-color",
        *headers,
    ]
    output = (tmp / f"{name}.out").open("w")
    # Run in the temporary folder: schemathesis writes its own state next to where it runs.
    process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, cwd=tmp)
    return process, har, output


def test_schema_holds_against_a_live_server(live_server, settings, tmp_path):
    settings.API_RATE_LIMIT = (1_000_000, 60)
    # The four callers run side by side (the live server is threaded): each waits on the
    # server as much as it computes, so together they finish sooner than one after another.
    runs = {
        name: _start(live_server.url, tmp_path, name, headers, parameters)
        for name, headers, parameters in _credentials()
    }
    counts = {}
    for name, (process, har, output_file) in runs.items():
        returncode = process.wait(timeout=600)
        output_file.close()
        output = (tmp_path / f"{name}.out").read_text()
        assert returncode == 0, f"{name}:\n{output[-8000:]}"
        counts[name] = len(json.loads(har.read_text())["log"]["entries"])
    total = sum(counts.values())
    print(f"schemathesis: {total} requests ({counts}), 0 server errors, 0 schema mismatches")
    assert total >= MINIMUM_REQUESTS, counts
