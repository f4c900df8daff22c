"""config/edge.py: each class of bad input is a 4xx with a message, and good input still works."""

import json

import pytest
from django.urls import Resolver404, resolve

from config import edge
from registration.models import Registration
from tests.inputs.conftest import log_in


@pytest.mark.parametrize("raw", ["42", " 7 ", "0", 9])
def test_parse_int_takes_ascii_digits_and_json_numbers(raw):
    assert edge.parse_int(raw, name="n") == int(str(raw).strip())


@pytest.mark.parametrize(
    "raw", ["²", "١٢", "99999999999999999999", "-1", "1.5", "", True, [1], {"a": 1}, 2**64]
)
def test_parse_int_refuses_unicode_digits_out_of_range_and_other_types(raw):
    with pytest.raises(edge.BadInput):
        edge.parse_int(raw, name="n")


def test_id_converter_ends_at_the_database_integer_range():
    assert resolve(f"/media-library/uploads/{edge.DB_INT_MAX}/").kwargs["pk"] == edge.DB_INT_MAX
    for bad in [str(edge.DB_INT_MAX + 1), "99999999999999999999", "²"]:
        with pytest.raises(Resolver404):
            resolve(f"/media-library/uploads/{bad}/")


def test_token_converter_refuses_nul_and_spaces_but_takes_signed_tokens():
    assert resolve("/media-library/f/eyJrIjoiYSJ9:1vZx:Ab-_=/").kwargs["token"]
    for bad in ["a\x00b", "a b", "a%b", "x" * 401]:
        with pytest.raises(Resolver404):
            resolve(f"/media-library/f/{bad}/")


def test_agency_parameter_with_a_unicode_digit_is_a_400_with_a_message(world):
    client = log_in(world, "agency")
    assert client.get("/seminars/demo/leads/").status_code == 200
    response = client.get("/seminars/demo/leads/?agency=²")
    assert response.status_code == 400
    assert "whole number" in response.text


def test_invalid_consent_choice_is_a_400_and_changes_nothing(world):
    client = log_in(world, "vendor")
    registration = world["registration"]
    before = registration.list_visibility
    response = client.post("/seminars/demo/my-registration/consent/", {"list_visibility": "all!"})
    assert response.status_code == 400
    assert "Choose one of the options" in response.text
    assert Registration.objects.get(pk=registration.pk).list_visibility == before


def test_far_future_planner_date_is_a_form_error(world):
    client = log_in(world, "organizer")
    query = "on={}&length_minutes=60&working_start=09:00&working_end=17:00&country_0=KE&weight_0=1"
    assert client.get(f"/seminars/demo/planner/?{query.format('2030-03-04')}").status_code == 200
    response = client.get(f"/seminars/demo/planner/?{query.format('9999-12-31')}")
    assert response.status_code == 400
    assert "Choose a date between" in response.text


def test_upload_start_refuses_a_list_where_a_number_belongs(world):
    client = log_in(world, "agency")
    body = {"session": world["session"].pk, "kind": "slides", "language": "en",
            "title": "T", "filename": "t.pdf", "size": [1, 2]}  # fmt: skip
    response = client.post("/media-library/uploads/", json.dumps(body), "application/json")
    assert response.status_code == 400
    assert "size" in response.json()["error"]
    body["size"] = 1000
    response = client.post("/media-library/uploads/", json.dumps(body), "application/json")
    assert response.status_code == 201


def test_nul_in_a_query_string_is_a_400(world):
    response = log_in(world, "anonymous").get("/seminars/?q=a%00b")
    assert response.status_code == 400
    for query in ("q=a%00b&q=ok", "q%00=x", "a=1&q=x&q=%00"):  # any key, any repeat
        assert log_in(world, "anonymous").get(f"/seminars/?{query}").status_code == 400
    assert log_in(world, "anonymous").get("/seminars/?q=ab").status_code == 200


def test_header_safe_refuses_line_breaks():
    assert edge.header_safe("Slides 2030", name="title") == "Slides 2030"
    with pytest.raises(edge.BadInput):
        edge.header_safe("Slides\r\nX: y", name="title")
