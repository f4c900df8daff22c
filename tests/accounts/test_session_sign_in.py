"""accounts/sessions.py is the one place a passwordless sign-in starts a session: no other
module of the project imports django.contrib.auth's login (the password page is Django's
LoginView, which calls it itself)."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_only_accounts_sessions_imports_login():
    found = []
    for path in sorted(ROOT.glob("*/**/*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if relative.split("/")[0] in {".venv", "tests", "bench"}:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.ImportFrom)
                and node.module == "django.contrib.auth"
                and any(alias.name == "login" for alias in node.names)
            ):
                found.append(relative)
    assert found == ["accounts/sessions.py"]
