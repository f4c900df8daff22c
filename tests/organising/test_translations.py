"""The workspace speaks French and Spanish: every message of its catalogue is translated."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

LOCALE = Path(__file__).resolve().parents[2] / "organising" / "locale"


@pytest.mark.parametrize("language", ["fr", "es"])
def test_every_message_of_the_workspace_catalogue_is_translated(language):
    text = (LOCALE / language / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    entries = [block for block in text.split("\n\n")[1:] if "msgid" in block]
    untranslated = [
        block for block in entries if re.search(r'^msgstr(\[\d\])? ""$(?!\n")', block, re.M)
    ]
    assert len(entries) > 200
    assert untranslated == []
    assert "#, fuzzy" not in text


@pytest.mark.parametrize(
    ("language", "heading", "label"),
    [("fr", "Inscrits", "Rechercher des inscrits"), ("es", "Inscritos", "Buscar inscritos")],
)
def test_the_registrant_list_reads_in_the_organisers_language(
    client, organiser, seminar, language, heading, label
):
    client.force_login(organiser)
    url = reverse("organising:registrants", args=[seminar.slug])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert f"<h1>{heading}</h1>" in page and label in page
