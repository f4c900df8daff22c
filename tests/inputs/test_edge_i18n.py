"""The edge's bad-input messages and its 400 page speak French and Spanish (locale/*/django.po)."""

import pytest
from django.utils import translation

from config import edge


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fr", "« page » doit être compris entre 1 et 9."),
        ("es", "«page» debe estar entre 1 y 9."),
        ("en", "“page” must be between 1 and 9."),
    ],
)
def test_a_number_out_of_bounds_is_refused_in_the_requester_s_language(language, expected):
    with translation.override(language), pytest.raises(edge.BadInput) as refused:
        edge.parse_int("12", name="page", minimum=1, maximum=9)
    assert str(refused.value) == expected


@pytest.mark.parametrize(
    ("language", "title", "message"),
    [
        ("fr", "Cette demande n’a pas pu être traitée", "L’adresse ne doit pas contenir"),
        ("es", "No se pudo procesar esta solicitud", "La dirección no debe contener"),
    ],
)
def test_the_400_page_is_translated(client, language, title, message):
    response = client.get("/?q=a%00b", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 400
    assert title in response.text
    assert message in response.text
    assert "This request could not be used" not in response.text
