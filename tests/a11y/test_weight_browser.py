"""Pages on a weak connection: bytes on a first visit (empty cache), compressed, not counting
video, within budget; and the time until each page is usable over an emulated 400 kbit/s link
with 400 ms latency, written to a report (never asserted: figures go to BENCHMARKS.md).

Bytes are each response's body gzipped here (level 6, what nginx's gzip sends in
deploy/nginx.conf), so the figure does not depend on whether this test server compresses.
"""

import gzip
import json
import os
import time
from pathlib import Path

import pytest

from tests.a11y.conftest import open_context

pytestmark = [pytest.mark.browser, pytest.mark.slow]

KB = 1024
# (name, role, path key, budget in bytes, what "usable" waits for)
BUDGETS = [
    ("agenda", "anonymous", "/seminars/demo/", 30 * KB, "load"),
    ("registration form", "anonymous", "/seminars/demo/register/", 25 * KB, "load"),
    ("live room", "vendor", "room", 40 * KB, "#connection-state[data-state=open]"),
]
VIDEO = (".ts", ".m3u8", ".mp4", ".m4s", ".vtt")
REPORT = Path(os.environ.get("OPENIPS_WEAK_LINK_REPORT", "/tmp/openips-weak-link.json"))


def _path(server, key: str) -> str:
    return server["room"] if key == "room" else key


def _visit(browser, server, signed_in, role, path, usable):
    """Bytes per URL (gzipped) and the scripts requested, on a first visit."""
    context = open_context(browser, server, signed_in, role, "en")
    page = context.new_page()
    bodies: dict[str, int] = {}

    def record(response):
        url = response.url
        if url.split("?")[0].endswith(VIDEO) or response.request.resource_type == "media":
            return
        try:
            bodies[url] = len(gzip.compress(response.body(), 6))
        except Exception:  # noqa: BLE001 - a redirect or aborted response has no body
            bodies.setdefault(url, 0)

    page.on("response", record)
    page.goto(server["base"] + path)
    _wait_usable(page, usable)
    page.wait_for_timeout(500)
    context.close()
    return bodies


def _wait_usable(page, usable: str) -> None:
    if usable == "load":
        page.wait_for_load_state("load")
    else:
        page.locator(usable).wait_for()


@pytest.mark.parametrize(("name", "role", "key", "budget", "usable"), BUDGETS)
def test_first_visit_stays_within_its_byte_budget(
    browser, server, signed_in, name, role, key, budget, usable
):
    bodies = _visit(browser, server, signed_in, role, _path(server, key), usable)
    total = sum(bodies.values())
    assert bodies, "nothing was recorded"
    assert total <= budget, f"{name}: {total} B compressed > {budget} B: {bodies}"
    # hls.js (about 190 KB) is loaded only when playback starts.
    assert not [url for url in bodies if "hls.min.js" in url]


def test_time_until_usable_over_a_400_kbit_link_is_reported(browser, server, signed_in):
    figures = {}
    for name, role, key, _budget, usable in BUDGETS:
        context = open_context(browser, server, signed_in, role, "en")
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send(
            "Network.emulateNetworkConditions",
            {
                "offline": False,
                "latency": 400,
                "downloadThroughput": 400_000 / 8,
                "uploadThroughput": 400_000 / 8,
            },
        )
        started = time.monotonic()
        page.goto(server["base"] + _path(server, key), timeout=120_000)
        _wait_usable(page, usable)
        figures[name] = round(time.monotonic() - started, 2)
        context.close()
    REPORT.write_text(json.dumps({"link": "400 kbit/s, 400 ms", "seconds": figures}, indent=2))
    assert set(figures) == {name for name, *_ in BUDGETS}
