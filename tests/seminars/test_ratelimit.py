"""The shared limits: who the client is behind proxies, the fixed-window counter, the wait."""

import threading

import pytest
from django.core.cache import cache

from seminars import ratelimit
from seminars.ratelimit import RateLimitError, address_from, hit, wait_text


@pytest.mark.parametrize(
    ("remote", "forwarded", "proxies", "client"),
    [
        # No trusted proxy: the peer, whatever the header says.
        ("203.0.113.7", "10.0.0.1", 0, "203.0.113.7"),
        # One proxy (nginx appends the address it saw): the last entry.
        ("127.0.0.1", "203.0.113.7", 1, "203.0.113.7"),
        ("127.0.0.1", "10.6.6.6, 1.2.3.4, 203.0.113.7", 1, "203.0.113.7"),
        # Two proxies: the entry the outer one appended.
        ("127.0.0.1", "10.6.6.6, 203.0.113.7, 198.51.100.2", 2, "203.0.113.7"),
        # Fewer entries than trusted proxies: it did not come through them.
        ("198.51.100.9", "203.0.113.7", 2, "198.51.100.9"),
        ("127.0.0.1", "", 1, "127.0.0.1"),
        # Garbage in the trusted position falls back to the peer.
        ("127.0.0.1", "not-an-address", 1, "127.0.0.1"),
        ("", "", 0, "unknown"),
        # IPv6 by /64 network; IPv4-mapped IPv6 as IPv4.
        ("2001:db8:1:2:aaaa::1", "", 0, "2001:db8:1:2::"),
        ("::ffff:203.0.113.7", "", 0, "203.0.113.7"),
    ],
)
def test_client_address_believes_only_the_trusted_proxies(remote, forwarded, proxies, client):
    assert address_from(remote=remote, forwarded=forwarded, proxies=proxies) == client


def test_two_addresses_of_one_ipv6_network_are_one_client():
    first = address_from(remote="2001:db8:1:2::1", forwarded="", proxies=0)
    second = address_from(remote="2001:db8:1:2:ffff::9", forwarded="", proxies=0)
    other = address_from(remote="2001:db8:1:3::1", forwarded="", proxies=0)
    assert first == second != other


def test_under_the_limit_passes_and_past_it_says_when_the_window_ends(now):
    for _ in range(3):
        hit(("test", "key", (3, 60)))
    now["t"] += 45
    with pytest.raises(RateLimitError) as refused:
        hit(("test", "key", (3, 60)))
    assert refused.value.retry_after == 15 and refused.value.scope == "test"
    hit(("test", "other key", (3, 60)))
    hit(("other-scope", "key", (3, 60)))


def test_the_next_window_allows_again(now):
    for _ in range(2):
        hit(("test", "key", (2, 60)))
    with pytest.raises(RateLimitError):
        hit(("test", "key", (2, 60)))
    now["t"] += 60
    hit(("test", "key", (2, 60)))


def test_several_limits_wait_for_the_longest_and_all_count(now):
    hit(("short", "k", (1, 60)), ("long", "k", (1, 3600)))
    with pytest.raises(RateLimitError) as refused:
        hit(("short", "k", (1, 60)), ("long", "k", (1, 3600)))
    assert refused.value.retry_after == 3600 and refused.value.scope == "long"
    now["t"] += 60
    with pytest.raises(RateLimitError) as refused:
        hit(("short", "k", (5, 60)), ("long", "k", (1, 3600)))
    assert refused.value.retry_after == 3540


def test_the_cache_never_holds_an_address_in_clear(now):
    hit(("email", "ana@lima.example", (5, 60)))
    key = ratelimit._cache_key("email", "ana@lima.example", int(now["t"] // 60))
    assert cache.get(key) == 1
    assert "ana@lima.example" not in key and "lima" not in key


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (1, "Please try again in 1 second."),
        (59, "Please try again in 59 seconds."),
        (60, "Please try again in 1 minute."),
        (61, "Please try again in 2 minutes."),
        (3600, "Please try again in 60 minutes."),
        (2 * 3600, "Please try again in 2 hours."),
        (3 * 3600 - 1, "Please try again in 3 hours."),
    ],
)
def test_the_wait_is_rounded_up_in_the_largest_unit(seconds, text):
    assert wait_text(seconds) == text


@pytest.mark.redis
def test_on_redis_concurrent_clients_get_exactly_the_limit(now):
    """Fifty requests at once from eight threads: exactly ten pass, on the shared Redis."""
    passed = []

    def attempt() -> None:
        try:
            hit(("concurrent", "203.0.113.7", (10, 60)))
        except RateLimitError:
            return
        passed.append(1)

    threads = [threading.Thread(target=lambda: [attempt() for _ in range(6)]) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(passed) == 10
