"""The language bar (UN order, each language named in itself), the language remembered for a
year, and ?lang= on links to public pages (config/languages.py, issue 18)."""

import re

import pytest
from django.urls import reverse

ONE_YEAR = 365 * 24 * 3600
BUTTON = re.compile(
    r'<button type="submit" name="language" value="([\w-]+)" lang="[\w-]+"'
    r'\s*(?:aria-current="true")?>([^<]+)</button>'
)


def _bar(html: str) -> list[tuple[str, str]]:
    return BUTTON.findall(html)


@pytest.mark.django_db
def test_the_bar_lists_the_six_languages_in_un_order_each_named_in_itself(client):
    html = client.get(reverse("seminars:list")).text
    assert _bar(html) == [
        ("ar", "العربية"),
        ("zh-hans", "中文"),
        ("en", "English"),
        ("fr", "Français"),
        ("ru", "Русский"),
        ("es", "Español"),
    ]


@pytest.mark.django_db
def test_a_link_with_lang_opens_the_page_in_arabic_right_to_left_and_remembers_it(client, seminar):
    url = reverse("seminars:detail", args=[seminar.slug])
    response = client.get(url, {"lang": "ar"}, HTTP_ACCEPT_LANGUAGE="en")
    assert '<html lang="ar" dir="rtl">' in response.text
    assert "الانتقال إلى المحتوى" in response.text  # the skip link, in Arabic
    assert "Skip to content" not in response.text
    cookie = response.cookies["django_language"]
    assert cookie.value == "ar" and int(cookie["max-age"]) == ONE_YEAR
    assert cookie["samesite"] == "Lax"
    # The next page, without ?lang=, is still in Arabic: the cookie carries the choice.
    again = client.get(reverse("seminars:list"), HTTP_ACCEPT_LANGUAGE="en")
    assert '<html lang="ar" dir="rtl">' in again.text


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("value", "expected"),
    [("fr", "fr"), ("ES", "es"), ("zh_Hans", "zh-hans"), ("zh", "zh-hans"), ("ru", "ru")],
)
def test_lang_accepts_the_site_s_codes_and_their_common_spellings(client, value, expected):
    response = client.get(reverse("seminars:list"), {"lang": value})
    assert f'<html lang="{expected}" dir="ltr">' in response.text
    assert response.cookies["django_language"].value == expected
    assert response.headers["Content-Language"] == expected


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["xx", "de", "", "ar;drop", "a" * 300])
def test_an_unknown_lang_is_ignored_and_nothing_is_remembered(client, value):
    response = client.get(reverse("seminars:list"), {"lang": value}, HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 200
    assert '<html lang="es" dir="ltr">' in response.text
    assert "django_language" not in response.cookies


@pytest.mark.django_db
def test_a_post_does_not_switch_language_from_the_query(client):
    response = client.post(reverse("set_language") + "?lang=ar", {"language": "fr", "next": "/"})
    assert response.cookies["django_language"].value == "fr"


@pytest.mark.django_db
def test_choosing_in_the_bar_is_remembered_for_a_year_and_returns_without_lang(client):
    page = reverse("seminars:list")
    html = client.get(page, {"lang": "fr", "page": "1"}).text
    # The bar sends the reader back to the same page, but not to ?lang=fr, which would undo
    # the language just chosen.
    assert f'<input name="next" type="hidden" value="{page}?page=1">' in html
    response = client.post(reverse("set_language"), {"language": "ar", "next": f"{page}?page=1"})
    assert response.status_code == 302 and response.headers["Location"] == f"{page}?page=1"
    cookie = response.cookies["django_language"]
    assert cookie.value == "ar" and int(cookie["max-age"]) == ONE_YEAR
    assert '<html lang="ar" dir="rtl">' in client.get(page).text


@pytest.mark.django_db
def test_arabic_from_the_browser_gets_lang_ar_and_rtl(client):
    html = client.get(reverse("seminars:list"), HTTP_ACCEPT_LANGUAGE="ar").text
    assert '<html lang="ar" dir="rtl">' in html
    assert 'aria-current="true">العربية</button>' in html
    assert "الحلقات الدراسية الدولية للمشتريات" in html or "لم تُنشر أي حلقات دراسية بعد." in html
