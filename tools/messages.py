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
import subprocess
import sys
from pathlib import Path

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


def makemessages(languages: tuple[str, ...] = LANGUAGES, *, root: Path = ROOT) -> None:
    """Refresh every catalogue under root from the code; changes only .po files."""
    for directory in CATALOGUES.values():
        command = [*DJANGO_ADMIN, "makemessages", "-e", EXTENSIONS]
        command += ["--no-obsolete"] + [f"--locale={language}" for language in languages]
        if directory == ".":
            command += [f"--ignore={pattern}" for pattern in ROOT_IGNORES]
        subprocess.run(
            command, cwd=root / directory, env=_environment(), check=True, stdout=subprocess.DEVNULL
        )


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
