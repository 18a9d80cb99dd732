"""Load behaviour: per-account concurrency limits and the queue with keep-alives."""

from __future__ import annotations

import asyncio
from collections import Counter

from shipdeck_local.simulators.common.exchange import Exchange

STREAM_KEEPALIVE = b": keep-alive\n\n"
BODY_KEEPALIVE = b"\n"


class ConcurrencyLimiter:
    """In-flight requests per (account, model). Over the limit a request is refused at once."""

    def __init__(self) -> None:
        self._in_flight: Counter[tuple[str, str]] = Counter()

    def try_acquire(self, account: str, model: str, limit: int) -> bool:
        key = (account, model)
        if self._in_flight[key] >= limit:
            return False
        self._in_flight[key] += 1
        return True

    def release(self, account: str, model: str) -> None:
        key = (account, model)
        self._in_flight[key] -= 1
        if self._in_flight[key] <= 0:
            del self._in_flight[key]

    def in_flight(self, account: str, model: str) -> int:
        return self._in_flight[(account, model)]


async def wait_in_queue(
    exchange: Exchange,
    *,
    delay_s: float,
    interval_s: float,
    max_wait_s: float,
    streaming: bool,
) -> bool:
    """Hold a request whose headers are already sent, feeding keep-alives.

    Returns False when the wait passed max_wait_s: the caller must close the connection
    without another byte, as DeepSeek does when inference has not started in time.
    """
    ping = STREAM_KEEPALIVE if streaming else BODY_KEEPALIVE
    budget = min(delay_s, max_wait_s)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + budget
    interval = max(interval_s, 0.001)
    while True:
        remaining = deadline - loop.time()
        if remaining <= 0:
            break
        if remaining < interval:
            await asyncio.sleep(remaining)
            break
        await asyncio.sleep(interval)
        await exchange.write(ping)
    return delay_s <= max_wait_s
