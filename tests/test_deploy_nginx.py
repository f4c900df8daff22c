"""deploy/nginx.conf run by a real nginx: it parses, redirects plain HTTP, never doubles
Strict-Transport-Security (Django's copy passes alone; nginx adds one where Django gave none)
and passes the client's address and scheme the way the app believes them."""

import http.client
import os
import re
import shutil
import socket
import ssl
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.conftest import IN_CI

# Starts a real nginx: out of `make test-fast`.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else "")
DJANGO_HSTS = "max-age=31536000; includeSubDomains"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _Upstream(BaseHTTPRequestHandler):
    """Stands in for Daphne: /django-hsts answers with HSTS as Django does in production."""

    def do_GET(self):  # noqa: N802 (http.server's name)
        body = (
            f"xff={self.headers.get('X-Forwarded-For', '')}\n"
            f"proto={self.headers.get('X-Forwarded-Proto', '')}\n"
        ).encode()
        self.send_response(200)
        if self.path == "/django-hsts":
            self.send_header("Strict-Transport-Security", DJANGO_HSTS)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def _site_conf(tmp: Path, *, upstream: int, http_port: int, https_port: int) -> str:
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    replacements = [
        (r"server 127\.0\.0\.1:8001;\s*server 127\.0\.0\.1:8002;", f"server 127.0.0.1:{upstream};"),
        (r"listen 80;", f"listen 127.0.0.1:{http_port};"),
        (r"listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;"),
        (
            r"# ssl_certificate \.\.\.; ssl_certificate_key \.\.\.;",
            f"ssl_certificate {tmp}/cert.pem; ssl_certificate_key {tmp}/key.pem;",
        ),
        (r"alias /srv/openips/staticfiles/;", f"alias {tmp}/static/;"),
    ]
    for pattern, value in replacements:
        conf, count = re.subn(pattern, value, conf)
        assert count == 1, f"deploy/nginx.conf no longer has {pattern!r}: update this test"
    return conf


@pytest.fixture
def nginx(tmp_path):
    if not NGINX:
        if IN_CI:
            pytest.fail("needs nginx (CI=true: a missing service is a failure, not a skip)")
        pytest.skip("needs nginx (Debian: apt-get install nginx)")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=seminars.example.org",
         "-keyout", tmp_path / "key.pem", "-out", tmp_path / "cert.pem"],
        check=True, capture_output=True,
    )  # fmt: skip
    (tmp_path / "static").mkdir()
    (tmp_path / "static" / "site.css").write_text("body{}")
    upstream = ThreadingHTTPServer(("127.0.0.1", 0), _Upstream)
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    ports = {"http_port": _free_port(), "https_port": _free_port()}
    site = _site_conf(tmp_path, upstream=upstream.server_address[1], **ports)
    # As root, nginx's workers would run as nobody, who cannot read pytest's private tmp_path.
    user = "user root;\n" if os.geteuid() == 0 else ""
    (tmp_path / "nginx.conf").write_text(
        f"{user}worker_processes 1; pid {tmp_path}/nginx.pid; error_log {tmp_path}/error.log;\n"
        "events { worker_connections 64; }\n"
        f"http {{ access_log off; client_body_temp_path {tmp_path}/body; "
        f"proxy_temp_path {tmp_path}/proxy; fastcgi_temp_path {tmp_path}/fcgi; "
        f"uwsgi_temp_path {tmp_path}/uwsgi; scgi_temp_path {tmp_path}/scgi;\n{site}\n}}\n"
    )
    command = [NGINX, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")]
    checked = subprocess.run([*command, "-t"], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    process = subprocess.Popen([*command, "-g", "daemon off;"], stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", ports["https_port"]), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        yield ports
    finally:
        process.terminate()
        process.wait(timeout=10)
        upstream.shutdown()
        upstream.server_close()


def _get(port: int, path: str, *, tls: bool = True, headers: dict | None = None):
    if tls:
        context = ssl.create_default_context()
        context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
        connection = http.client.HTTPSConnection("127.0.0.1", port, context=context, timeout=10)
    else:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", path, headers={"Host": "seminars.example.org", **(headers or {})})
    response = connection.getresponse()
    body = response.read().decode()
    connection.close()
    return response, body


def test_plain_http_is_redirected_to_https(nginx):
    response, _ = _get(nginx["http_port"], "/seminars/demo/", tls=False)
    assert response.status == 301
    assert response.getheader("Location") == "https://seminars.example.org/seminars/demo/"


@pytest.mark.parametrize("path", ["/django-hsts", "/plain", "/static/site.css"])
def test_hsts_is_sent_exactly_once_whoever_answers(nginx, path):
    response, _ = _get(nginx["https_port"], path)
    assert response.status == 200
    hsts = response.headers.get_all("Strict-Transport-Security")
    assert hsts is not None and len(hsts) == 1, hsts
    if path == "/django-hsts":
        assert hsts == [DJANGO_HSTS]  # Django's own copy, not a second one from nginx
    if path.startswith("/static/"):
        assert response.getheader("X-Content-Type-Options") == "nosniff"


@pytest.mark.parametrize("path", ["/seminars/demo/", "/ws/sessions/1/"])
def test_the_app_gets_the_scheme_and_the_client_address_appended_never_replaced(nginx, path):
    _, body = _get(nginx["https_port"], path, headers={"X-Forwarded-For": "203.0.113.9"})
    # The client's own entry comes first (never believed with TRUSTED_PROXY_COUNT=1); nginx
    # appends the address it saw, the one entry the app counts.
    assert "xff=203.0.113.9, 127.0.0.1" in body
    assert "proto=https" in body
