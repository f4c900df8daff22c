"""`make` alone and `make help` list the targets a newcomer needs."""

import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("args", [[], ["help"]])
def test_make_lists_the_targets(args):
    result = subprocess.run(
        ["make", "--no-print-directory", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    for target in ("make run", "make test ", "make test-fast", "make audit", "make bench"):
        assert target in result.stdout
    assert "docs/deployment.md" in result.stdout
    assert "pip" not in result.stdout  # listing the targets installs nothing
