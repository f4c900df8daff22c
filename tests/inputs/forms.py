"""The forms a user can send, found on the pages of every URL pattern as each kind of user,
and the JSON endpoints (which no page shows as a form), with the fields each one reads."""

import html
import re
from dataclasses import dataclass, field

from django.test import Client

from tests.inputs.walk import path_values, routes

FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S | re.I)
ATTR = re.compile(r'(\w[\w-]*)="([^"]*)"')
TAGS = "input|select|textarea|button"
CONTROL = re.compile(rf"<({TAGS})\b([^>]*)>(.*?)(?=<(?:{TAGS})\b|</form>|$)", re.S | re.I)
OPTION = re.compile(r'<option\b[^>]*value="([^"]*)"', re.I)


@dataclass(frozen=True)
class Endpoint:
    role: str
    method: str  # "get", "post", "put" or "json" (a POST with a JSON object)
    url: str
    # field name -> values the page offers (options, checkbox values, its current value)
    fields: tuple[tuple[str, tuple[str, ...]], ...] = field(default=())

    @property
    def names(self) -> list[str]:
        return [name for name, _values in self.fields]


def _fields(body: str) -> tuple:
    found: dict[str, set[str]] = {}
    for tag, attrs, rest in CONTROL.findall(body):
        attributes = dict(ATTR.findall(attrs))
        name = attributes.get("name")
        if not name or name == "csrfmiddlewaretoken":
            continue
        values = found.setdefault(html.unescape(name), set())
        if "value" in attributes:
            values.add(html.unescape(attributes["value"]))
        if tag.lower() == "select":
            values.update(html.unescape(v) for v in OPTION.findall(rest.split("</select>")[0]))
    return tuple(sorted((name, tuple(sorted(values))) for name, values in found.items()))


def forms_on(client: Client, role: str, page: str, skip: set[str]) -> set[Endpoint]:
    response = client.get(page)
    if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
        return set()
    found = set()
    for attrs, body in FORM.findall(response.text):
        attributes = dict(ATTR.findall(attrs))
        action = html.unescape(attributes.get("action") or page).split("#")[0]
        method = attributes.get("method", "get").lower()
        if action.startswith("/") and action.split("?")[0] not in skip:
            found.add(Endpoint(role, method, action, _fields(body)))
    return found


def page_forms(world, log_in, roles, skip: set[str]) -> list[Endpoint]:
    """Every form on every page (every URL pattern with valid parameters), as each role."""
    found: set[Endpoint] = set()
    for role in roles:
        client = log_in(world, role)
        for route in routes():
            values = path_values(route, named=world["valid"], by_route=world["by_name"])
            if route.name.startswith("admin:") or "join" in route.name:
                continue  # the admin is Django's; a join link would change who the client is
            found |= forms_on(client, role, route.fill(values), skip)
    merged: dict[tuple, dict[str, set]] = {}
    for endpoint in found:  # one endpoint per role, method and address: all fields seen
        fields = merged.setdefault((endpoint.role, endpoint.method, endpoint.url.split("?")[0]), {})
        for name, offered in endpoint.fields:
            fields.setdefault(name, set()).update(offered)
    return [
        Endpoint(role, method, url, tuple((n, tuple(sorted(v))) for n, v in sorted(f.items())))
        for (role, method, url), f in sorted(merged.items())
    ]
