"""Rate limits: per person per room in the shared cache, per socket in memory."""

import math
import time

from django.core.cache import cache
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from seminars.live.errors import LiveError

MESSAGES = {
    "ask": gettext_noop("You are asking questions too quickly. Please wait %(seconds)s seconds."),
    "vote": gettext_noop("You are voting too quickly. Please wait %(seconds)s seconds."),
}


def person_rate_check(*, kind: str, session_id: int, person_key: str, rate: tuple) -> None:
    """Count one action of a person in a fixed window; raise ``rate_limited`` past the limit.

    Counted in the cache so that the limit holds across tabs and server processes.
    """
    limit, window = rate
    now = time.time()
    window_index = int(now // window)
    key = f"live:rate:{kind}:{session_id}:{person_key}:{window_index}"
    cache.add(key, 0, timeout=window + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # the key expired between add and incr: this is the first action
        cache.set(key, 1, timeout=window + 1)
        count = 1
    if count > limit:
        retry_after = max(1, math.ceil((window_index + 1) * window - now))
        raise LiveError(
            "rate_limited",
            _(MESSAGES[kind]) % {"seconds": retry_after},
            retry_after=retry_after,
        )


class FrameBucket:
    """Token bucket for the frames one socket may send (no shared state, no I/O)."""

    __slots__ = ("capacity", "per_second", "tokens", "stamp")

    def __init__(self, rate: tuple) -> None:
        count, seconds = rate
        self.capacity = float(count)
        self.per_second = count / seconds
        self.tokens = float(count)
        self.stamp = time.monotonic()

    def take(self) -> int | None:
        """None if the frame may pass, else the seconds to wait."""
        now = time.monotonic()
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.per_second)
        self.stamp = now
        if self.tokens >= 1:
            self.tokens -= 1
            return None
        return max(1, math.ceil((1 - self.tokens) / self.per_second))
