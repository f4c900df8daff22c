"""Structured logs: one JSON object per line, the request's id and user id, never an email,
and a refused request in one line."""

import io
import json
import logging

import pytest
from django.urls import reverse

from ops import logs
from tests import factories


@pytest.fixture
def json_lines(settings):
    """What the console handler writes with LOG_FORMAT=json, captured."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(logs.ContextFilter())
    handler.setFormatter(logs.JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)

    def read() -> list[dict]:
        return [json.loads(line) for line in stream.getvalue().splitlines()]

    yield read
    root.removeHandler(handler)


@pytest.mark.django_db
def test_json_lines_carry_nginx_request_id_and_user_id_but_no_email(client, json_lines):
    user = factories.UserFactory(email="presenter@agency.example")
    seminar = factories.SeminarFactory()
    client.force_login(user)
    url = reverse("registration:registrations", kwargs={"slug": seminar.slug})
    response = client.get(url, HTTP_X_REQUEST_ID="3f2a9c0e1d7b4e5f8a6b2c4d9e0f1a2b")
    assert response.status_code == 403
    assert response["X-Request-ID"] == "3f2a9c0e1d7b4e5f8a6b2c4d9e0f1a2b"
    lines = json_lines()
    mine = [line for line in lines if line.get("request_id") == "3f2a9c0e1d7b4e5f8a6b2c4d9e0f1a2b"]
    # The refused request is one line, not a traceback.
    assert len(mine) == 1, lines
    line = mine[0]
    assert line["status"] == 403
    assert line["user_id"] == user.pk
    assert line["seminar"] == seminar.slug
    assert line["view"] == "registration:registrations"
    assert "exception" not in line
    assert "presenter@agency.example" not in json.dumps(lines)


@pytest.mark.django_db
def test_a_404_is_one_line_with_a_fresh_request_id(client, json_lines):
    response = client.get("/no-such-page/", HTTP_X_REQUEST_ID="bad id; with\nnewline")
    assert response.status_code == 404
    lines = json_lines()
    assert len(lines) == 1, lines
    assert lines[0]["status"] == 404
    # A header that is not an id is replaced, never written into the logs.
    assert lines[0]["request_id"] == response["X-Request-ID"]
    assert len(lines[0]["request_id"]) == 32


def test_emails_in_a_message_are_masked():
    record = logging.LogRecord(
        "registration.emails",
        logging.ERROR,
        __file__,
        1,
        "Could not send %r to %s",
        ("Confirm", "vendor@company.example"),
        None,
    )
    logs.ContextFilter().filter(record)
    line = json.loads(logs.JsonFormatter().format(record))
    assert line["message"] == "Could not send 'Confirm' to [email]"
    assert line["level"] == "ERROR"


def test_server_errors_keep_their_traceback_and_refusals_do_not():
    refusal = logging.makeLogRecord({"status_code": 403})
    error = logging.makeLogRecord({"status_code": 500})
    assert logs.RefusalFilter().filter(refusal) is False
    assert logs.RefusalFilter().filter(error) is True


def test_plain_format_is_the_default(settings):
    assert settings.LOG_FORMAT == "plain"
    assert settings.LOGGING["handlers"]["console"]["formatter"] == "plain"


def test_log_format_json_configures_the_process(tmp_path):
    """The settings wire it: a process started with LOG_FORMAT=json writes JSON lines only."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "LOG_FORMAT": "json", "DEBUG": "true"}
    code = (
        "import logging; logging.getLogger('django.request').warning('first');"
        "logging.getLogger('openips.test').error('mail to vendor@company.example failed')"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    lines = [json.loads(line) for line in result.stderr.splitlines()]
    # Once each: Django's own console handler under DEBUG would print django.* twice.
    assert [line["message"] for line in lines] == ["first", "mail to [email] failed"]
    assert lines[1]["logger"] == "openips.test"
