"""tools/po_apply.py fills catalogues from JSON and refuses translations that would break."""

import json
import shutil
import subprocess

import polib
import pytest

from tests.conftest import IN_CI
from tools import messages, po_apply

RU_PLURALS = "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);"  # noqa: E501 (one gettext expression)


def _catalogue(root, lang="ru", plural_forms=RU_PLURALS):
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Plural-Forms": plural_forms}
    po.append(polib.POEntry(msgid="Hello %(name)s", flags=["python-format"]))
    po.append(polib.POEntry(msgid="Dear %(name)s", flags=["python-format"]))
    nplurals = int(plural_forms.split(";")[0].removeprefix("nplurals="))
    po.append(
        polib.POEntry(
            msgid="%(n)s vote",
            msgid_plural="%(n)s votes",
            msgstr_plural=dict.fromkeys(range(nplurals), ""),
        )
    )
    path = po_apply.catalogue_path(str(root), lang)
    path.parent.mkdir(parents=True)
    po.save(str(path))
    return path


def test_dump_then_apply_fills_every_entry_and_msgfmt_accepts_it(tmp_path):
    path = _catalogue(tmp_path / "locale")
    chunks = tmp_path / "chunks"
    assert (
        po_apply.main(["dump", "--lang", "ru", "--out", str(chunks), str(tmp_path / "locale")]) == 0
    )
    chunk = json.loads((chunks / "chunk-000.json").read_text())
    assert sorted(item["msgid"] for item in chunk.values()) == [
        "%(n)s vote",
        "Dear %(name)s",
        "Hello %(name)s",
    ]
    answers = {
        ident: {
            "ru": ["%(n)s голос", "%(n)s голоса", "%(n)s голосов"]
            if "msgid_plural" in item
            else item["msgid"].replace("Hello", "Привет").replace("Dear", "Уважаемый")
        }
        for ident, item in chunk.items()
    }
    (chunks / "chunk-000.answer.json").write_text(json.dumps(answers, ensure_ascii=False))
    assert (
        po_apply.main(["apply", "--lang", "ru", "--chunks", str(chunks), str(tmp_path / "locale")])
        == 0
    )
    po = polib.pofile(str(path))
    assert po.percent_translated() == 100
    assert po.metadata["Language"] == "ru"
    assert po.find("%(n)s vote").msgstr_plural == {
        0: "%(n)s голос",
        1: "%(n)s голоса",
        2: "%(n)s голосов",
    }
    if shutil.which("msgfmt") is None:
        if IN_CI:
            pytest.fail("msgfmt is not installed (CI=true: .ci/run installs gettext)")
        pytest.skip("msgfmt (gettext) is not installed")
    check = subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(path)], capture_output=True)
    assert check.returncode == 0, check.stderr


def test_a_lost_placeholder_or_a_wrong_number_of_forms_is_refused(tmp_path, capsys):
    path = _catalogue(tmp_path / "locale")
    new = tmp_path / "new.json"
    new.write_text(
        json.dumps(
            {
                "Hello %(name)s": {"ru": "Привет"},
                "Dear %(name)s": {"ru": "Уважаемый %(name)s"},
                "%(n)s vote|%(n)s votes": {"ru": ["%(n)s голос", "%(n)s голосов"]},
            }
        )
    )
    assert (
        po_apply.main(["apply", "--lang", "ru", "--new", str(new), str(tmp_path / "locale")]) == 1
    )
    po = polib.pofile(str(path))
    assert po.find("Hello %(name)s").msgstr == ""
    assert po.find("%(n)s vote").msgstr_plural[0] == ""
    assert po.find("Dear %(name)s").msgstr == "Уважаемый %(name)s"  # the good one is kept
    errors = capsys.readouterr().err
    assert "placeholders" in errors and "2 plural forms, the catalogue has 3" in errors


def _apply(tmp_path, lang, new):
    return po_apply.main(["apply", "--lang", lang, "--new", str(new), str(tmp_path / "locale")])


def _project_plural_forms(lang):
    """The Plural-Forms of the committed project catalogue (French and Spanish: three)."""
    return polib.pofile(str(messages.catalogue_path("locale", lang))).metadata["Plural-Forms"]


@pytest.mark.parametrize(
    ("lang", "forms"),
    [("fr", ["%(n)s vote", "%(n)s votes"]), ("es", ["%(n)s voto", "%(n)s votos"])],
)
def test_french_and_spanish_plurals_in_two_forms_fill_the_many_form_from_the_other(
    tmp_path, lang, forms
):
    path = _catalogue(tmp_path / "locale", lang, _project_plural_forms(lang))
    new = tmp_path / "new.json"
    new.write_text(json.dumps({"%(n)s vote|%(n)s votes": {lang: forms}}))
    assert _apply(tmp_path, lang, new) == 0
    entry = polib.pofile(str(path)).find("%(n)s vote")
    assert entry.msgstr_plural == {0: forms[0], 1: forms[1], 2: forms[1]}
    check = subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(path)], capture_output=True)
    assert check.returncode == 0, check.stderr


@pytest.mark.parametrize(
    ("lang", "forms"),
    [
        ("fr", ["%(n)s vote"]),  # one form is not two
        ("fr", ["%(n)s vote", "%(n)s votes", "%(n)s votes", "%(n)s votes"]),
        ("ar", ["%(n)s صوت", "%(n)s أصوات"]),  # Arabic needs its six
    ],
)
def test_other_wrong_plural_counts_are_still_refused(tmp_path, capsys, lang, forms):
    path = _catalogue(tmp_path / "locale", lang, _project_plural_forms(lang))
    new = tmp_path / "new.json"
    new.write_text(json.dumps({"%(n)s vote|%(n)s votes": {lang: forms}}, ensure_ascii=False))
    assert _apply(tmp_path, lang, new) == 1
    assert not any(polib.pofile(str(path)).find("%(n)s vote").msgstr_plural.values())
    nplurals = 6 if lang == "ar" else 3
    assert f"{len(forms)} plural forms, the catalogue has {nplurals}" in capsys.readouterr().err
