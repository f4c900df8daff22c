"""`make audit` tells "vulnerable", "no known vulnerabilities" and "could not check" apart."""

import sys

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
    assert lines == ["NO KNOWN VULNERABILITIES in the 2 packages checked."]


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
    assert "  … and 2 more" in lines
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
    status, lines = audit.verdict(summary, strict=False)
    assert status in {0, 1}
    assert bool(summary.unchecked) == any(line.startswith("COULD NOT CHECK") for line in lines)
