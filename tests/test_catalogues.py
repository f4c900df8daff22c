"""Every catalogue speaks the UN's six languages, completely (issue 18).

English is the source; fr, es, ar, zh_Hans and ru each need a catalogue in every app that has
one (tools/messages.py lists them), with no untranslated or fuzzy entry, the same placeholders
and markup in every translation as in the English, and every string the code marks present:
a fresh makemessages in a copy of the sources is compared with the committed files.
"""

import re
import shutil
from collections import Counter
from pathlib import Path

import polib
import pytest

from tests.conftest import _service_missing
from tools import messages

LANGUAGES = messages.LANGUAGES
# Named and positional printf placeholders, str.format fields and HTML tags. "%%" is a
# literal percent sign, removed before looking.
PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[a-z]|%[sdif]|\{\w*\}|<[^<>]+>")


def _catalogue(catalogue: str, language: str) -> polib.POFile:
    path = messages.catalogue_path(catalogue, language)
    assert path.exists(), f"{path.relative_to(messages.ROOT)} is missing"
    return polib.pofile(str(path))


def _placeholders(text: str) -> Counter[str]:
    return Counter(PLACEHOLDER.findall(text.replace("%%", "")))


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("catalogue", list(messages.CATALOGUES))
def test_every_entry_is_translated_and_none_is_fuzzy(catalogue, language):
    po = _catalogue(catalogue, language)
    entries = [entry for entry in po if not entry.obsolete]
    assert len(entries) > 20  # the smallest (api/) holds about 45: none is empty by mistake
    assert [entry.msgid for entry in po.untranslated_entries()] == []
    assert [entry.msgid for entry in po.fuzzy_entries()] == []
    assert "fuzzy" not in po.metadata_is_fuzzy


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("catalogue", list(messages.CATALOGUES))
def test_translations_keep_the_placeholders_and_markup_of_the_english(catalogue, language):
    differing = []
    for entry in _catalogue(catalogue, language).translated_entries():
        if entry.msgid_plural:
            # A form may follow the singular's wording or the plural's.
            allowed = [_placeholders(entry.msgid), _placeholders(entry.msgid_plural)]
            forms = entry.msgstr_plural.values()
            differing += [(entry.msgid, f) for f in forms if _placeholders(f) not in allowed]
        elif _placeholders(entry.msgstr) != _placeholders(entry.msgid):
            differing.append((entry.msgid, entry.msgstr))
    assert differing == []


def test_arabic_has_its_six_plural_forms():
    for catalogue in messages.CATALOGUES:
        po = _catalogue(catalogue, "ar")
        assert po.metadata["Plural-Forms"].startswith("nplurals=6;")
        plurals = [entry for entry in po if entry.msgid_plural]
        assert all(len(entry.msgstr_plural) == 6 for entry in plurals)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_catalogue_follows_the_project_catalogues_plural_forms(language):
    # tools/messages.py gives a new catalogue the project's header; this keeps them equal after.
    plural_forms = _catalogue("locale", language).metadata["Plural-Forms"]
    nplurals = int(plural_forms.split(";")[0].removeprefix("nplurals="))
    for catalogue in messages.CATALOGUES:
        po = _catalogue(catalogue, language)
        assert po.metadata["Language"] == language, catalogue
        assert po.metadata["Plural-Forms"] == plural_forms, catalogue
        wrong = [e.msgid for e in po if e.msgid_plural and len(e.msgstr_plural) != nplurals]
        assert wrong == [], catalogue


def _copy_sources(destination: Path) -> None:
    """The files makemessages reads, and an empty locale/ per catalogue to write into."""
    skip = {".venv", ".git", "node_modules", "media", "staticfiles", "__pycache__", "locale"}
    suffixes = {f".{extension}" for extension in messages.EXTENSIONS.split(",")}
    for path in messages.ROOT.rglob("*"):
        relative = path.relative_to(messages.ROOT)
        if skip.intersection(relative.parts) or path.suffix not in suffixes or not path.is_file():
            continue
        (destination / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, destination / relative)
    for directory in messages.CATALOGUES.values():
        (destination / directory / "locale").mkdir(parents=True, exist_ok=True)


def test_every_marked_string_is_in_the_committed_catalogues(tmp_path):
    if shutil.which("xgettext") is None:
        _service_missing("GNU gettext (xgettext) is not installed")
    _copy_sources(tmp_path)
    messages.makemessages(("fr",), root=tmp_path)
    missing = {}
    for catalogue in messages.CATALOGUES:
        fresh = polib.pofile(str(messages.catalogue_path(catalogue, "fr", root=tmp_path)))
        wanted = {(entry.msgctxt, entry.msgid) for entry in fresh}
        assert len(wanted) > 20  # the copy really held the sources
        for language in messages.LANGUAGES:
            path = messages.catalogue_path(catalogue, language)
            if path.exists():  # a missing catalogue fails the tests above
                held = {(entry.msgctxt, entry.msgid) for entry in polib.pofile(str(path))}
                if wanted - held:
                    missing[(catalogue, language)] = sorted(msgid for _, msgid in wanted - held)
    assert missing == {}, "run `make messages`, then translate the new entries"
