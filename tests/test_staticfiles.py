"""Production static files: collectstatic with the hashed storage succeeds and ES module
imports point at hashed names."""

import re

from django.core.management import call_command
from django.test import override_settings


def test_collectstatic_with_hashed_storage_rewrites_module_imports(tmp_path):
    storages = {
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
        "staticfiles": {"BACKEND": "config.staticfiles.StaticFilesStorage"},
    }
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=storages):
        call_command("collectstatic", interactive=False, verbosity=0)
    room = next((tmp_path / "live").glob("room.*.js"))
    imports = re.findall(r'from\s+"([^"]+)"', room.read_text())
    assert imports, "room.js imports its helper modules"
    assert all(re.search(r"\.[0-9a-f]{12}\.js$", name) for name in imports), imports
