"""Every URL pattern of the project, as templates whose parameters can be filled in, and the
valid value of each parameter, derived from its converter.

A parameter's value comes, in this order, from the route's own entry (``by_route``: a join
link needs a real token), from the names whose value must be a specific existing object
(``named``: the session the demo's agency presents, the upload in progress), and otherwise
from the converter: a new ``<slug:slug>``, ``<id:thing_id>`` or ``<token:token>`` needs no
entry anywhere. A parameter with neither (a regular expression's group, a converter unknown
here) fails the walk with a message naming the route and the parameter.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import get_converters
from django.urls.resolvers import RegexPattern

ROUTE_PARAM = re.compile(r"<(?:[^>:]+:)?(?P<name>[^>]+)>")
REGEX_PARAM = re.compile(r"\(\?P<(?P<name>\w+)>(?:[^()]|\([^()]*\))*\)")
REGEX = "regex"  # the "converter" of a regular expression's named group: none to derive from

# A valid value per converter (the names registered with django.urls.register_converter).
CONVERTER_VALUES = {
    "slug": "demo",  # the demo seminar (seed_demo)
    # An id: 1 may or may not exist, and a 404 is a fine answer; a name whose value must be an
    # existing object (the upload in progress, the demo's session) is in the `named` table.
    "id": "1",
    "int": "1",
    "uuid": "00000000-0000-4000-8000-000000000001",
    "token": "not-a-token",  # well-formed, signed by no one: the view's refusal is walked
    "path": "nothing",
    # Any text matches <str>. Django Ninja writes the API's {webhook_id} as <webhook_id> and
    # validates the type in the view, so a number reaches past that validation.
    "str": "1",
}


@dataclass(frozen=True)
class Route:
    template: str  # "seminars/{slug}/sessions/{session_id}/live/"
    name: str  # "live:room"
    params: tuple[str, ...]
    converters: tuple[tuple[str, str], ...] = ()  # (("slug", "slug"), ("session_id", "id"))

    def fill(self, values: dict[str, str]) -> str:
        return "/" + self.template.format_map(values)


def _as_template(pattern) -> str:
    text = str(pattern.pattern)
    if isinstance(pattern.pattern, RegexPattern):
        text = REGEX_PARAM.sub(lambda m: "{" + m["name"] + "}", text.strip("^$"))
        return text.replace("\\", "").rstrip("$")
    escaped = text.replace("{", "{{").replace("}", "}}")
    return ROUTE_PARAM.sub(lambda m: "{" + m["name"] + "}", escaped)


@cache
def _converter_names() -> dict[type, str]:
    return {type(converter): name for name, converter in get_converters().items()}


def _converters(pattern) -> dict[str, str]:
    """Each parameter of one pattern (not its includes) and its converter's registered name."""
    if isinstance(pattern.pattern, RegexPattern):
        return dict.fromkeys(pattern.pattern.regex.groupindex, REGEX)
    names = _converter_names()
    return {
        param: names.get(type(converter), type(converter).__name__)
        for param, converter in getattr(pattern.pattern, "converters", {}).items()
    }


def routes(
    resolver=None, prefix: str = "", namespace: tuple = (), converters: tuple = ()
) -> Iterator[Route]:
    """Every pattern, recursively through included URLconfs and namespaces."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        template = prefix + _as_template(pattern)
        known = (*converters, *_converters(pattern).items())
        if isinstance(pattern, URLResolver):
            inner = (*namespace, pattern.namespace) if pattern.namespace else namespace
            yield from routes(pattern, template, inner, known)
        elif isinstance(pattern, URLPattern):
            name = ":".join((*namespace, pattern.name or pattern.lookup_str))
            params = tuple(re.findall(r"{(\w+)}", template))
            yield Route(template=template, name=name, params=params, converters=known)


@cache
def _typed_elsewhere() -> dict[str, str]:
    """A name's converter where some route types it (the API's untyped <slug> is a seminar's
    slug, as <slug:slug> says everywhere else)."""
    typed: dict[str, str] = {}
    for route in routes():
        for param, converter in route.converters:
            if converter in CONVERTER_VALUES and converter != "str":
                typed.setdefault(param, converter)
    return typed


class NoValidValueError(LookupError):
    """A URL parameter the walk cannot fill: its message names the route and the parameter."""


def path_values(
    route: Route, *, named: dict[str, str], by_route: dict[str, dict[str, str]]
) -> dict[str, str]:
    """A valid value for every parameter of the route (see the module's docstring)."""
    values: dict[str, str] = {}
    own = by_route.get(route.name, {})
    for param, converter in dict(route.converters).items():
        if converter == "str":
            converter = _typed_elsewhere().get(param, converter)
        if param in own:
            values[param] = own[param]
        elif param in named:
            values[param] = named[param]
        elif converter in CONVERTER_VALUES:
            values[param] = CONVERTER_VALUES[converter]
        else:
            raise NoValidValueError(
                f"route {route.name!r} (/{route.template}): URL parameter {param!r} has "
                f"converter {converter!r}, which gives no valid value; add one for "
                f"{param!r} to `valid` (or to `by_name` for this route) in "
                "tests/inputs/conftest.py"
            )
    return values
