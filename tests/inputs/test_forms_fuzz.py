"""Property-based: every form on every page and every JSON endpoint, sent generated values
as the kind of user whose validation code they reach, never answers with a server error."""

import inspect
import json

from django.db import transaction
from django.urls import resolve, reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.inputs.conftest import ROLES, count, log_in, route_values
from tests.inputs.forms import Endpoint, page_forms
from tests.inputs.walk import routes

HUGE = ["99999999999999999999", "9223372036854775808", "-1", "²", "١٢٣", "1e400", "0x10"]
NASTY = [
    "",
    " ",
    "\x00",
    "a\nb",
    "a\r\nX: y",
    "x" * 300,
    "9999-12-31",
    "0001-01-01",
    "10000-01-01",
    "25:61",
    "=1+1",
    "<script>",
    "../../etc/passwd",
    "\u202e",
    "null",
]
EXAMPLES = 2500  # generated submissions in all, shared out between the endpoints
TEXT = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=60)


def text_value(offered: tuple[str, ...]):
    """What a form field may receive: one of the page's own values, or anything else."""
    return st.one_of(
        st.sampled_from(offered) if offered else st.just(""),
        st.sampled_from(HUGE + NASTY),
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
        TEXT,
    )


JSON_SCALAR = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False),
    st.sampled_from(HUGE + NASTY),
    TEXT,
)
JSON_VALUE = st.one_of(
    JSON_SCALAR,
    st.lists(JSON_SCALAR, max_size=4),
    st.dictionaries(TEXT, JSON_SCALAR, max_size=3),
)


def json_endpoints(world) -> list[Endpoint]:
    """The JSON API (used by scripts, not forms): which role reaches its validation, which
    keys it reads, and sensible values so that the checks after the first one are reached."""
    session, upload, agency = world["session"], world["upload"], world["agency"]
    up = {"pk": upload.pk}
    start = (
        ("session", (str(session.pk),)),
        ("kind", ("slides", "video", "captions")),
        ("language", ("en", "fr")),
        ("title", ("Slides",)),
        ("filename", ("a.pdf",)),
        ("size", ("1000",)),
        ("agency", (str(agency.pk),)),
    )
    presentation = world["upload"].asset.presentation_id
    return [
        Endpoint("agency", "json", reverse("media_library:upload_start"), start),
        Endpoint(
            "agency",
            "json",
            reverse("media_library:upload_parts", kwargs=up),
            (("parts", ("1", "2")),),
        ),
        Endpoint(
            "agency",
            "put",
            reverse("media_library:upload_chunk", kwargs=up),
            (("offset", ("0", "10")),),
        ),
        Endpoint("agency", "json", reverse("media_library:upload_complete", kwargs=up)),
        Endpoint(
            "vendor",
            "json",
            reverse("media_library:watch_beacon"),
            (("presentation", (str(presentation),)), ("seconds", ("5",)), ("position", ("10",))),
        ),
        Endpoint(
            "organizer",
            "post",
            reverse("registration:check_in_scan", kwargs={"slug": "demo"}),
            (("code", ("ABC123",)),),
        ),
        Endpoint(
            "agency",
            "get",
            reverse("registration:leads_json", kwargs={"slug": "demo"}),
            (("agency", (str(agency.pk),)),),
        ),
    ]


def _send(client, endpoint: Endpoint, data: dict):
    if endpoint.method == "json":
        return client.post(endpoint.url, json.dumps(data), content_type="application/json")
    if endpoint.method == "put":
        url = f"{endpoint.url}?offset={data.get('offset', '')}"
        return client.put(url, data.get("body", b"x"), content_type="application/octet-stream")
    return getattr(client, endpoint.method if endpoint.method == "get" else "post")(
        endpoint.url, data
    )


def _values(endpoint: Endpoint):
    """Some of the endpoint's fields (each with a generated value) and, sometimes, a stray."""
    if endpoint.method == "json":
        fields = {
            name: JSON_VALUE | st.sampled_from(values or ("",)).map(_number_or_text)
            for name, values in endpoint.fields
        }
    else:
        fields = {
            name: text_value(values) | st.lists(text_value(values), max_size=3)
            for name, values in endpoint.fields
        }
    return st.fixed_dictionaries({}, optional=fields)


def _number_or_text(value: str):
    return int(value) if value.isascii() and value.isdigit() else value


def test_every_form_and_json_endpoint_refuses_generated_values_without_a_server_error(world):
    skip = {
        reverse("accounts:sign_out"),
        reverse("accounts:sign_out_everywhere"),
        reverse("accounts:delete"),
        reverse("admin:logout"),
    }
    endpoints = page_forms(world, log_in, ROLES, skip) + json_endpoints(world)
    clients = {role: log_in(world, role) for role in ROLES}
    sent = []
    assert {e.url.split("?")[0] for e in endpoints} >= {
        reverse("registration:register", kwargs={"slug": "demo"}),
        reverse("registration:consent", kwargs={"slug": "demo"}),
        reverse("registration:sign_in", kwargs={"slug": "demo"}),
        reverse("scheduling_seminar:planner", kwargs={"slug": "demo"}),
    }

    # Each one gets its share, none is left to chance. A form of buttons alone has one
    # possible submission, so hypothesis stops early: the fewest fields go first and what
    # they leave unused goes to the forms with more to try.
    ordered = sorted(endpoints, key=lambda e: (len(e.fields), e.url, e.role, e.method))
    for done, endpoint in enumerate(ordered):
        share = max(8, (EXAMPLES - len(sent)) // (len(ordered) - done))
        _drive(endpoint, clients[endpoint.role], sent, share)
    count("forms and JSON endpoints (hypothesis)", inputs=len(sent), errors=0)
    assert {(e.url, e.role) for e in sent} == {(e.url, e.role) for e in endpoints}
    assert len(sent) >= EXAMPLES * 0.9


def _drive(endpoint: Endpoint, client, sent: list, examples: int) -> None:
    @settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(values=_values(endpoint))
    def one_request(values):
        sent.append(endpoint)
        with transaction.atomic():  # each example starts from the same demo
            response = _send(client, endpoint, values)
            transaction.set_rollback(True)
        assert response.status_code < 500, (endpoint, values, response.status_code)

    one_request()


def test_every_view_that_reads_a_json_body_is_driven_by_the_property_test(world):
    """A new JSON endpoint is driven too, or this test names it."""
    driven = {resolve(e.url.split("?")[0]).func for e in json_endpoints(world)}
    reading = set()
    for route in routes():
        if route.template.startswith("api/v1/"):
            continue  # the API is driven from its schema: tests/api/test_schemathesis.py
        func = resolve(route.fill(route_values(world, route))).func
        source = inspect.getsource(inspect.unwrap(func))
        if "json_body(" in source or "json.loads(request" in source:
            reading.add(func)
    assert reading, "no view reads JSON: the scan itself is broken"
    assert reading <= driven, sorted(f.__name__ for f in reading - driven)
