"""What differs between the three servers: URL, headers, frames, how events are published.

Events are the two kinds a live Q&A produces most: a new approved question (about 300
bytes of JSON) and a vote count change (about 80 bytes); four in five are questions.
Every event has a key; the publisher returns {key: (index, send time)} and the load
generator matches received frames to it by key.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import orjson
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect as sync_connect

QUESTION_TEXT = (
    "Our firm supplies solar water pumps in the Sahel. Does the agency accept bids from "
    "suppliers without prior UN registration, and which UNGM level is needed for a tender "
    "under the international competitive threshold? Bench question {index}."
)


@dataclass
class Target:
    """How a client talks to one server under test (picklable: sent to load workers)."""

    kind: str  # floor | naive | openips
    ports: list[int]
    path: str
    cookies: list[str] = field(default_factory=list)
    hello_frames: list[bytes] = field(default_factory=list)
    session_id: int = 0
    tokens: list[str] = field(default_factory=list)

    def path_for(self, cid: int, last_seq: int) -> str:
        if self.kind == "openips":
            from bench import openips_target

            return openips_target.path_for(self.session_id, self.tokens[cid], last_seq)
        return self.path

    def headers(self, cid: int, port: int) -> dict[str, str]:
        headers = {"Origin": f"http://127.0.0.1:{port}"}
        if self.cookies:
            headers["Cookie"] = self.cookies[cid % len(self.cookies)]
        return headers

    def hello(self, last_seq: int) -> list[bytes]:
        return list(self.hello_frames)

    def extract(self, obj) -> list:
        if self.kind == "openips":
            from bench import openips_target

            return openips_target.extract(obj)
        key = obj.get("k")
        return [] if key is None else [key]


def bench_event(index: int, sent_at: float) -> dict:
    """The index-th event of a run, as floor and naive publishers send it."""
    if index % 5 == 4:
        question_id = index - 1
        return {
            "type": "question.votes",
            "k": index,
            "t": sent_at,
            "id": question_id,
            "votes": index // 5 + 1,
        }
    return {
        "type": "question.approved",
        "k": index,
        "t": sent_at,
        "question": {
            "id": index,
            "text": QUESTION_TEXT.format(index=index),
            "language": "en",
            "asker": f"Vendor {index}",
            "agency": "UNICEF",
            "votes": 0,
            "state": "approved",
        },
    }


def paced(rate: float, duration: float):
    """Yield (index, send time) at `rate` per second for `duration` seconds (bounded)."""
    count = max(1, int(rate * duration))
    start = time.monotonic()
    for index in range(count):
        delay = start + index / rate - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        yield index, time.time()


class SocketPublisher:
    """Floor and naive: a WebSocket publisher connection that sends the events itself."""

    def __init__(self, port: int, path: str) -> None:
        self.port, self.path = port, path
        self.socket = self._connect()
        self.run = 0
        self.last_error: str | None = None

    def _connect(self):
        return sync_connect(
            f"ws://127.0.0.1:{self.port}{self.path}",
            origin=f"http://127.0.0.1:{self.port}",
            compression=None,
            open_timeout=30,
            legacy=True,  # a long-lived connection, not a `with` block (websockets >= 17.1)
        )

    def publish(self, *, rate: float, duration: float) -> dict:
        self.run += 1
        self.last_error = None
        table = {}
        for index, sent_at in paced(rate, duration):
            event = bench_event(index, sent_at)
            event["k"] = key = self.run * 1_000_000 + index
            try:
                self.socket.send(orjson.dumps(event).decode())
            except ConnectionClosed as exc:
                # The server dropped the publisher (the naive peer does when overloaded):
                # the step fails with this reason; the next step gets a new connection.
                self.last_error = f"publisher connection closed: {exc}"
                table[key] = (index, sent_at)  # sent, as far as the publisher knows: count it
                try:
                    self.socket = self._connect()
                except Exception as again:  # noqa: BLE001 - recorded; the next step fails fast
                    self.last_error += f"; reconnect failed: {again}"
                break
            table[key] = (index, sent_at)
        return table

    def close(self) -> None:
        self.socket.close()
