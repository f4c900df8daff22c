"""Every URL pattern of the project, as templates whose parameters can be filled in."""

import re
from collections.abc import Iterator
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern

ROUTE_PARAM = re.compile(r"<(?:[^>:]+:)?(?P<name>[^>]+)>")
REGEX_PARAM = re.compile(r"\(\?P<(?P<name>\w+)>(?:[^()]|\([^()]*\))*\)")


@dataclass(frozen=True)
class Route:
    template: str  # "seminars/{slug}/sessions/{session_id}/live/"
    name: str  # "live:room"
    params: tuple[str, ...]

    def fill(self, values: dict[str, str]) -> str:
        return "/" + self.template.format_map(values)


def _as_template(pattern) -> str:
    text = str(pattern.pattern)
    if isinstance(pattern.pattern, RegexPattern):
        text = REGEX_PARAM.sub(lambda m: "{" + m["name"] + "}", text.strip("^$"))
        return text.replace("\\", "").rstrip("$")
    escaped = text.replace("{", "{{").replace("}", "}}")
    return ROUTE_PARAM.sub(lambda m: "{" + m["name"] + "}", escaped)


def routes(resolver=None, prefix: str = "", namespace: tuple = ()) -> Iterator[Route]:
    """Every pattern, recursively through included URLconfs and namespaces."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        template = prefix + _as_template(pattern)
        if isinstance(pattern, URLResolver):
            inner = (*namespace, pattern.namespace) if pattern.namespace else namespace
            yield from routes(pattern, template, inner)
        elif isinstance(pattern, URLPattern):
            name = ":".join((*namespace, pattern.name or pattern.lookup_str))
            params = tuple(re.findall(r"{(\w+)}", template))
            yield Route(template=template, name=name, params=params)
