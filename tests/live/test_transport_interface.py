"""The transport interface the domain uses (live/transport/__init__.py), on the transport of
this suite run (LIVE_TRANSPORT): attach/deliver/detach, holding live events during a
snapshot, and closing one person's sockets (role changes, sign-out everywhere)."""

import asyncio

from channels.layers import get_channel_layer

from live import groups, transport
from live.transport.broadcast import MESSAGE_TYPE
from tests.live.live_helpers import live_outlet


def _recorder(log: list):
    async def send(message):
        log.append(message)

    return send


async def _settle():
    for _ in range(5):
        await asyncio.sleep(0)


async def test_close_person_closes_only_that_persons_sockets_with_the_code():
    sent = {key: [] for key in ("ann-1", "ann-2", "bob")}
    outlets = {
        key: live_outlet(_recorder(sent[key]), key.split("-")[0])
        for key in ("ann-1", "ann-2", "bob")
    }
    feeds = {"ann-1": "moderators", "ann-2": "attendees", "bob": "moderators"}
    for key, outlet in outlets.items():
        transport.release(outlet, 0)
        await transport.attach(9001, feeds[key], outlet)
    try:
        assert transport.close_person("ann", 4010) == 2
        transport.deliver(outlets["bob"], {"type": "pong"})
        await _settle()
        assert sent["ann-1"] == [{"type": "websocket.close", "code": 4010}]
        assert sent["ann-2"] == [{"type": "websocket.close", "code": 4010}]
        assert sent["bob"] == [{"type": "websocket.send", "text": '{"type":"pong"}'}]
        assert transport.close_person("nobody", 4010) == 0
    finally:
        for key, outlet in outlets.items():
            await transport.detach(9001, feeds[key], outlet)


async def test_events_held_during_a_snapshot_follow_it_in_seq_order():
    sent: list = []
    outlet = live_outlet(_recorder(sent), "ann")
    transport.hold(outlet)
    await transport.attach(9002, "attendees", outlet)
    try:
        layer = get_channel_layer()
        group = groups.group_name(9002, "attendees")
        for seq in (4, 5):
            frame = f'{{"type":"seq","seq":{seq}}}'
            await layer.group_send(group, {"type": MESSAGE_TYPE, "seq": seq, "frame": frame})
        for _ in range(200):
            await asyncio.sleep(0.01)
            if outlet.held and len(outlet.held) == 2:
                break
        assert sent == []  # held, not sent, while the snapshot is read
        transport.deliver(outlet, {"type": "snapshot", "seq": 4})
        transport.release(outlet, 4)
        transport.synced(9002, "attendees", 4)
        await _settle()
        assert [m["text"] for m in sent] == [
            '{"type":"snapshot","seq":4}',
            '{"type":"seq","seq":5}',
        ]
    finally:
        await transport.detach(9002, "attendees", outlet)
    assert outlet.closed
