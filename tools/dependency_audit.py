"""`make audit`: the installed packages against the advisories PyPI publishes.

Runs ``pip-audit -s pypi`` on this virtualenv (PyPI is the one package index the project
reaches; OSV's own service is not needed) and says which of three things is true:

- VULNERABLE: a known vulnerability in an installed release. Exit 1: CI fails.
- NO KNOWN VULNERABILITIES: every installed package was checked. Exit 0.
- COULD NOT CHECK: some or all packages could not be checked, because the advisory source did
  not answer (PyPI down, no network, or a mirror that serves the package index but not the
  per-release JSON that carries the advisories). pip-audit itself then prints "No known
  vulnerabilities found", which is not what happened; this says how many were not checked.
  Exit 0 with a warning, or 2 with ``--strict``.

Why an unreachable source only warns by default: it says nothing about the code, and failing
on it would block every merge whenever the source is down or out of reach, until the audit is
switched off. Where PyPI's JSON API is reachable, run ``make audit AUDIT_STRICT=1`` so that an
audit that could not run fails closed.
"""

import argparse
import json
import subprocess
import sys
from dataclasses import dataclass, field

PIP_AUDIT = [
    *(sys.executable, "-m", "pip_audit", "--vulnerability-service", "pypi"),
    *("--format", "json", "--progress-spinner", "off", "--local", "--skip-editable"),
    *("--timeout", "20"),
]


@dataclass
class Summary:
    vulnerable: list[str] = field(default_factory=list)  # one line per vulnerability
    checked: int = 0
    unchecked: list[str] = field(default_factory=list)  # "name: why"
    failure: str = ""  # pip-audit gave no report at all


def summarise(report: dict) -> Summary:
    """Sort pip-audit's JSON report into vulnerable, checked and not checked."""
    summary = Summary()
    for dependency in report.get("dependencies", []):
        name = dependency.get("name", "?")
        if "skip_reason" in dependency:
            summary.unchecked.append(f"{name}: {dependency['skip_reason']}")
            continue
        summary.checked += 1
        for vulnerability in dependency.get("vulns", []):
            fixed = ", ".join(vulnerability.get("fix_versions") or []) or "no fixed release yet"
            aliases = ", ".join(vulnerability.get("aliases") or [])
            summary.vulnerable.append(
                f"{name} {dependency.get('version', '?')}: {vulnerability.get('id', '?')}"
                + (f" ({aliases})" if aliases else "")
                + f"; fixed in {fixed}"
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


def verdict(summary: Summary, *, strict: bool) -> tuple[int, list[str]]:
    """The exit status and the lines to print."""
    lines: list[str] = []
    if summary.vulnerable:
        lines.append(f"VULNERABLE: {len(summary.vulnerable)} known vulnerabilities:")
        lines += [f"  {line}" for line in summary.vulnerable]
    total = summary.checked + len(summary.unchecked)
    if summary.failure or summary.unchecked:
        reason = summary.failure or f"{len(summary.unchecked)} of {total} packages not checked"
        lines.append(
            f"COULD NOT CHECK: {reason}. The advisory source (PyPI's per-release JSON) did not "
            "answer; this is NOT a clean result."
        )
        lines += [f"  {line}" for line in summary.unchecked[:5]]
        if len(summary.unchecked) > 5:
            lines.append(f"  … and {len(summary.unchecked) - 5} more")
    if summary.checked and not summary.vulnerable:
        lines.append(f"NO KNOWN VULNERABILITIES in the {summary.checked} packages checked.")
    if summary.vulnerable:
        return 1, lines
    if summary.failure or summary.unchecked:
        lines.append("Failing: --strict." if strict else "Warning only (use --strict to fail).")
        return (2 if strict else 0), lines
    return 0, lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--strict", action="store_true", help="fail when a package is unchecked")
    options = parser.parse_args(argv)
    print("== Dependency audit: installed packages against PyPI's advisories (pip-audit)")
    status, lines = verdict(run_pip_audit(), strict=options.strict)
    print("\n".join(lines), flush=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
