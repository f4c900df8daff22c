"""Server processes' liveness: the connections of a process that stopped beating stop
counting towards the per-person limit within the window and are swept, their stays closed
at the process's last beat; a live process's connections keep counting and stay."""

import asyncio
import uuid
from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from django.db import connection
from django.utils import timezone

from live import groups
from live.errors import LiveError
from live.models import Attendance, LiveConnection, LiveProcess
from live.rooms import Viewer
from live.selectors import presence_counts, room_load
from live.services import (
    attendance_join,
    attendance_leave,
    process_beat,
    processes_sweep,
)
from live.transport import heartbeat
from live.transport.heartbeat import Heartbeat
from live.transport.hub import CLOSE_RECONNECT
from tests.live.live_helpers import live_outlet, live_room_data, live_socket, server_process

# The SET LOCAL that lets PostgreSQL commit a connection row without waiting for the disk.
PG = 1 if connection.vendor == "postgresql" else 0


@pytest.fixture
def room_data(transactional_db):
    return live_room_data()


def viewer_of(user) -> Viewer:
    return Viewer(level=groups.ATTENDEE, person_key=f"u{user.pk}", name="", user_id=user.pk,
                  agency_id=None)  # fmt: skip


def join(room_data, user, process: uuid.UUID) -> uuid.UUID:
    tab = uuid.uuid4()
    room = room_load(session_id=room_data.session.pk)
    attendance_join(room=room, viewer=viewer_of(user), connection_id=tab, process_id=process)
    return tab


def beat_ago(process: uuid.UUID, seconds: float, now=None) -> None:
    now = now or timezone.now()
    LiveProcess.objects.filter(pk=process).update(beat_at=now - timedelta(seconds=seconds))


def stay_began_ago(user, seconds: float, now=None) -> None:
    began = (now or timezone.now()) - timedelta(seconds=seconds)
    Attendance.objects.filter(user=user).update(present_since=began, first_joined_at=began)


@pytest.mark.parametrize(("beat_seconds_ago", "counted"), [(0, True), (4, True), (8, False)])
def test_a_process_s_connections_count_until_it_misses_the_window(
    room_data, settings, beat_seconds_ago, counted
):
    settings.LIVE_MAX_CONNECTIONS_PER_PERSON = 2
    crashed = server_process()
    for _tab in range(2):
        join(room_data, room_data.vendor, crashed)
    beat_ago(crashed, beat_seconds_ago)  # the window (LIVE_PROCESS_DEAD_AFTER) is 6 s
    restarted = server_process()
    if counted:
        with pytest.raises(LiveError) as refused:
            join(room_data, room_data.vendor, restarted)
        assert refused.value.close_code == 4429
    else:
        join(room_data, room_data.vendor, restarted)
        join(room_data, room_data.vendor, restarted)
        with pytest.raises(LiveError):  # the new process's own tabs count
            join(room_data, room_data.vendor, restarted)
    assert LiveConnection.objects.filter(process_id=crashed).count() == 2  # left to the sweep


def test_the_window_is_a_setting(room_data, settings):
    settings.LIVE_MAX_CONNECTIONS_PER_PERSON = 1
    settings.LIVE_PROCESS_DEAD_AFTER = 30
    crashed = server_process()
    join(room_data, room_data.vendor, crashed)
    beat_ago(crashed, 20)
    with pytest.raises(LiveError):
        join(room_data, room_data.vendor, server_process())


def test_sweep_closes_a_dead_process_s_connections_at_its_last_beat(room_data):
    crashed, alive = server_process(), server_process()
    join(room_data, room_data.vendor, crashed)
    join(room_data, room_data.vendor, crashed)
    join(room_data, room_data.vendor2, alive)
    now = timezone.now()
    stay_began_ago(room_data.vendor, 600, now)
    stay_began_ago(room_data.vendor2, 600, now)
    beat_ago(crashed, 300, now)
    last_beat = LiveProcess.objects.get(pk=crashed).beat_at

    assert processes_sweep() == 2
    gone = Attendance.objects.get(user=room_data.vendor)
    assert gone.present_since is None
    assert gone.seconds_present == 300  # until the last beat, not until the sweep
    assert gone.last_left_at == last_beat
    assert not LiveConnection.objects.filter(process_id=crashed).exists()
    assert not LiveProcess.objects.filter(pk=crashed).exists()
    # The live process, its connection and the stay it keeps open are untouched.
    kept = Attendance.objects.get(user=room_data.vendor2)
    assert kept.present_since is not None and kept.seconds_present == 0
    assert LiveConnection.objects.filter(process_id=alive).count() == 1
    assert presence_counts(session_ids=[room_data.session.pk]) == {room_data.session.pk: 1}
    assert processes_sweep() == 0


def test_sweep_in_batches_closes_every_stay(room_data, monkeypatch):
    from live.services import processes

    monkeypatch.setattr(processes, "_BATCH", 1)
    crashed = server_process()
    people = (room_data.vendor, room_data.vendor2, room_data.vendor3)
    for person in people:
        join(room_data, person, crashed)
    now = timezone.now()
    Attendance.objects.update(present_since=now - timedelta(seconds=100))
    LiveProcess.objects.filter(pk=crashed).update(beat_at=now - timedelta(seconds=40))
    assert processes_sweep() == 3
    assert [a.seconds_present for a in Attendance.objects.order_by("pk")] == [60, 60, 60]
    assert not Attendance.objects.filter(present_since__isnull=False).exists()


def test_a_person_back_on_another_process_before_the_sweep_has_both_stays_right(room_data):
    crashed, restarted = server_process(), server_process()
    join(room_data, room_data.vendor, crashed)
    now = timezone.now()
    stay_began_ago(room_data.vendor, 600, now)
    beat_ago(crashed, 300, now)

    tab = join(room_data, room_data.vendor, restarted)
    back = Attendance.objects.get(user=room_data.vendor)
    assert back.seconds_present == 300  # the first stay, closed at the crashed process's beat
    assert back.joins == 2
    assert back.present_since > timezone.now() - timedelta(seconds=60)

    assert processes_sweep() == 1
    swept = Attendance.objects.get(user=room_data.vendor)
    assert swept.present_since == back.present_since  # the new stay is not closed
    assert swept.seconds_present == 300
    attendance_leave(connection_id=tab)
    assert Attendance.objects.get(user=room_data.vendor).present_since is None


def test_leaving_the_last_live_tab_closes_the_stay_now_despite_dead_rows(room_data):
    crashed, alive = server_process(), server_process()
    join(room_data, room_data.vendor, crashed)
    tab = join(room_data, room_data.vendor, alive)
    now = timezone.now()
    stay_began_ago(room_data.vendor, 600, now)
    beat_ago(crashed, 300, now)

    attendance_leave(connection_id=tab)
    left = Attendance.objects.get(user=room_data.vendor)
    assert left.present_since is None
    assert 599 <= left.seconds_present <= 660  # the live tab was open until now
    assert processes_sweep() == 1
    assert Attendance.objects.get(user=room_data.vendor).seconds_present == left.seconds_present


def test_orphans_are_swept_as_of_their_opening_and_young_ones_are_kept(room_data):
    gone = uuid.uuid4()  # a process whose row a sweep deleted while it opened these
    old, young = join(room_data, room_data.vendor, gone), join(room_data, room_data.vendor2, gone)
    now = timezone.now()
    stay_began_ago(room_data.vendor, 600, now)
    LiveConnection.objects.filter(pk=old).update(opened_at=now - timedelta(seconds=60))

    assert processes_sweep() == 0  # orphans only when asked
    assert processes_sweep(orphans=True) == 1
    assert Attendance.objects.get(user=room_data.vendor).seconds_present == 540
    assert list(LiveConnection.objects.values_list("pk", flat=True)) == [young]


def test_a_process_beats_into_its_own_row_and_says_when_it_was_gone(db):
    process, started = uuid.uuid4(), timezone.now()
    assert process_beat(process_id=process, started_at=started) is False  # first beat
    first = LiveProcess.objects.get(pk=process).beat_at
    assert process_beat(process_id=process, started_at=started) is True
    assert LiveProcess.objects.get(pk=process).beat_at >= first
    assert LiveProcess.objects.count() == 1
    LiveProcess.objects.all().delete()  # as a sweep does
    assert process_beat(process_id=process, started_at=started) is False
    assert LiveProcess.objects.get(pk=process).started_at == started


def test_connect_and_leave_cost_no_more_queries_with_dead_rows(
    room_data, django_assert_num_queries
):
    crashed, alive = server_process(), server_process()
    join(room_data, room_data.vendor, crashed)
    join(room_data, room_data.vendor, alive)
    beat_ago(crashed, 60)
    room = room_load(session_id=room_data.session.pk)
    tab = uuid.uuid4()
    # Begin, lock the attendance, read its connections with their beats, insert, commit
    # (SQLite logs its BEGIN and COMMIT; PostgreSQL adds its SET LOCAL): as before.
    with django_assert_num_queries(5 + PG):
        attendance_join(
            room=room, viewer=viewer_of(room_data.vendor), connection_id=tab, process_id=alive
        )
    # Begin, find, lock, delete, any live connection left (yes, the other tab), commit.
    with django_assert_num_queries(6 + PG):
        attendance_leave(connection_id=tab)
    assert Attendance.objects.get(user=room_data.vendor).present_since is not None


def test_heartbeat_sweeps_only_after_beating_a_whole_window_itself(room_data):
    crashed = server_process()
    join(room_data, room_data.vendor, crashed)
    beat_ago(crashed, 60)
    lost = []

    async def run():
        beats = Heartbeat(on_lost=lambda: lost.append(True))
        await beats.tick()  # this process may itself have been paused with the others
        assert await database_sync_to_async(LiveProcess.objects.filter(pk=crashed).exists)()
        beats.beating_since -= 7  # as if it had beaten without a break for 7 s
        await beats.tick()

    asyncio.run(run())
    assert not LiveProcess.objects.filter(pk=crashed).exists()
    assert not LiveConnection.objects.filter(process_id=crashed).exists()
    assert LiveProcess.objects.filter(pk=heartbeat.PROCESS_ID).exists()
    assert lost == []


def test_a_process_taken_for_dead_closes_its_sockets_so_they_reconnect(transactional_db):
    lost = []

    async def run():
        beats = Heartbeat(on_lost=lambda: lost.append(True))
        await beats.tick()
        await database_sync_to_async(LiveProcess.objects.all().delete)()  # a first run: no news
        beats.start()
        beats.stop()
        await beats.tick()
        assert lost == []
        await database_sync_to_async(LiveProcess.objects.all().delete)()  # swept mid-run
        await beats.tick()

    asyncio.run(run())
    assert lost == [True]


def test_outlet_close_sends_the_given_code_once():
    sent = []

    async def run():
        async def send(message):
            sent.append(message)

        outlet = live_outlet(send, "u1", limit=10)
        outlet.release(0)
        outlet.close(CLOSE_RECONNECT)
        outlet.close(CLOSE_RECONNECT)
        outlet.push("after")

    asyncio.run(run())
    assert sent == [{"type": "websocket.close", "code": CLOSE_RECONNECT}]


async def test_a_socket_is_refused_for_a_live_process_s_tabs_not_for_a_dead_one_s(
    room_data, settings
):
    settings.LIVE_MAX_CONNECTIONS_PER_PERSON = 2

    def two_tabs_on(seconds_ago: float) -> uuid.UUID:
        LiveConnection.objects.all().delete()
        process = server_process()
        join(room_data, room_data.vendor, process)
        join(room_data, room_data.vendor, process)
        beat_ago(process, seconds_ago)
        return process

    await database_sync_to_async(two_tabs_on)(1)
    async with live_socket(room_data.session.pk, user=room_data.vendor, expect_open=False) as c:
        assert c.close_code == 4429
    crashed = await database_sync_to_async(two_tabs_on)(30)
    async with live_socket(room_data.session.pk, user=room_data.vendor) as client:
        assert client.hello["type"] == "hello"
        assert client.sync["presence"] == 1
    remaining = LiveConnection.objects.filter(process_id=crashed).count
    assert await database_sync_to_async(remaining)() == 2
