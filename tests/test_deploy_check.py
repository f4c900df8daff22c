"""`manage.py check --deploy` is clean with the production example in deploy/env.example.

Run in a subprocess: settings are read once per process, from the environment.
"""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from config import env

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "deploy" / "env.example"

pytestmark = pytest.mark.slow


def example_environment() -> dict[str, str]:
    """deploy/env.example as systemd's EnvironmentFile reads it (KEY=rest of the line)."""
    values = {}
    for line in EXAMPLE.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            values[name.strip()] = value
    return values


def check_deploy(**overrides: str) -> subprocess.CompletedProcess:
    environment = {
        # Only what a service would have: nothing of the test run's own configuration.
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", ""),
        **example_environment(),
        **overrides,
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_example_names_only_declared_variables_and_no_secret_key():
    example = example_environment()
    assert set(example) <= set(env.VARIABLES)
    assert example["DEBUG"] == "false"
    assert example["SECRET_KEY"] == ""  # the deployer supplies it


def test_check_deploy_is_clean_with_the_production_example():
    result = check_deploy(SECRET_KEY=secrets.token_urlsafe(64))
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout, result.stdout + result.stderr


def test_check_deploy_fails_when_hsts_is_switched_off():
    result = check_deploy(SECRET_KEY=secrets.token_urlsafe(64), SECURE_HSTS_SECONDS="0")
    assert result.returncode != 0
    assert "security.W004" in result.stderr


def test_the_example_does_not_start_without_a_secret_key():
    result = check_deploy()
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
