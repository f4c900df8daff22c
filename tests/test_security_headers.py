"""Security headers: a strict Content-Security-Policy everywhere, HSTS and HTTPS in production.

The browser half (no page raises a CSP violation in chromium) is test_csp_browser.py.
"""

import re
from pathlib import Path

import pytest
from django.urls import reverse

from config import security

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = sorted(
    path
    for pattern in ("templates/**/*.html", "*/templates/**/*.html")
    for path in ROOT.glob(pattern)
    if ".venv" not in path.parts
)


def directives(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in header.split(";") if part.strip())
    }


def test_every_page_gets_a_policy_without_inline_script_or_framing(client, seminar):
    response = client.get(reverse("seminars:detail", args=[seminar.slug]))
    assert response.status_code == 200
    policy = directives(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"] and policy["form-action"] == ["'self'"]
    assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_the_admin_is_covered_too(client):
    response = client.get(reverse("admin:login"))
    assert directives(response)["script-src"] == ["'self'"]


def test_an_s3_endpoint_is_allowed_for_media_uploads_and_images_and_nothing_else():
    origins = security.storage_origins(
        backend="s3", endpoint_url="https://minio.example.org:9000/", region="eu-west-1"
    )
    assert origins == ["https://minio.example.org:9000"]
    policy = security.content_security_policy(
        site_url="https://seminars.example.org", storage_origins=origins
    )
    for directive in ("media-src", "connect-src", "img-src"):
        assert "https://minio.example.org:9000" in policy[directive]
    for directive in ("script-src", "style-src", "default-src", "worker-src"):
        assert "https://minio.example.org:9000" not in policy[directive]
    assert "wss://seminars.example.org" in policy["connect-src"]


def test_aws_without_an_endpoint_and_local_storage():
    aws = security.storage_origins(backend="s3", endpoint_url="", region="eu-west-1")
    assert "https://s3.eu-west-1.amazonaws.com" in aws
    assert security.storage_origins(backend="local", endpoint_url="https://x", region="") == []


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_template_has_inline_script_style_or_event_handlers(template):
    text = template.read_text()
    inline_scripts = [tag for tag in re.findall(r"<script\b[^>]*>", text) if "src=" not in tag]
    assert inline_scripts == []
    assert not re.search(r"<style\b", text)
    assert not re.search(r"\sstyle\s*=", text)
    assert not re.search(r"\son[a-z]+\s*=", text)
    assert "javascript:" not in text


def test_templates_were_found():
    assert len(TEMPLATES) > 20


@pytest.fixture
def production(settings):
    settings.DEBUG = False
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_PROXY_SSL_HEADER = security.proxy_ssl_header("X-Forwarded-Proto")
    return settings


def test_production_redirects_http_and_sends_hsts_over_https(client, production, seminar):
    url = reverse("seminars:detail", args=[seminar.slug])
    plain = client.get(url)
    assert plain.status_code == 301 and plain.headers["Location"].startswith("https://")
    assert "Strict-Transport-Security" not in plain.headers  # meaningless over HTTP
    secure = client.get(url, headers={"x-forwarded-proto": "https"})
    assert secure.status_code == 200
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_development_sends_no_hsts(client, seminar):
    response = client.get(reverse("seminars:detail", args=[seminar.slug]), secure=True)
    assert "Strict-Transport-Security" not in response.headers


@pytest.mark.parametrize(
    "value, expected",
    [
        ("X-Forwarded-Proto", ("HTTP_X_FORWARDED_PROTO", "https")),
        ("x-forwarded-proto", ("HTTP_X_FORWARDED_PROTO", "https")),
        ("off", None),
        ("", None),
    ],
)
def test_proxy_ssl_header_from_the_environment(value, expected):
    assert security.proxy_ssl_header(value) == expected
