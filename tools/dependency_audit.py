"""`make audit`: the installed packages against the advisories PyPI publishes.

Two sources, both on pypi.org, tried in this order for every package installed in this
virtualenv (editable installs, i.e. the project itself, are skipped):

1. ``pip-audit -s pypi``, which asks PyPI's per-release JSON (``/pypi/NAME/VERSION/json``)
   for the advisories of the exact installed release.
2. For each package pip-audit could not check, PyPI's per-project JSON (``/pypi/NAME/json``),
   fetched here with the standard library (a few threads, a short timeout, pip's CA bundle).
   It describes the project's latest release (``info.version``) and lists the advisories
   that apply to THAT release (``vulnerabilities``; withdrawn ones are ignored). So it checks
   an installed package only when it is the latest release; an older one stays "not checked",
   with the latest release named, because the advisories of older releases are not in it.

Some mirrors and proxies serve the per-project JSON but answer 404 for the per-release one;
there the second source does all the checking. The report says which of three things is true:

- VULNERABLE: a known vulnerability in an installed release. Exit 1: CI fails.
- NO KNOWN VULNERABILITIES: every installed package was checked. Exit 0.
- COULD NOT CHECK: some packages could not be checked by either source (each is listed with
  why: not on PyPI, PyPI did not answer, or older than the latest release). pip-audit itself
  prints "No known vulnerabilities found" then, which is not what happened. Exit 0 with a
  warning, or 2 with ``--strict``.

Why an unchecked package only warns by default: it says nothing about the code, and failing
on it would block every merge whenever PyPI is out of reach or a dependency is one release
behind, until the audit is switched off. ``make audit AUDIT_STRICT=1`` fails closed instead.
"""

import argparse
import http.client
import json
import os
import re
import ssl
import subprocess
import sys
import threading
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from importlib import metadata

from packaging.version import InvalidVersion, Version  # installed with pip-audit

PIP_AUDIT = [
    *(sys.executable, "-m", "pip_audit", "--vulnerability-service", "pypi"),
    *("--format", "json", "--progress-spinner", "off", "--local", "--skip-editable"),
    *("--timeout", "20"),
]
PYPI_JSON = "https://pypi.org/pypi"
# The only hosts the per-project JSON is fetched from: PyPI, and the loopback for the tests.
ALLOWED_HOSTS = {"pypi.org", "127.0.0.1", "localhost", "::1"}
FETCH_TIMEOUT = 10  # seconds per package
FETCH_THREADS = 8
SHOW_UNCHECKED = 40  # unchecked packages listed one by one; the rest are counted


@dataclass
class Summary:
    vulnerable: list[str] = field(default_factory=list)  # one line per vulnerability
    checked: int = 0
    checked_by_project_json: int = 0  # of `checked`, those the per-project JSON checked
    unchecked: dict[str, str] = field(default_factory=dict)  # name: why
    behind: int = 0  # unchecked because older than the latest release on PyPI
    failure: str = ""  # pip-audit gave no report at all
    notes: list[str] = field(default_factory=list)


@dataclass
class Outcome:
    """What the per-project JSON says about one installed package."""

    checked: bool
    vulnerable: list[str] = field(default_factory=list)
    reason: str = ""  # why not checked
    behind: bool = False


def canonical(name: str) -> str:
    """PEP 503 normalised name, as pip-audit and PyPI's URLs spell it."""
    return re.sub(r"[-_.]+", "-", name).lower()


def vulnerability_line(name: str, version: str, vulnerability_id: str, aliases, fixed) -> str:
    also = f" ({', '.join(aliases)})" if aliases else ""
    fix = f"fixed in {', '.join(fixed)}" if fixed else "no fixed release yet"
    return f"{name} {version}: {vulnerability_id}{also}; {fix}"


def summarise(report: dict) -> Summary:
    """Sort pip-audit's JSON report into vulnerable, checked and not checked."""
    summary = Summary()
    for dependency in report.get("dependencies", []):
        name = dependency.get("name", "?")
        if "skip_reason" in dependency:
            if "editable" in dependency["skip_reason"]:  # --skip-editable: the project itself
                summary.notes.append(f"Not audited: {name}, an editable install (our own code).")
            else:
                summary.unchecked[name] = dependency["skip_reason"]
            continue
        summary.checked += 1
        for vulnerability in dependency.get("vulns", []):
            summary.vulnerable.append(
                vulnerability_line(
                    name,
                    dependency.get("version", "?"),
                    vulnerability.get("id", "?"),
                    vulnerability.get("aliases"),
                    vulnerability.get("fix_versions"),
                )
            )
    return summary


def run_pip_audit(command: list[str] | None = None) -> Summary:
    """Run pip-audit; a run that produced no JSON report counts as not checked, never clean."""
    try:
        result = subprocess.run(
            command or PIP_AUDIT, capture_output=True, text=True, timeout=1800, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return Summary(failure=f"pip-audit could not run: {error}")
    try:
        report = json.loads(result.stdout)
    except ValueError:
        last = (result.stderr.strip().splitlines() or ["no output"])[-1]
        return Summary(failure=f"pip-audit exited {result.returncode} without a report: {last}")
    return summarise(report)


def installed_versions() -> dict[str, str]:
    """Canonical name -> version of every non-editable distribution this interpreter sees."""
    versions = {}
    for distribution in metadata.distributions():
        direct_url = distribution.read_text("direct_url.json") or "{}"
        try:
            editable = json.loads(direct_url).get("dir_info", {}).get("editable", False)
        except ValueError:
            editable = False
        name = distribution.metadata["Name"]
        if name and not editable:
            versions[canonical(name)] = distribution.version
    return versions


def tls_context() -> ssl.SSLContext:
    """The CA bundle pip uses: PIP_CERT when set, else certifi's (what requests uses)."""
    cafile = os.environ.get("PIP_CERT")
    if not cafile:
        import certifi  # installed with pip-audit (through requests)

        cafile = certifi.where()
    return ssl.create_default_context(cafile=cafile)


def check_base_url(base_url: str) -> str:
    parts = urllib.parse.urlsplit(base_url)
    if parts.scheme not in {"http", "https"} or parts.hostname not in ALLOWED_HOSTS:
        raise ValueError(f"{base_url}: only pypi.org (or the loopback, for tests) is queried")
    return base_url.rstrip("/")


class ProjectJson:
    """PyPI's per-project JSON, over one kept-alive connection per thread.

    Not one ``urlopen`` per package: each would resolve pypi.org again, and resolvers that
    drop bursts of lookups (this machine's does) stall each dropped one for the 5 s retry.
    http.client follows no redirect, so nothing but the base URL's host is ever asked.
    """

    def __init__(self, base_url: str):
        parts = urllib.parse.urlsplit(check_base_url(base_url))
        self.https = parts.scheme == "https"
        self.host, self.port, self.path = parts.hostname, parts.port, parts.path
        self.context = tls_context() if self.https else None
        self.local = threading.local()
        self.opened: list[http.client.HTTPConnection] = []
        self.lock = threading.Lock()

    def connection(self) -> tuple[http.client.HTTPConnection, bool]:
        """This thread's connection, and whether it has served a request already."""
        connection = getattr(self.local, "connection", None)
        if connection is not None:
            return connection, True
        if self.https:
            connection = http.client.HTTPSConnection(
                self.host, self.port, timeout=FETCH_TIMEOUT, context=self.context
            )
        else:
            connection = http.client.HTTPConnection(self.host, self.port, timeout=FETCH_TIMEOUT)
        self.local.connection = connection
        with self.lock:
            self.opened.append(connection)
        return connection, False

    def get(self, name: str) -> dict | str:
        """The project's JSON document for `name`, or why it could not be had."""
        while True:
            connection, reused = self.connection()
            try:
                connection.request("GET", f"{self.path}/{urllib.parse.quote(name)}/json")
                response = connection.getresponse()
                body = response.read()
                break
            except (http.client.HTTPException, OSError) as error:
                connection.close()
                self.local.connection = None
                if not reused:  # a kept-alive connection the server closed is retried once
                    return f"PyPI's project JSON did not answer: {error}"
        if response.status != 200:
            return f"PyPI's project JSON answered HTTP {response.status}"
        try:
            document = json.loads(body)
        except ValueError:
            return "PyPI's project JSON was not JSON"
        return document if isinstance(document, dict) else "PyPI's project JSON was not an object"

    def close(self) -> None:
        for connection in self.opened:
            connection.close()


def compare_releases(installed: str, latest: str) -> int:
    """-1, 0 or 1 as `installed` is older than, equal to or newer than `latest`."""
    try:
        a, b = Version(installed), Version(latest)
    except InvalidVersion:
        return 0 if installed == latest else -1
    return (a > b) - (a < b)


def judge(name: str, installed: str, document: dict | str) -> Outcome:
    """Checked (and vulnerable or not) when `installed` is the release the JSON describes."""
    if isinstance(document, str):
        return Outcome(checked=False, reason=document)
    latest = str((document.get("info") or {}).get("version") or "")
    if not latest:
        return Outcome(checked=False, reason="PyPI's project JSON names no latest release")
    order = compare_releases(installed, latest)
    if order < 0:
        reason = f"PyPI's advisories for older releases are not reachable here; latest is {latest}"
        return Outcome(checked=False, reason=reason, behind=True)
    if order > 0:
        reason = f"newer than PyPI's latest release ({latest}), whose advisories are all we have"
        return Outcome(checked=False, reason=reason)
    lines = [
        vulnerability_line(
            name, installed, item.get("id", "?"), item.get("aliases"), item.get("fixed_in")
        )
        for item in document.get("vulnerabilities") or []
        if isinstance(item, dict) and not item.get("withdrawn")
    ]
    return Outcome(checked=True, vulnerable=lines)


def check_on_pypi(summary: Summary, versions: dict[str, str], base_url: str = PYPI_JSON) -> None:
    """Let PyPI's per-project JSON check what pip-audit could not (updates `summary`)."""
    if summary.failure and versions:
        summary.notes.append(f"{summary.failure}; every package goes to PyPI's project JSON.")
        summary.unchecked = dict.fromkeys(sorted(versions), summary.failure)
        summary.failure = ""
    names = [name for name in summary.unchecked if canonical(name) in versions]
    source = ProjectJson(base_url)

    def check(name: str) -> Outcome:
        return judge(name, versions[canonical(name)], source.get(canonical(name)))

    try:
        with ThreadPoolExecutor(max_workers=FETCH_THREADS) as pool:
            outcomes = list(pool.map(check, names))
    finally:
        source.close()
    for name, outcome in zip(names, outcomes, strict=True):
        if outcome.checked:
            del summary.unchecked[name]
            summary.checked += 1
            summary.checked_by_project_json += 1
            summary.vulnerable += outcome.vulnerable
        else:
            summary.unchecked[name] = outcome.reason
            summary.behind += outcome.behind


def unchecked_lines(summary: Summary, total: int) -> list[str]:
    reason = summary.failure or f"{len(summary.unchecked)} of {total} packages not checked"
    lines = [f"COULD NOT CHECK: {reason}; this is NOT a clean result for them:"]
    shown = sorted(summary.unchecked.items())[:SHOW_UNCHECKED]
    lines += [f"  {name}: {why}" for name, why in shown]
    if len(summary.unchecked) > SHOW_UNCHECKED:
        lines.append(f"  … and {len(summary.unchecked) - SHOW_UNCHECKED} more")
    return lines


def count_line(summary: Summary) -> str:
    """The one-line summary: what was checked, and how many could not be."""
    found = len(summary.vulnerable)
    head = f"VULNERABLE: {found} known vulnerabilities" if found else "NO KNOWN VULNERABILITIES"
    line = f"{head} in {summary.checked} packages checked"
    if summary.unchecked:
        line += f"; {len(summary.unchecked)} could not be checked (listed above)"
        if summary.behind:
            line += f", {summary.behind} of them behind their latest release on PyPI"
    return line + "."


def verdict(summary: Summary, *, strict: bool) -> tuple[int, list[str]]:
    """The exit status and the lines to print."""
    lines = list(summary.notes)
    if summary.vulnerable:
        lines.append(f"VULNERABLE: {len(summary.vulnerable)} known vulnerabilities:")
        lines += [f"  {line}" for line in summary.vulnerable]
    incomplete = bool(summary.failure or summary.unchecked)
    if incomplete:
        lines += unchecked_lines(summary, summary.checked + len(summary.unchecked))
    if summary.checked_by_project_json:
        lines.append(
            f"Checked: {summary.checked - summary.checked_by_project_json} by pip-audit (the"
            f" installed release's advisories), {summary.checked_by_project_json} through PyPI's"
            " project JSON (installed = latest release, whose advisories it lists)."
        )
    if summary.checked or summary.vulnerable:
        lines.append(count_line(summary))
    if summary.vulnerable:
        return 1, lines
    if incomplete:
        lines.append("Failing: --strict." if strict else "Warning only (use --strict to fail).")
        return (2 if strict else 0), lines
    return 0, lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--strict", action="store_true", help="fail when a package is unchecked")
    parser.add_argument(
        "--pypi-json-url",
        default=PYPI_JSON,
        help=f"base of PyPI's per-project JSON (default {PYPI_JSON}; the tests use a local one)",
    )
    options = parser.parse_args(argv)
    try:
        check_base_url(options.pypi_json_url)
    except ValueError as error:
        parser.error(str(error))
    print("== Dependency audit: installed packages against PyPI's advisories", flush=True)
    summary = run_pip_audit()
    check_on_pypi(summary, installed_versions(), options.pypi_json_url)
    status, lines = verdict(summary, strict=options.strict)
    print("\n".join(lines), flush=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
