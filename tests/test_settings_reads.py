"""Settings have one home: the environment is read in config/ only (config/env.py), every
default is in config/settings.py, and code reads django.conf.settings when it uses a value, so
``override_settings`` takes effect."""

import ast
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.test import override_settings

from accesskeys import purposes
from live import conf as live_conf
from registration import constants
from registration.services import limits

ROOT = Path(__file__).resolve().parent.parent
# Every Django app of the project (a top-level package with apps.py), so a new app is covered.
APPS = sorted(path.parent for path in ROOT.glob("*/apps.py"))


def _app_modules():
    for app in APPS:
        for path in sorted(app.rglob("*.py")):
            if "migrations" not in path.parts:
                yield path, ast.parse(path.read_text(), filename=str(path))


def _environment_reads(tree: ast.AST) -> list[int]:
    """Lines that read the process environment: os.environ, os.getenv, os.environb, or those
    names imported from os."""
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            if node.value.id == "os" and node.attr in {"environ", "environb", "getenv"}:
                lines.append(node.lineno)
        if isinstance(node, ast.ImportFrom) and node.module == "os":
            if {alias.name for alias in node.names} & {"environ", "environb", "getenv"}:
                lines.append(node.lineno)
    return lines


def test_the_apps_are_found():
    names = {app.name for app in APPS}
    assert {"accesskeys", "media_library", "registration", "scheduling", "seminars"} <= names


def _offenders(find) -> list[str]:
    return [
        f"{path.relative_to(ROOT)}:{line}" for path, tree in _app_modules() for line in find(tree)
    ]


def test_no_app_module_reads_the_environment():
    """Only config/ (config/env.py) does; outside the apps, manage.py and config/asgi.py set
    DJANGO_SETTINGS_MODULE and tools/ (make audit) reads pip's own PIP_CERT. One read is not
    configuration: Django's autoreloader marks its child process with DJANGO_AUTORELOAD_ENV,
    and the worker serves its metrics from that child only (ops/management/commands)."""
    offenders = _offenders(_environment_reads)
    assert [o for o in offenders if not _reloader_mark(o)] == []


def _reloader_mark(offender: str) -> bool:
    path, line = offender.rsplit(":", 1)
    return "DJANGO_AUTORELOAD_ENV" in (ROOT / path).read_text().splitlines()[int(line) - 1]


def test_the_environment_check_would_catch_a_read():
    tree = ast.parse("import os\nfrom os import getenv\nA = os.environ.get('A')\nB = getenv('B')")
    assert _environment_reads(tree) == [2, 3]


def _private_defaults(tree: ast.AST) -> list[int]:
    """``getattr(settings, NAME, default)``: a default kept outside config/settings.py."""
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "getattr"
        and len(node.args) == 3
        and isinstance(node.args[0], ast.Name)
        and node.args[0].id == "settings"
    ]


def test_no_module_keeps_a_default_of_its_own_for_a_setting():
    assert _offenders(_private_defaults) == []
    assert _private_defaults(ast.parse("getattr(settings, 'X', 3)")) == [1]


def _live_setting_names() -> set[str]:
    """Every name passed to the live room's ``conf.get("...")``."""
    names = set()
    for _path, tree in _app_modules():
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "get"
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "conf"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                names.add(node.args[0].value)
    return names


def test_every_setting_read_by_name_is_defined_in_settings():
    names = _live_setting_names() | {p.max_age_setting for p in purposes.REGISTRY.values()}
    names |= {"REGISTRATION_LINK_RATE_PER_ADDRESS", "REGISTRATION_LINK_RATE_PER_CLIENT"}
    assert "LIVE_ASK_RATE" in names
    assert [name for name in sorted(names) if not hasattr(settings, name)] == []


def test_override_settings_takes_effect_for_link_lifetimes_and_limits():
    assert purposes.SIGN_IN.max_age() == timedelta(minutes=15)
    with override_settings(
        REGISTRATION_SIGN_IN_LINK_MAX_AGE=60,
        LIVE_ASK_RATE=(1, 5),
        REGISTRATION_LINK_RATE_PER_CLIENT=(2, 30),
        REGISTRATION_PRIVACY_NOTICE_VERSION="2031-01",
    ):
        assert purposes.SIGN_IN.max_age() == timedelta(seconds=60)
        assert live_conf.get("LIVE_ASK_RATE") == (1, 5)
        assert limits._rate("REGISTRATION_LINK_RATE_PER_CLIENT") == (2, 30)
        assert constants.PRIVACY_NOTICE_VERSION == "2031-01"
    assert purposes.SIGN_IN.max_age() == timedelta(minutes=15)
    assert live_conf.get("LIVE_ASK_RATE") == (3, 60)
