"""The translation catalogues and how they are made: `make messages`, `make compilemessages`
and tests/test_catalogues.py all read this module, so the three cannot drift apart.

Seven catalogues. The project's (``locale/``: config, seminars, scheduling, media_library,
live, accesskeys, ops and ``templates/``) is made at the repository root, ignoring the apps
that keep their own; registration/, organising/, accounts/, polls/, meetings/ and api/ each
make theirs inside their directory. English is the source language; the others are the UN's
remaining five.

    python -m tools.messages                 # every catalogue, every language
    python -m tools.messages -l ar           # one language
    python -m tools.messages --compile       # the .mo files (committed with the .po files)
"""

import argparse
import os
import re
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parents[1]

# Catalogue name -> the directory makemessages runs in (relative to the repository root).
CATALOGUES = {"locale": ".", "registration": "registration", "organising": "organising",
              "accounts": "accounts", "polls": "polls", "meetings": "meetings",
              "api": "api"}  # fmt: skip
LANGUAGES = ("fr", "es", "ar", "zh_Hans", "ru")
# svg: scheduling/templates/scheduling/_heatmap.svg is a template with translated text.
EXTENSIONS = "html,txt,py,svg"
# At the root: not the virtualenv, not the tests or tooling, not the apps with a catalogue.
ROOT_IGNORES = (".venv/*", "tests/*", "bench/*", "tools/*", "node_modules/*") + tuple(
    f"{directory}/*" for directory in CATALOGUES.values() if directory != "."
)


def catalogue_path(catalogue: str, language: str, *, root: Path = ROOT) -> Path:
    """Where the .po file of one catalogue and language lives."""
    return root / CATALOGUES[catalogue] / "locale" / language / "LC_MESSAGES" / "django.po"


# -P: not the working directory on sys.path, where an app's selectors.py would shadow the
# standard library's (subprocess imports it).
DJANGO_ADMIN = [sys.executable, "-P", "-m", "django"]


def _environment() -> dict[str, str]:
    # Without settings: with them, makemessages writes the root's strings to
    # settings.LOCALE_PATHS (this checkout's locale/), even when run in a copy elsewhere.
    environment = dict(os.environ)
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    return environment


def makemessages(
    languages: tuple[str, ...] = LANGUAGES,
    *,
    root: Path = ROOT,
    directories: Iterable[str] = CATALOGUES.values(),
) -> None:
    """Refresh every catalogue under root from the code; changes only .po files.

    A catalogue makemessages creates gets the project's header at once (see
    complete_new_header), so a new app's catalogue needs no repair by hand.
    """
    for directory in directories:
        command = [*DJANGO_ADMIN, "makemessages", "-e", EXTENSIONS]
        command += ["--no-obsolete"] + [f"--locale={language}" for language in languages]
        if directory == ".":
            command += [f"--ignore={pattern}" for pattern in ROOT_IGNORES]
        locale = root / directory / "locale"
        new = [lang for lang in languages if not _po_file(locale, lang).exists()]
        subprocess.run(
            command, cwd=root / directory, env=_environment(), check=True, stdout=subprocess.DEVNULL
        )
        for language in new:
            if _po_file(locale, language).exists():
                complete_new_header(_po_file(locale, language), language, root=root)


def _po_file(locale: Path, language: str) -> Path:
    return locale / language / "LC_MESSAGES" / "django.po"


# Shown in the header's Language-Team line and first comment.
LANGUAGE_NAMES = {"fr": "French", "es": "Spanish", "ar": "Arabic",
                  "zh_Hans": "Chinese (Simplified)", "ru": "Russian"}  # fmt: skip


def project_plural_forms(language: str, *, root: Path = ROOT) -> str | None:
    """The Plural-Forms of the project catalogue (locale/<lang>/), which every app's follows.

    makemessages writes Django's own catalogue's into a new file; where the project's differs
    (Django's Arabic expression lacks the project's parentheses), the project's wins, so every
    catalogue of a language agrees (tests/test_catalogues.py). Under a copy of the sources
    without one, the repository's decides.
    """
    for base in (root, ROOT):
        path = catalogue_path("locale", language, root=base)
        if path.exists():
            return polib.pofile(str(path)).metadata.get("Plural-Forms")
    return None


def complete_new_header(path: Path, language: str, *, root: Path = ROOT) -> None:
    """Give a catalogue makemessages just created the project's header; changes only that file.

    Its language, UTF-8, the project's Plural-Forms with that many (empty) forms in each plural
    entry, and no fuzzy flag on the header (xgettext's template has one; tests/test_catalogues.py
    refuses it).
    """
    po = polib.pofile(str(path), wrapwidth=79)
    name = LANGUAGE_NAMES.get(language, language)
    po.header = f"{name} translation of OpenIPS."
    po.metadata["Project-Id-Version"] = "OpenIPS"
    po.metadata["Language"] = language
    po.metadata["Language-Team"] = name
    po.metadata["Last-Translator"] = "OpenIPS translators"
    po.metadata["PO-Revision-Date"] = po.metadata["POT-Creation-Date"]
    po.metadata["Content-Type"] = "text/plain; charset=UTF-8"
    plural_forms = project_plural_forms(language, root=root)
    if plural_forms:
        po.metadata["Plural-Forms"] = plural_forms
    # xgettext leaves two empty forms per plural entry whatever the language counts.
    nplurals = int(re.search(r"nplurals=(\d+)", po.metadata["Plural-Forms"]).group(1))  # type: ignore[union-attr]
    for entry in po:
        if entry.msgid_plural:
            entry.msgstr_plural = {n: entry.msgstr_plural.get(n, "") for n in range(nplurals)}
    po.metadata_is_fuzzy = []
    po.save(str(path))


def compilemessages(*, root: Path = ROOT) -> None:
    """The .mo file next to every .po file under root (the project commits both)."""
    command = [*DJANGO_ADMIN, "compilemessages", "--ignore=.venv/*"]
    subprocess.run(command, cwd=root, env=_environment(), check=True, stdout=subprocess.DEVNULL)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-l", "--language", action="append", choices=LANGUAGES)
    parser.add_argument("--compile", action="store_true", help="compile .po into .mo")
    arguments = parser.parse_args()
    if arguments.compile:
        compilemessages()
    else:
        makemessages(tuple(arguments.language or LANGUAGES))


if __name__ == "__main__":
    main()
