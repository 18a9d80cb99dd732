"""The outbox relay: copies timeline events from the outbox table to DynamoDB.

One process relays at a time (a MySQL named lock held on a dedicated connection, or a file lock
beside an SQLite database), reading the outbox in id order, so each project's events reach
DynamoDB in sequence order. A write is conditional on the event not being there yet, and rows
are deleted only after DynamoDB has them: a crash in between only repeats a write that is then
skipped. Events reach DynamoDB once per event id, however often they are relayed. While DynamoDB
is down, events simply wait in the outbox.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import time
from pathlib import Path
from typing import IO, Any

from sqlalchemy import delete, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker

from shipdeck.dynamo.table import Table
from shipdeck.errors import DynamoUnavailable
from shipdeck.observability.logs import get_logger
from shipdeck.observability.metrics import MetricsEmitter
from shipdeck.runtime_contract import METRIC_OUTBOX_BACKLOG
from shipdeck.settings import ReleaseSettings
from shipdeck.timeline import repository
from shipdeck.timeline.models import OutboxEvent

log = get_logger(__name__)
LOCK_NAME = "shipdeck.outbox-relay"
MAX_BACKOFF_SECONDS = 10.0
BACKLOG_REPORT_SECONDS = 15.0


class OutboxRelay:
    def __init__(
        self,
        *,
        engine: AsyncEngine,
        sessions: async_sessionmaker[AsyncSession],
        table: Table,
        settings: ReleaseSettings,
        metrics: MetricsEmitter,
    ) -> None:
        self._engine = engine
        self._sessions = sessions
        self._table = table
        self._settings = settings
        self._metrics = metrics
        self._wake = asyncio.Event()
        self._leader: _Leadership | None = None
        self._last_backlog_report = 0.0
        self.delivered = 0

    def wake(self) -> None:
        """New events were committed: relay them now rather than at the next tick."""
        self._wake.set()

    async def run(self, stopping: asyncio.Event) -> None:
        backoff = self._settings.relay_interval_seconds
        while not stopping.is_set():
            try:
                moved = await self.relay_once()
                backoff = self._settings.relay_interval_seconds
                if moved:
                    continue  # more may be waiting
            except DynamoUnavailable:
                log.warning("DynamoDB unavailable; events wait in the outbox", retry_in=backoff)
                backoff = min(backoff * 2, MAX_BACKOFF_SECONDS)
            except Exception as exc:  # a database outage must not end the relay
                log.warning("outbox relay failed", error=type(exc).__name__, retry_in=backoff)
                await self._resign()
                backoff = min(backoff * 2, MAX_BACKOFF_SECONDS)
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(_first(self._wake, stopping), backoff)
        await self._resign()

    async def relay_once(self) -> int:
        """Relays one batch if this process is the relay; returns how many events moved."""
        if not await self._lead():
            return 0
        async with self._sessions() as session:
            rows = (
                await session.execute(
                    select(OutboxEvent.id, OutboxEvent.payload)
                    .order_by(OutboxEvent.id)
                    .limit(self._settings.relay_batch_size)
                )
            ).all()
        await self._report_backlog()
        if not rows:
            return 0
        done: list[int] = []
        try:
            for row_id, payload in rows:
                await repository.put_once(self._table, payload)
                done.append(row_id)
        finally:
            if done:
                async with self._sessions() as session, session.begin():
                    await session.execute(delete(OutboxEvent).where(OutboxEvent.id.in_(done)))
                self.delivered += len(done)
        return len(done)

    async def _report_backlog(self) -> None:
        now = time.monotonic()
        if now - self._last_backlog_report < BACKLOG_REPORT_SECONDS:
            return
        self._last_backlog_report = now
        async with self._sessions() as session:
            backlog = (
                await session.execute(select(func.count()).select_from(OutboxEvent))
            ).scalar()
        self._metrics.emit({METRIC_OUTBOX_BACKLOG: (float(backlog or 0), "Count")})

    async def _lead(self) -> bool:
        if self._leader is not None and await self._leader.alive():
            return True
        await self._resign()
        self._leader = await _Leadership.try_take(self._engine)
        if self._leader is not None:
            log.info("this process relays the outbox")
        return self._leader is not None

    async def _resign(self) -> None:
        if self._leader is not None:
            await self._leader.release()
            self._leader = None


async def _first(*events: asyncio.Event) -> None:
    waiters = [asyncio.create_task(e.wait()) for e in events]
    try:
        await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()


class _Leadership:
    """Proof that this process is the relay: a held MySQL named lock or SQLite file lock."""

    def __init__(self, connection: AsyncConnection | None, handle: IO[str] | None) -> None:
        self._connection = connection
        self._handle = handle

    @classmethod
    async def try_take(cls, engine: AsyncEngine) -> _Leadership | None:
        url = engine.url
        if url.get_backend_name() == "sqlite":
            path = Path(str(make_url(url).database) + ".relay.lock")
            handle = path.open("a")  # noqa: ASYNC230 - creates an empty lock file, instantly
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.close()
                return None
            return cls(None, handle)
        connection = await engine.connect()
        try:
            got = (
                await connection.execute(text("SELECT GET_LOCK(:name, 0)"), {"name": LOCK_NAME})
            ).scalar()
            await connection.commit()
        except Exception:
            await connection.close()
            raise
        if got != 1:
            await connection.close()
            return None
        return cls(connection, None)

    async def alive(self) -> bool:
        if self._connection is None:
            return True
        try:
            held = (
                await self._connection.execute(
                    text("SELECT IS_USED_LOCK(:name) = CONNECTION_ID()"), {"name": LOCK_NAME}
                )
            ).scalar()
            await self._connection.commit()
            return bool(held)
        except Exception:
            return False

    async def release(self) -> None:
        if self._handle is not None:
            fcntl.flock(self._handle, fcntl.LOCK_UN)
            self._handle.close()
            self._handle = None
        if self._connection is not None:
            connection: Any = self._connection
            self._connection = None
            with contextlib.suppress(Exception):
                await connection.execute(text("SELECT RELEASE_LOCK(:name)"), {"name": LOCK_NAME})
            with contextlib.suppress(Exception):
                await connection.close()
