"""tools/messages.py: a catalogue makemessages creates for a new app is right from the start."""

import shutil
import subprocess

import polib
import pytest

from tests.conftest import _service_missing
from tools import messages

SOURCE = """from django.utils.translation import gettext as _, ngettext

TITLE = _("Ballot box")
COUNT = ngettext("%(count)s ballot", "%(count)s ballots", 2)
"""


@pytest.fixture
def new_app(tmp_path):
    """A copy of the project with one new app holding marked strings and no catalogue yet."""
    if shutil.which("xgettext") is None:
        _service_missing("GNU gettext (xgettext) is not installed")
    (tmp_path / "ballots" / "locale").mkdir(parents=True)
    (tmp_path / "ballots" / "services.py").write_text(SOURCE)
    for language in messages.LANGUAGES:  # the project catalogue a new app's follows
        project = messages.catalogue_path("locale", language, root=tmp_path)
        project.parent.mkdir(parents=True)
        shutil.copyfile(messages.catalogue_path("locale", language), project)
    return tmp_path


def _nplurals(po: polib.POFile) -> int:
    return int(po.metadata["Plural-Forms"].split(";")[0].removeprefix("nplurals="))


@pytest.mark.parametrize("language", messages.LANGUAGES)
def test_a_new_apps_catalogue_gets_the_project_header_plural_forms_and_no_fuzzy_flag(
    new_app, language
):
    messages.makemessages((language,), root=new_app, directories=["ballots"])
    path = new_app / "ballots" / "locale" / language / "LC_MESSAGES" / "django.po"
    po = polib.pofile(str(path))
    project = polib.pofile(str(messages.catalogue_path("locale", language, root=new_app)))
    assert po.metadata["Language"] == language
    assert po.metadata["Content-Type"] == "text/plain; charset=UTF-8"
    assert po.metadata["Plural-Forms"] == project.metadata["Plural-Forms"]
    assert "fuzzy" not in (po.metadata_is_fuzzy or [])
    assert "#, fuzzy" not in path.read_text().split('msgid ""')[0]
    plural = po.find("%(count)s ballot")
    assert len(plural.msgstr_plural) == _nplurals(project)  # Arabic 6, Russian 3, Chinese 1
    assert po.find("Ballot box") is not None
    check = subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(path)], capture_output=True)
    assert check.returncode == 0, check.stderr


def test_the_project_catalogue_decides_plural_forms_not_djangos(new_app):
    # makemessages copies Django's own Arabic Plural-Forms; the project's is the one to follow.
    project = messages.catalogue_path("locale", "ar", root=new_app)
    custom = polib.pofile(str(project))
    custom.metadata["Plural-Forms"] = custom.metadata["Plural-Forms"].replace(" ? ", "?")
    custom.save(str(project))
    messages.makemessages(("ar",), root=new_app, directories=["ballots"])
    po = polib.pofile(str(new_app / "ballots" / "locale" / "ar" / "LC_MESSAGES" / "django.po"))
    assert po.metadata["Plural-Forms"] == custom.metadata["Plural-Forms"]
    assert "n==0?0" in po.metadata["Plural-Forms"]


def test_an_existing_catalogue_keeps_its_header(new_app):
    messages.makemessages(("fr",), root=new_app, directories=["ballots"])
    path = new_app / "ballots" / "locale" / "fr" / "LC_MESSAGES" / "django.po"
    po = polib.pofile(str(path))
    po.metadata["Last-Translator"] = "Camille <camille@example.org>"
    po.save(str(path))
    messages.makemessages(("fr",), root=new_app, directories=["ballots"])
    assert polib.pofile(str(path)).metadata["Last-Translator"] == "Camille <camille@example.org>"
