"""The retry policy: which failures are retried, and how long to wait before the next try.

Retried: 408, 429, 500, 502, 503, 524, 529 and connection errors. The wait is exponential
backoff with jitter, unless the server says when to come back (`Retry-After` in seconds or
as an HTTP date, or `X-RateLimit-Reset`). The whole attempt is bounded by `max_retries`
and by the time budget: a wait that would end past the deadline is not taken.
"""

from __future__ import annotations

import random
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

RETRYABLE_STATUSES = frozenset({408, 429, 500, 502, 503, 524, 529})


class Clock(Protocol):
    """Time source and sleeper; tests swap in a fake one."""

    def now(self) -> float: ...

    def sleep(self, seconds: float) -> None: ...

    async def asleep(self, seconds: float) -> None: ...


class SystemClock:
    """The real clock."""

    def now(self) -> float:
        return time.monotonic()

    def wall(self) -> float:
        return time.time()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)

    async def asleep(self, seconds: float) -> None:
        import asyncio  # here, not at the top: sync-only programs never load asyncio (~2 MB)

        await asyncio.sleep(seconds)


def parse_retry_after(
    headers: Mapping[str, str], *, now_epoch: float | None = None
) -> float | None:
    """Seconds to wait as the server asked, from Retry-After or X-RateLimit-Reset; None if absent."""
    now_epoch = time.time() if now_epoch is None else now_epoch
    value = headers.get("retry-after-ms")
    if value:
        try:
            return max(0.0, float(value) / 1000.0)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value:
        value = value.strip()
        try:
            return max(0.0, float(value))
        except ValueError:
            from email.utils import parsedate_to_datetime

            try:
                when = parsedate_to_datetime(value)
            except (TypeError, ValueError, IndexError):
                when = None
            if when is not None:
                return max(0.0, when.timestamp() - now_epoch)
    value = headers.get("x-ratelimit-reset")
    if value:
        try:
            reset = float(value)
        except ValueError:
            return None
        # OpenRouter sends epoch milliseconds; accept epoch seconds and plain deltas too.
        if reset > 1e12:
            return max(0.0, reset / 1000.0 - now_epoch)
        if reset > 1e9:
            return max(0.0, reset - now_epoch)
        return max(0.0, reset)
    return None


@dataclass
class RetryPolicy:
    """How many times to retry and how long to wait; shared by the sync and async clients."""

    max_retries: int = 2
    initial_delay: float = 0.5
    max_delay: float = 8.0
    max_server_delay: float = 60.0
    clock: Clock = field(default_factory=SystemClock)
    rng: random.Random = field(default_factory=random.Random)

    def backoff(self, attempt: int) -> float:
        """Exponential backoff with up to 25% jitter below the nominal delay."""
        nominal: float = min(self.initial_delay * 2.0**attempt, self.max_delay)
        return nominal * (1 - 0.25 * self.rng.random())

    def delay(
        self,
        attempt: int,
        *,
        headers: Mapping[str, str] | None,
        deadline: float | None,
    ) -> float | None:
        """Seconds to wait before try number `attempt + 1`, or None when no retry is allowed."""
        if attempt >= self.max_retries:
            return None
        wait = None
        if headers is not None:
            wall = float(getattr(self.clock, "wall", time.time)())
            wait = parse_retry_after(headers, now_epoch=wall)
            if wait is not None and wait > self.max_server_delay:
                return None
        if wait is None:
            wait = self.backoff(attempt)
        if deadline is not None and self.clock.now() + wait > deadline:
            return None
        return wait
