"""Rate limits of the live room: per person per room in the shared cache, per socket in memory."""

import math
import time

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from live.errors import LiveError
from seminars.ratelimit import RateLimitError, hit

MESSAGES = {
    "ask": gettext_noop("You are asking questions too quickly. Please wait %(seconds)s seconds."),
    "vote": gettext_noop("You are voting too quickly. Please wait %(seconds)s seconds."),
    "ask_client": gettext_noop(
        "Too many questions are coming from your network. Please wait %(seconds)s seconds."
    ),
}


def person_rate_check(*, kind: str, session_id: int, person_key: str, rate: tuple) -> None:
    """Count one action of a person in a fixed window; raise ``rate_limited`` past the limit.

    Counted in the shared cache (seminars/ratelimit.py) so that the limit holds across tabs
    and server processes.
    """
    try:
        hit((f"live:{kind}", f"{session_id}:{person_key}", rate))
    except RateLimitError as error:
        raise LiveError(
            "rate_limited",
            _(MESSAGES[kind]) % {"seconds": error.retry_after},
            retry_after=error.retry_after,
        ) from error


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
