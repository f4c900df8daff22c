"""Every URL pattern, walked with malformed parameters and query strings, as anonymous and as
each kind of user: no input may cause a server error (HTTP 5xx or an exception)."""

import re
import time
import traceback
from itertools import cycle

from django.urls import Resolver404, resolve, reverse

from tests.inputs.conftest import ROLES, count, log_in, route_values
from tests.inputs.walk import Route, routes

# What a careless user or an attacker puts where an id, a slug or a token belongs.
BAD_PATH_VALUES = [
    "-1",
    "2147483648",
    "9223372036854775808",
    "99999999999999999999",
    "1" * 400,
    "²",
    "١٢٣",
    "1.5",
    "%00",
    "a%00b",
    "../../etc/passwd",
    "..%2F..%2Fetc%2Fpasswd",
    "x" * 3000,
    "bad slug",
    "%F0%9F%92%A3",
    "%FF",
    "%0D%0ASet-Cookie:%20a=b",
    "eyJ0eXAiOiJKV1QifQ:1vZ:abc",
]
BAD_QUERY_VALUES = [
    "²",
    "١٢",
    "99999999999999999999",
    "-1",
    "",
    "%00",
    "9999-12-31",
    "0001-01-01",
    "10000-01-01",
    "x" * 3000,
    "../../etc/passwd",
    "%FF%FE",
    "1e400",
    "nan",
    "%0D%0AX-Evil:%201",
    "a&{name}=b",  # the same parameter twice
]
# Query parameters the code reads; the fields of each page's GET forms are added to these.
QUERY_NAMES = ["agency", "on", "tz", "offset", "page", "next", "q", "fmt", "columns", "status"]
FORM_FIELD = re.compile(r'<(?:input|select|textarea)[^>]*\bname="([^"]+)"', re.S)
GET_FORM = re.compile(r'<form(?![^>]*method="post")[^>]*>(.*?)</form>', re.S | re.I)
# Slow pages (a registration form renders in about a quarter of a second here) get their
# query strings time-boxed, never fewer than one request per malformed value.
QUERY_SECONDS_PER_ROUTE = 0.3


class Walk:
    def __init__(self, world):
        self.world = world
        self.sent = 0
        self.failures: list[str] = []

    def send(self, client, role: str, url: str) -> int | None:
        self.sent += 1
        try:
            response = client.get(url)
        except Exception:  # noqa: BLE001 - every exception of a view is a finding to report
            where = "".join(traceback.format_exc().splitlines(keepends=True)[-6:])
            self.failures.append(f"{role} GET {url[:200]}\n{where}")
            return None
        if response.status_code >= 500:
            self.failures.append(f"{role} GET {url[:200]} -> {response.status_code}")
        return response.status_code

    def route(self, route: Route) -> None:
        clients = {role: log_in(self.world, role) for role in ROLES}
        values = route_values(self.world, route)
        for param in route.params:
            for bad in BAD_PATH_VALUES:
                url = route.fill({**values, param: bad})
                # The resolver refuses it before any view or user is involved: send it once.
                reached = ROLES if _resolves(url) else ROLES[:1]
                for role in reached:
                    self.send(clients[role], role, url)
        url = route.fill(values)
        if url in {
            reverse("accounts:sign_out"),
            reverse("accounts:sign_out_everywhere"),
            reverse("accounts:delete"),
            reverse("admin:logout"),
        }:
            return
        readers = [role for role in ROLES if self._page_ok(clients[role], url)]
        if readers:
            self.query_strings(clients, readers, url, _query_names(clients[readers[-1]], url))

    def query_strings(self, clients, readers: list[str], url: str, names: list[str]) -> None:
        """Each name with each malformed value, the kinds of user who can read the page
        taking turns; all names at once first, so every value reaches every page."""
        started = time.perf_counter()
        turns = cycle(readers)
        everything = [
            "&".join(f"{name}={bad.format(name=name)}" for name in names)
            for bad in BAD_QUERY_VALUES
        ]
        one_by_one = [
            f"{name}={bad.format(name=name)}" for name in names for bad in BAD_QUERY_VALUES
        ]
        for index, query in enumerate(everything + one_by_one):
            if index >= len(everything) and time.perf_counter() - started > QUERY_SECONDS_PER_ROUTE:
                return
            role = next(turns)
            self.send(clients[role], role, f"{url}?{query}")

    def _page_ok(self, client, url: str) -> bool:
        return self.send(client, "", url) == 200


def _resolves(url: str) -> bool:
    try:
        resolve(url.split("?")[0])
    except Resolver404:
        return False
    return True


def _query_names(client, url: str) -> list[str]:
    response = client.get(url)
    if "html" not in response.get("Content-Type", ""):
        return QUERY_NAMES
    fields = {name for form in GET_FORM.findall(response.text) for name in FORM_FIELD.findall(form)}
    return QUERY_NAMES + sorted(fields - set(QUERY_NAMES) - {"csrfmiddlewaretoken"})


def test_every_url_pattern_survives_malformed_parameters_for_every_kind_of_user(world):
    walk = Walk(world)
    for route in routes():
        walk.route(route)
    count("URL walk", inputs=walk.sent, errors=len(walk.failures))
    failures = walk.failures
    assert not failures, f"{len(failures)} server errors:\n\n" + "\n\n".join(failures[:15])
    assert walk.sent >= 6000
