"""The URL walk's values: each parameter gets a valid one from its converter unless it must be a
specific object, and a parameter with neither stops the walk with the route and name."""

import pytest
from django.urls import Resolver404, resolve

from tests.inputs.conftest import route_values
from tests.inputs.walk import NoValidValueError, Route, path_values, routes


def _route(*converters: tuple[str, str]) -> Route:
    params = tuple(param for param, _ in converters)
    template = "things/" + "/".join("{" + param + "}" for param in params) + "/"
    return Route(template=template, name="things:detail", params=params, converters=converters)


def test_a_new_parameter_takes_its_converters_value_without_any_table_entry():
    route = _route(
        ("slug", "slug"), ("thing_id", "id"), ("count", "int"), ("token", "token"),
        ("ref", "uuid"), ("rest", "path"),
    )  # fmt: skip
    assert path_values(route, named={}, by_route={}) == {
        "slug": "demo",
        "thing_id": "1",
        "count": "1",
        "token": "not-a-token",
        "ref": "00000000-0000-4000-8000-000000000001",
        "rest": "nothing",
    }


def test_the_named_table_and_the_routes_own_entry_come_before_the_converter():
    route = _route(("slug", "slug"), ("session_id", "id"), ("token", "token"))
    values = path_values(
        route,
        named={"session_id": "42", "token": "named"},
        by_route={"things:detail": {"token": "signed-for-this-route"}},
    )
    assert values == {"slug": "demo", "session_id": "42", "token": "signed-for-this-route"}


@pytest.mark.parametrize("converter", ["regex", "YearConverter"])
def test_a_parameter_with_neither_fails_naming_the_route_and_the_parameter(converter):
    with pytest.raises(NoValidValueError) as failure:
        path_values(_route(("slug", "slug"), ("year", converter)), named={}, by_route={})
    message = str(failure.value)
    assert "'things:detail'" in message and "/things/{slug}/{year}/" in message
    assert "URL parameter 'year'" in message and "tests/inputs/conftest.py" in message


def test_every_route_of_the_project_gets_values_its_resolver_accepts(world):
    unresolved = []
    for route in routes():
        assert set(dict(route.converters)) == set(route.params), route.name
        url = route.fill(route_values(world, route))
        try:
            resolve(url)
        except Resolver404:
            unresolved.append((route.name, url))
    assert unresolved == []
