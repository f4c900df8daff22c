"""LIVE_TRANSPORT: auto takes the Daphne fast path when its self-check passes and falls back
to the portable transport with one WARNING naming what did not match; daphne with a failing
self-check refuses to start; portable runs no check at all."""

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from twisted.internet import tcp

from live.transport import choice, fastpath, portable

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def fresh_choice():
    choice.reset()
    yield
    choice.reset()


def _warnings(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_auto_takes_the_fast_path_when_every_internal_matches(settings, caplog):
    settings.LIVE_TRANSPORT = "auto"
    with caplog.at_level(logging.INFO):
        assert choice.start() == "daphne"
    assert choice.current() is fastpath
    assert _warnings(caplog) == []


def test_auto_falls_back_with_one_warning_on_a_version_it_was_not_checked_on(
    settings, caplog, monkeypatch
):
    settings.LIVE_TRANSPORT = "auto"
    monkeypatch.setitem(fastpath.VERSIONS, "daphne", "0.1")
    with caplog.at_level(logging.INFO):
        assert choice.start() == "portable"
    assert choice.current() is portable
    (warning,) = _warnings(caplog)
    assert warning.levelno == logging.WARNING and warning.name == "live.transport.choice"
    assert "version:daphne" in warning.getMessage() and "0.1" in warning.getMessage()
    assert "\n" not in warning.getMessage()


def test_auto_falls_back_with_one_warning_when_an_internal_changed(settings, caplog, monkeypatch):
    settings.LIVE_TRANSPORT = "auto"
    # Twisted's writeSomeData taking another argument, and autobahn's protocol losing a name.
    monkeypatch.setattr(tcp.Server, "writeSomeData", lambda self, data, flags: 0)
    from autobahn.websocket.protocol import WebSocketServerProtocol

    owner = next(c for c in WebSocketServerProtocol.__mro__ if "STATE_OPEN" in vars(c))
    monkeypatch.delattr(owner, "STATE_OPEN")
    with caplog.at_level(logging.INFO):
        assert choice.current() is portable
    (warning,) = _warnings(caplog)
    assert "twisted.internet.tcp.Server.writeSomeData" in warning.getMessage()
    assert "autobahn.WebSocketServerProtocol" in warning.getMessage()


def test_daphne_requested_with_a_failing_self_check_refuses_to_start(settings, monkeypatch):
    settings.LIVE_TRANSPORT = "daphne"
    monkeypatch.setitem(fastpath.VERSIONS, "twisted", "1.0")
    with pytest.raises(ImproperlyConfigured, match=r"LIVE_TRANSPORT=daphne.*version:twisted"):
        choice.start()


def test_daphne_requested_with_a_passing_self_check_runs_the_fast_path(settings):
    settings.LIVE_TRANSPORT = "daphne"
    assert choice.start() == "daphne"


def test_portable_runs_no_self_check(settings, monkeypatch, caplog):
    settings.LIVE_TRANSPORT = "portable"
    monkeypatch.setitem(fastpath.VERSIONS, "twisted", "1.0")
    assert choice.start() == "portable"
    assert _warnings(caplog) == []


def test_an_unknown_value_is_refused(settings):
    settings.LIVE_TRANSPORT = "fast"
    with pytest.raises(ImproperlyConfigured, match="auto, portable, daphne"):
        choice.start()


def test_the_asgi_application_refuses_to_load_with_a_bad_transport():
    """config/asgi.py chooses at start-up: a server never starts on a wrong choice."""
    env = {**os.environ, "LIVE_TRANSPORT": "fastest", "DJANGO_SETTINGS_MODULE": "config.settings"}
    result = subprocess.run(
        [sys.executable, "-c", "import config.asgi"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "LIVE_TRANSPORT must be one of auto, portable, daphne, not 'fastest'" in result.stderr


def test_only_the_fast_path_leaves_autobahns_connection_log_unformatted(settings, monkeypatch):
    import pprint

    from autobahn.websocket import protocol

    monkeypatch.setattr(protocol, "pformat", pprint.pformat)
    settings.LIVE_TRANSPORT = "portable"
    choice.start()
    assert protocol.pformat is pprint.pformat
    choice.reset()
    settings.LIVE_TRANSPORT = "daphne"
    choice.start()
    assert protocol.pformat is fastpath._pformat_when_logged
