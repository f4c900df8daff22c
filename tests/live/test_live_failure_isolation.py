"""A failure while delivering never stops a room: one broken socket is logged, counted and
closed while every other socket gets every event; a feed whose event could not be delivered
keeps reading (it used to end its reader task, and the room went silent in that process)."""

import asyncio
import logging

from channels.layers import InMemoryChannelLayer

from live import groups
from live.transport import hub
from live.transport.broadcast import MESSAGE_TYPE
from live.transport.hub import Feed, Hub, Outlet
from tests.live.live_helpers import live_outlet


class BrokenOutlet(Outlet):
    __slots__ = ()

    def push_live(self, seq, text, prepared=None):
        raise RuntimeError("this socket's transport is broken")


def _frame(seq: int) -> dict:
    return {"type": MESSAGE_TYPE, "seq": seq, "frame": f'{{"type":"seq","seq":{seq}}}'}


def _outlets(count: int, received: list, *, broken_at: int) -> list[Outlet]:
    def sender(n):
        async def send(message):
            received.append((n, message.get("text"), message.get("code")))

        return send

    outlets = []
    for n in range(count):
        outlet = (
            BrokenOutlet(sender(n), f"u{n}") if n == broken_at else live_outlet(sender(n), f"u{n}")
        )
        outlet.release(0)
        outlets.append(outlet)
    return outlets


def test_one_socket_failing_does_not_stop_the_others(caplog):
    before = hub.FAILURES["socket"]
    received: list = []

    async def run():
        outlets = _outlets(100, received, broken_at=37)
        feed = Feed(1, "attendees")
        for outlet in outlets:
            feed.outlets[outlet] = None
        with caplog.at_level(logging.ERROR, logger="live.transport.hub"):
            feed.deliver(_frame(1))
            feed.deliver(_frame(2))
        await asyncio.sleep(0)  # let the broken socket's close be written
        return outlets

    outlets = asyncio.run(run())
    texts = [(n, text) for n, text, _code in received if text]
    assert len(texts) == 2 * 99 and all(n != 37 for n, _ in texts)
    assert {text for _, text in texts} == {'{"type":"seq","seq":1}', '{"type":"seq","seq":2}'}
    assert outlets[37].closed and outlets[37].close_code == hub.CLOSE_INTERNAL_ERROR
    assert (37, None, hub.CLOSE_INTERNAL_ERROR) in received
    assert hub.FAILURES["socket"] - before == 2
    assert f"live feed {groups.group_name(1, 'attendees')}: delivering seq 1" in caplog.text
    assert "socket u37" in caplog.text


def test_a_feed_keeps_reading_after_an_event_it_could_not_deliver(caplog):
    before = hub.FAILURES["feed"]
    received: list = []

    async def run():
        layer = InMemoryChannelLayer()
        room = Hub(layer)
        room.heartbeat.start = lambda: None  # no database in this test: no heartbeat
        outlets = _outlets(3, received, broken_at=-1)
        for outlet in outlets:
            await room.attach(9, "attendees", outlet)
        group = groups.group_name(9, "attendees")
        feed = room.feeds[group]
        with caplog.at_level(logging.ERROR, logger="live.transport.hub"):
            # An event the feed cannot deliver (a message without its frame)...
            await layer.group_send(group, {"type": MESSAGE_TYPE, "seq": 1})
            # ...and the next one, which must still reach every socket.
            await layer.group_send(group, _frame(2))
            for _ in range(100):
                if len(received) == 3:
                    break
                await asyncio.sleep(0.01)
        alive = not feed.task.done()
        for outlet in outlets:
            await room.detach(9, "attendees", outlet)
        if room.ticker is not None:
            room.ticker.cancel()
        return alive

    assert asyncio.run(run()) is True
    assert sorted(n for n, _text, _code in received) == [0, 1, 2]
    assert {text for _n, text, _code in received} == {'{"type":"seq","seq":2}'}
    assert hub.FAILURES["feed"] - before == 1
    assert "delivering seq 1 failed; the feed goes on" in caplog.text
