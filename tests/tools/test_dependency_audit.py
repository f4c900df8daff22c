"""`make audit` tells "vulnerable", "no known vulnerabilities" and "could not check" apart."""

import json
import socket
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tools import dependency_audit as audit

CLEAN = {
    "dependencies": [
        {"name": "django", "version": "6.1.3", "vulns": []},
        {"name": "pypdf", "version": "7.1.1", "vulns": []},
    ],
    "fixes": [],
}
VULNERABLE = {
    "dependencies": [
        {
            "name": "pypdf",
            "version": "7.1.0",
            "vulns": [
                {
                    "id": "GHSA-xxxx-yyyy-zzzz",
                    "fix_versions": ["7.1.1"],
                    "aliases": ["CVE-2026-0001"],
                    "description": "Infinite loop on a crafted PDF.",
                }
            ],
        },
        {"name": "django", "version": "6.1.3", "vulns": []},
        {"name": "boto3", "skip_reason": "Dependency not found on PyPI: boto3 (1.44.8)"},
    ],
    "fixes": [],
}
UNREACHABLE = {
    "dependencies": [
        {"name": name, "skip_reason": f"Dependency not found on PyPI: {name}"}
        for name in ("django", "pypdf", "boto3", "icalendar", "redis", "orjson", "lxml")
    ],
    "fixes": [],
}


def test_every_package_checked_and_none_vulnerable_passes():
    status, lines = audit.verdict(audit.summarise(CLEAN), strict=True)
    assert status == 0
    assert lines == ["NO KNOWN VULNERABILITIES in 2 packages checked."]


@pytest.mark.parametrize("strict", [False, True])
def test_a_known_vulnerability_fails_naming_it_and_its_fix(strict):
    status, lines = audit.verdict(audit.summarise(VULNERABLE), strict=strict)
    assert status == 1
    assert lines[0] == "VULNERABLE: 1 known vulnerabilities:"
    assert lines[1] == "  pypdf 7.1.0: GHSA-xxxx-yyyy-zzzz (CVE-2026-0001); fixed in 7.1.1"
    assert any(line.startswith("COULD NOT CHECK: 1 of 3 packages") for line in lines)
    assert not any("NO KNOWN" in line for line in lines)


def test_an_unreachable_source_is_never_reported_as_clean():
    status, lines = audit.verdict(audit.summarise(UNREACHABLE), strict=False)
    assert status == 0
    assert lines[0].startswith("COULD NOT CHECK: 7 of 7 packages not checked")
    assert "NOT a clean result" in lines[0]
    assert "  redis: Dependency not found on PyPI: redis" in lines
    assert lines[-1] == "Warning only (use --strict to fail)."
    assert not any("NO KNOWN" in line for line in lines)


def test_strict_fails_when_anything_went_unchecked():
    status, lines = audit.verdict(audit.summarise(UNREACHABLE), strict=True)
    assert status == 2
    assert lines[-1] == "Failing: --strict."


def test_pip_audit_crashing_without_a_report_counts_as_not_checked():
    """What pip-audit does when PyPI cannot be reached at all: a traceback, no JSON."""
    crash = [
        sys.executable,
        "-c",
        "import sys; sys.stderr.write('requests.exceptions.ConnectionError: pypi.org\\n');"
        " sys.exit(1)",
    ]
    summary = audit.run_pip_audit(crash)
    assert summary.failure == (
        "pip-audit exited 1 without a report: requests.exceptions.ConnectionError: pypi.org"
    )
    status, lines = audit.verdict(summary, strict=False)
    assert status == 0
    assert lines[0].startswith("COULD NOT CHECK: pip-audit exited 1 without a report")
    assert audit.verdict(summary, strict=True)[0] == 2


@pytest.mark.slow
def test_the_real_pip_audit_report_is_understood():
    """Contract with pip-audit's JSON: every installed package lands in one of the buckets."""
    summary = audit.run_pip_audit()
    if summary.failure:
        pytest.skip(summary.failure)  # no report at all: nothing to read the format from
    assert summary.checked + len(summary.unchecked) > 50
    # `make` installs this project editable; pip-audit skips it, and it is not counted unchecked.
    assert "openips" not in summary.unchecked
    assert "Not audited: openips, an editable install (our own code)." in summary.notes
    status, lines = audit.verdict(summary, strict=False)
    assert status in {0, 1}
    assert bool(summary.unchecked) == any(line.startswith("COULD NOT CHECK") for line in lines)


# --- The fallback: PyPI's per-project JSON, served here by a local server -----------------


def project(latest, *vulnerabilities):
    """A per-project JSON document as PyPI serves it (only the fields the audit reads)."""
    return {
        "info": {"name": "x", "version": latest},
        "releases": {},
        "urls": [],
        "vulnerabilities": list(vulnerabilities),
    }


def advisory(identifier, *, fixed_in=(), aliases=(), withdrawn=None):
    return {
        "id": identifier,
        "aliases": list(aliases),
        "fixed_in": list(fixed_in),
        "link": f"https://osv.dev/vulnerability/{identifier}",
        "source": "osv",
        "summary": "A summary.",
        "details": "Details.",
        "withdrawn": withdrawn,
    }


PROJECTS = {
    "django": project("6.1.3"),
    "pypdf": project(
        "7.1.1", advisory("GHSA-aaaa-bbbb-cccc", fixed_in=["7.1.2"], aliases=["CVE-2026-0002"])
    ),
    "boto3": project(
        "1.44.8", advisory("PYSEC-2026-1", fixed_in=["1.44.9"], withdrawn="2026-06-28T16:39:06Z")
    ),
    "lxml": project("6.0.2"),
    "icalendar": project("7.0.0", advisory("PYSEC-2026-2")),
    "broken": "not an object",
}


@pytest.fixture(scope="module")
def fake_pypi():
    """A real HTTP server on the loopback answering /pypi/NAME/json from PROJECTS."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's name)
            parts = self.path.strip("/").split("/")
            if len(parts) != 3 or parts[0] != "pypi" or parts[2] != "json":
                self.send_error(404)
                return
            if parts[1] not in PROJECTS:
                self.send_error(404)
                return
            body = json.dumps(PROJECTS[parts[1]]).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/pypi"
    server.shutdown()
    server.server_close()
    thread.join()


def unchecked_by_pip_audit(*names):
    return audit.Summary(unchecked={name: "Dependency not found on PyPI" for name in names})


def test_the_latest_release_without_advisories_counts_as_checked(fake_pypi):
    summary = unchecked_by_pip_audit("django", "lxml")
    audit.check_on_pypi(summary, {"django": "6.1.3", "lxml": "6.0.2"}, fake_pypi)
    assert (summary.checked, summary.unchecked, summary.vulnerable) == (2, {}, [])
    status, lines = audit.verdict(summary, strict=True)
    assert status == 0
    assert lines[-1] == "NO KNOWN VULNERABILITIES in 2 packages checked."


def test_an_advisory_on_the_installed_latest_release_is_vulnerable(fake_pypi):
    summary = unchecked_by_pip_audit("pypdf", "django", "icalendar")
    versions = {"pypdf": "7.1.1", "django": "6.1.3", "icalendar": "7.0"}  # 7.0 == 7.0.0
    audit.check_on_pypi(summary, versions, fake_pypi)
    assert summary.vulnerable == [
        "pypdf 7.1.1: GHSA-aaaa-bbbb-cccc (CVE-2026-0002); fixed in 7.1.2",
        "icalendar 7.0: PYSEC-2026-2; no fixed release yet",
    ]
    status, lines = audit.verdict(summary, strict=False)
    assert status == 1
    assert lines[0] == "VULNERABLE: 2 known vulnerabilities:"
    assert lines[-1] == "VULNERABLE: 2 known vulnerabilities in 3 packages checked."


def test_a_withdrawn_advisory_is_ignored(fake_pypi):
    summary = unchecked_by_pip_audit("boto3")
    audit.check_on_pypi(summary, {"boto3": "1.44.8"}, fake_pypi)
    assert (summary.checked, summary.vulnerable, summary.unchecked) == (1, [], {})


def test_an_older_release_stays_unchecked_naming_the_latest(fake_pypi):
    summary = unchecked_by_pip_audit("pypdf", "django")
    audit.check_on_pypi(summary, {"pypdf": "7.0.9", "django": "6.1.3"}, fake_pypi)
    assert summary.vulnerable == []  # the latest's advisory says nothing about 7.0.9
    assert summary.unchecked == {
        "pypdf": "PyPI's advisories for older releases are not reachable here; latest is 7.1.1"
    }
    assert (summary.checked, summary.behind) == (1, 1)
    status, lines = audit.verdict(summary, strict=True)
    assert status == 2
    assert (
        "  pypdf: PyPI's advisories for older releases are not reachable here; latest is 7.1.1"
        in lines
    )
    assert lines[-2] == (
        "NO KNOWN VULNERABILITIES in 1 packages checked; 1 could not be checked (listed above),"
        " 1 of them behind their latest release on PyPI."
    )


def test_a_release_newer_than_the_latest_stays_unchecked(fake_pypi):
    summary = unchecked_by_pip_audit("django")
    audit.check_on_pypi(summary, {"django": "6.2a1"}, fake_pypi)
    assert summary.checked == 0
    assert summary.unchecked["django"].startswith("newer than PyPI's latest release (6.1.3)")
    assert summary.behind == 0


def test_a_project_pypi_does_not_serve_stays_unchecked(fake_pypi):
    summary = unchecked_by_pip_audit("not-on-pypi", "broken")
    audit.check_on_pypi(summary, {"not-on-pypi": "1.0", "broken": "1.0"}, fake_pypi)
    assert summary.checked == 0
    assert summary.unchecked == {
        "not-on-pypi": "PyPI's project JSON answered HTTP 404",
        "broken": "PyPI's project JSON was not an object",
    }


def test_pypi_out_of_reach_leaves_everything_unchecked():
    with socket.socket() as probe:  # a loopback port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    summary = unchecked_by_pip_audit("django")
    audit.check_on_pypi(summary, {"django": "6.1.3"}, f"http://127.0.0.1:{port}/pypi")
    assert summary.checked == 0
    assert summary.unchecked["django"].startswith("PyPI's project JSON did not answer:")
    assert audit.verdict(summary, strict=True)[0] == 2


def test_when_pip_audit_gave_no_report_every_installed_package_goes_to_pypi(fake_pypi):
    summary = audit.Summary(failure="pip-audit exited 1 without a report: boom")
    audit.check_on_pypi(summary, {"django": "6.1.3", "lxml": "6.0.1"}, fake_pypi)
    assert summary.failure == ""
    assert summary.checked == 1
    assert list(summary.unchecked) == ["lxml"]
    status, lines = audit.verdict(summary, strict=False)
    assert lines[0].startswith("pip-audit exited 1 without a report: boom")
    assert status == 0


def test_packages_pip_audit_checked_are_not_asked_again(fake_pypi):
    summary = audit.summarise(VULNERABLE)  # pypdf 7.1.0 vulnerable per pip-audit, boto3 skipped
    audit.check_on_pypi(
        summary, {"pypdf": "7.1.0", "django": "6.1.3", "boto3": "1.44.8"}, fake_pypi
    )
    assert summary.vulnerable == [
        "pypdf 7.1.0: GHSA-xxxx-yyyy-zzzz (CVE-2026-0001); fixed in 7.1.1"
    ]
    assert (summary.checked, summary.checked_by_project_json, summary.unchecked) == (3, 1, {})


@pytest.mark.parametrize("url", ["https://evil.example/pypi", "file:///etc/passwd"])
def test_no_host_but_pypi_is_queried(url):
    with pytest.raises(ValueError, match="only pypi.org"):
        audit.check_base_url(url)
    with pytest.raises(SystemExit):
        audit.main(["--pypi-json-url", url])
