"""Fixed-window counters in DynamoDB: atomic `ADD` updates that expire by themselves.

Used for failed sign-ins now and for AI token quotas later. A window is a single item keyed by
the window's start, so concurrent increments from any number of processes never lose a count.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from shipdeck.dynamo.table import Table


@dataclass(frozen=True, slots=True)
class Window:
    count: int
    resets_at: float

    def retry_after(self, now: float | None = None) -> int:
        return max(1, int(self.resets_at - (now if now is not None else time.time())) + 1)


class FixedWindowCounter:
    def __init__(self, table: Table, *, scope: str, window_seconds: int) -> None:
        self._table = table
        self._scope = scope
        self._window = window_seconds

    def _key(self, subject: str, now: float) -> tuple[str, str, int]:
        start = int(now // self._window) * self._window
        return f"COUNTER#{self._scope}#{subject}", f"WINDOW#{start}", start

    async def peek(self, subject: str, *, now: float | None = None) -> Window:
        now = time.time() if now is None else now
        pk, sk, start = self._key(subject, now)
        item = await self._table.get(pk, sk, consistent=True)
        return Window(int(item["count"]) if item else 0, start + self._window)

    async def add(self, subject: str, amount: int = 1, *, now: float | None = None) -> Window:
        now = time.time() if now is None else now
        pk, sk, start = self._key(subject, now)
        item = await self._table.update(
            pk,
            sk,
            expression="ADD #count :amount SET expires_at = if_not_exists(expires_at, :expires)",
            names={"#count": "count"},
            # Kept one extra window so a reader near the boundary still finds it.
            values={":amount": amount, ":expires": start + 2 * self._window},
        )
        return Window(int(item["count"]), start + self._window)

    async def clear(self, subject: str, *, now: float | None = None) -> None:
        pk, sk, _ = self._key(subject, time.time() if now is None else now)
        await self._table.delete(pk, sk)
