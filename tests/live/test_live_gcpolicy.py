"""The server's garbage-collector policy: freeze while sockets grow, thaw after churn."""

import gc

import pytest

from live.transport import gcpolicy
from tests.live.live_helpers import live_outlet


@pytest.fixture
def calls(monkeypatch):
    seen = []
    monkeypatch.setattr(gc, "freeze", lambda: seen.append("freeze"))
    monkeypatch.setattr(gc, "unfreeze", lambda: seen.append("unfreeze"))
    monkeypatch.setattr(
        gc, "collect", lambda generation=2: seen.append(f"collect{generation}") or 0
    )
    return seen


def test_objects_are_frozen_only_while_the_number_of_sockets_grows(calls):
    heap = gcpolicy.SocketHeap()
    heap.tick(0)
    assert calls == []
    heap.tick(100)
    heap.tick(100)
    heap.tick(90)
    assert calls == ["collect1", "freeze"]
    heap.tick(250)
    assert calls == ["collect1", "freeze", "collect1", "freeze"]


def test_after_as_many_closes_as_open_sockets_everything_is_thawed_and_collected(calls):
    heap = gcpolicy.SocketHeap()
    heap.tick(3000)
    for _ in range(2999):
        heap.closed()
    heap.tick(3000)
    assert calls == ["collect1", "freeze"]  # fewer closed than open: bounded frozen garbage
    heap.closed()
    heap.tick(3000)
    assert calls == ["collect1", "freeze", "unfreeze", "collect2", "freeze"]
    assert heap.closed_since_thaw == 0


def test_a_small_process_is_not_collected_in_full_for_every_few_closes(calls):
    heap = gcpolicy.SocketHeap()
    heap.tick(10)
    for _ in range(gcpolicy.THAW_AFTER_CLOSED - 1):
        heap.closed()
    heap.tick(0)
    assert "collect2" not in calls
    heap.closed()
    heap.tick(0)
    assert calls[-3:] == ["unfreeze", "collect2", "freeze"]


def test_the_hub_counts_closed_sockets_and_ticks_the_policy(settings):
    import asyncio

    from live.transport.hub import Hub

    settings.LIVE_GC_FREEZE = True

    class Layer:
        async def new_channel(self):
            return "c"

        async def group_add(self, group, channel):
            pass

        async def group_discard(self, group, channel):
            pass

        async def receive(self, channel):
            await asyncio.Event().wait()

    async def send(message):
        pass

    async def run():
        hub = Hub(Layer())
        outlets = [live_outlet(send, f"u{n}") for n in range(3)]
        for outlet in outlets:
            await hub.attach(1, "attendees", outlet)
        await hub.detach(1, "attendees", outlets[0])
        await hub.detach(1, "attendees", outlets[0])  # twice: counted once
        closed = hub.heap.closed_since_thaw
        for outlet in outlets[1:]:
            await hub.detach(1, "attendees", outlet)
        return closed, hub.heap.closed_since_thaw

    assert asyncio.run(run()) == (1, 3)
