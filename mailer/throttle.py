"""Pace for a relay: a token bucket for messages per second, retry backoff with jitter.

Concurrency is the number of connections the delivery loop opens; the rolling
24-hour quota is counted in the store (``lists.relays``) so it holds across restarts.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta


class TokenBucket:
    """At most *rate* messages a second on average, with bursts of up to *burst*.

    ``delay()`` takes one token and says how long to wait before using it; ``take()``
    waits that long. The clock is injectable for tests.
    """

    def __init__(self, rate: float, burst: float | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = rate
        self.burst = burst if burst is not None else max(1.0, min(rate, 50.0))
        self.clock = clock
        self.tokens = self.burst
        self.stamp = clock()

    def delay(self) -> float:
        now = self.clock()
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        self.tokens -= 1.0
        return 0.0 if self.tokens >= 0 else -self.tokens / self.rate

    async def take(self) -> None:
        wait = self.delay()
        if wait > 0:
            await asyncio.sleep(wait)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Exponential backoff with jitter: ``first``, doubling, at most ``longest``.

    After ``max_attempts`` attempts a message that still gets 4xx answers fails.
    """

    first: timedelta = timedelta(minutes=1)
    longest: timedelta = timedelta(hours=6)
    max_attempts: int = 12
    jitter: float = 0.5     # each wait is scaled by a random factor in [1 - j, 1 + j]

    def next_attempt(self, attempts: int, now: datetime,
                     rng: random.Random | None = None) -> datetime | None:
        """When to try again after *attempts* attempts, or None to give up."""
        if attempts >= self.max_attempts:
            return None
        base = min(self.first * (2 ** max(0, attempts - 1)), self.longest)
        r = (rng or random).uniform(1 - self.jitter, 1 + self.jitter)
        return now + base * r
