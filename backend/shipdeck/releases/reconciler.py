"""The reconciler: follows every unfinished release on SleakOps until it ends.

Runs in every API process. Each round claims the releases that are due: it moves a release's
`next_poll_at` a lease ahead, conditionally on the value it read, so two processes never poll
the same release in the same round (on MySQL, `FOR UPDATE SKIP LOCKED` also keeps them from
queueing on each other's rows). State lives in the database, so a restart resumes where it was.
A state change and its timeline event are written in one transaction.
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from shipdeck.db.base import utcnow
from shipdeck.integrations.sleakops.client import FINAL_STATES, KNOWN_STATES, SleakOpsClient, Status
from shipdeck.integrations.sleakops.errors import SleakOpsNotFound, SleakOpsUnavailable
from shipdeck.observability.logs import get_logger
from shipdeck.releases import repository
from shipdeck.releases.models import Release, ReleaseKind, ReleaseState
from shipdeck.releases.service import describe
from shipdeck.settings import ReleaseSettings
from shipdeck.timeline import service as timeline
from shipdeck.timeline.relay import OutboxRelay

log = get_logger(__name__)
BATCH = 50
CONCURRENT_POLLS = 10


class Reconciler:
    def __init__(
        self,
        *,
        engine: AsyncEngine,
        sessions: async_sessionmaker[AsyncSession],
        sleakops: SleakOpsClient,
        relay: OutboxRelay,
        settings: ReleaseSettings,
    ) -> None:
        self._skip_locked = engine.dialect.name in ("mysql", "mariadb")
        self._sessions = sessions
        self._sleakops = sleakops
        self._relay = relay
        self._settings = settings
        self._limit = asyncio.Semaphore(CONCURRENT_POLLS)
        self.polls = 0

    async def run(self, stopping: asyncio.Event) -> None:
        while not stopping.is_set():
            try:
                claimed = await self.reconcile_once()
            except Exception as exc:  # the database or SleakOps is down: try next round
                log.warning("reconciler round failed", error=type(exc).__name__)
                claimed = 0
            if claimed < BATCH:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(
                        stopping.wait(), self._settings.reconcile_interval_seconds
                    )

    async def reconcile_once(self) -> int:
        ids = await self._claim()
        await asyncio.gather(*(self._follow(release_id) for release_id in ids))
        return len(ids)

    async def _claim(self) -> list[str]:
        now = utcnow()
        until = now + timedelta(seconds=self._settings.poll_lease_seconds)
        async with self._sessions() as session, session.begin():
            due = await repository.due_for_poll(
                session, now, limit=BATCH, skip_locked=self._skip_locked
            )
            return [rid for rid, seen in due if await repository.claim(session, rid, seen, until)]

    async def _follow(self, release_id: str) -> None:
        async with self._limit:
            async with self._sessions() as session:
                found = await repository.get(session, release_id)
            if found is None:
                return
            release = found[0]
            now = utcnow()
            if release.sleakops_id is None:
                await self._finish(
                    release_id,
                    ReleaseState.submit_failed,
                    "The start was interrupted before SleakOps confirmed it; start it again.",
                    event="release.submit_failed",
                )
                return
            if now >= release.deadline_at:
                minutes = self._settings.deadline_minutes
                await self._finish(
                    release_id,
                    ReleaseState.timed_out,
                    f"Not finished on SleakOps after {minutes} minutes; "
                    "Shipdeck stopped following it.",
                )
                return
            self.polls += 1
            try:
                if release.kind == ReleaseKind.build.value:
                    status = await self._sleakops.get_build(release.sleakops_id)
                else:
                    status = await self._sleakops.get_deployment(release.sleakops_id)
            except SleakOpsNotFound:
                await self._not_found(release_id)
                return
            except SleakOpsUnavailable as exc:
                log.info(
                    "poll failed; will retry", release_id=release_id, reason=exc.detail_message
                )
                await self._reschedule(release_id, backoff=True)
                return
            await self._apply(release_id, status)

    async def _apply(self, release_id: str, status: Status) -> None:
        async with self._sessions() as session, session.begin():
            release, _ = await repository.get_locked(session, release_id)
            if not release.polling:
                return
            release.poll_count += 1
            release.not_found_polls = 0
            new_state = status.state if status.state in KNOWN_STATES else None
            if new_state is None or new_state == release.state:
                release.next_poll_at = _next(self._settings)
                return
            previous = release.state
            release.state = new_state
            if new_state == ReleaseState.error.value:
                release.errors = status.errors or "SleakOps reported an error without details."
            if new_state in FINAL_STATES:
                release.polling = False
                release.next_poll_at = None
                release.finished_at = utcnow()
            else:
                release.next_poll_at = _next(self._settings)
            await timeline.record(
                session,
                project_id=release.project_id,
                type="release.state_changed",
                summary=_sentence(release),
                release_id=release.id,
                data={"from": previous, "to": new_state, "errors": release.errors},
            )
        self._relay.wake()

    async def _finish(
        self,
        release_id: str,
        state: ReleaseState,
        reason: str,
        *,
        event: str = "release.state_changed",
    ) -> None:
        async with self._sessions() as session, session.begin():
            release, _ = await repository.get_locked(session, release_id)
            if not release.polling:
                return
            previous = release.state
            release.state = state.value
            release.errors = reason
            release.polling = False
            release.next_poll_at = None
            release.finished_at = utcnow()
            await timeline.record(
                session,
                project_id=release.project_id,
                type=event,
                summary=_sentence(release),
                release_id=release.id,
                data={"from": previous, "to": state.value, "errors": reason},
            )
        self._relay.wake()

    async def _not_found(self, release_id: str) -> None:
        async with self._sessions() as session, session.begin():
            release, _ = await repository.get_locked(session, release_id)
            release.not_found_polls += 1
            release.poll_count += 1
            give_up = release.not_found_polls >= self._settings.max_not_found_polls
            release.next_poll_at = _next(self._settings)
        if give_up:
            await self._finish(
                release_id, ReleaseState.error, "SleakOps no longer knows this release."
            )

    async def _reschedule(self, release_id: str, *, backoff: bool) -> None:
        async with self._sessions() as session, session.begin():
            release, _ = await repository.get_locked(session, release_id)
            if release.polling:
                release.next_poll_at = _next(self._settings, factor=3 if backoff else 1)


def _next(settings: ReleaseSettings, factor: float = 1) -> datetime:
    return utcnow() + timedelta(seconds=settings.poll_interval_seconds * factor)


def _sentence(release: Release) -> str:
    what = describe(release)
    what = what[0].upper() + what[1:]
    state = ReleaseState(release.state)
    if state is ReleaseState.creating:
        return f"{what} is in progress on SleakOps."
    if state is ReleaseState.created:
        return f"{what} finished successfully."
    if state is ReleaseState.error:
        first_line = (release.errors or "").strip().splitlines()[0:1]
        return f"{what} failed: {first_line[0] if first_line else 'no details'}"
    if state is ReleaseState.timed_out:
        return f"{what} timed out."
    if state is ReleaseState.submit_failed:
        return f"{what} could not start: {release.errors}"
    return f"{what} is {state.value}."
