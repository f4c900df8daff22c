"""The 57 UNSPSC segment titles are shown in the reader's language on the registration form."""

import pytest
from django.utils import translation

from registration.countrygroups import unspsc_segments
from registration.unspsc_titles import TITLES

LANGUAGES = ["fr", "es", "ar", "zh-hans", "ru"]


def test_the_marked_titles_are_the_shipped_ones():
    assert TITLES == unspsc_segments()


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_segment_title_is_translated(language):
    with translation.override(language):
        untranslated = [t for t in TITLES.values() if translation.gettext(t) == t]
    assert untranslated == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("ar", "51 · الأدوية والمنتجات الصيدلانية"),
        ("zh-hans", "51 · 药品和医药产品"),
        ("ru", "51 · Лекарственные средства и фармацевтическая продукция"),
    ],
)
def test_registration_form_lists_segments_in_the_readers_language(
    client, open_seminar, language, expected
):
    client.cookies["django_language"] = language
    html = client.get(f"/seminars/{open_seminar.slug}/register/").content.decode()
    assert expected in html
    assert "Drugs and Pharmaceutical Products" not in html
