"""The README's configuration table and config.env declare the same variables."""

import re
from pathlib import Path

from config import env

README = Path(__file__).resolve().parent.parent / "README.md"


def test_every_environment_variable_is_documented_in_the_readme():
    table = README.read_text()
    documented = set(re.findall(r"^\| `([A-Z_][A-Z0-9_]*)` \|", table, flags=re.M))
    assert documented == set(env.VARIABLES)


def test_empty_variable_falls_back_to_its_default(monkeypatch):
    monkeypatch.setenv("S3_REGION", "")
    assert env.get("S3_REGION") == "us-east-1"
    monkeypatch.setenv("S3_REGION", "eu-west-3")
    assert env.get("S3_REGION") == "eu-west-3"
