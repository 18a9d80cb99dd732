"""Live timeline fan-out: one DynamoDB poller per project per process, shared by every
subscriber of that project, started with the first subscriber and stopped after the last."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field
from typing import Any

from shipdeck.dynamo.table import Table
from shipdeck.observability.logs import get_logger
from shipdeck.settings import TimelineSettings
from shipdeck.timeline import repository

log = get_logger(__name__)
QUEUE_LIMIT = 1000
MAX_POLL_BACKOFF_SECONDS = 5.0


class SubscriberTooSlow(Exception):
    """The subscriber fell too far behind; it reconnects and resumes from its last event."""


@dataclass(eq=False)
class Subscription:
    project_id: str
    queue: asyncio.Queue[dict[str, Any] | None] = field(
        default_factory=lambda: asyncio.Queue(QUEUE_LIMIT)
    )
    overflowed: bool = False

    async def next(self, wait_seconds: float) -> dict[str, Any] | None:
        """The next event, or None after `wait_seconds` without one."""
        try:
            event = await asyncio.wait_for(self.queue.get(), wait_seconds)
        except TimeoutError:
            return None
        if event is None:
            raise SubscriberTooSlow
        return event


class _ProjectFeed:
    def __init__(self, hub: TimelineHub, project_id: str, cursor: int) -> None:
        self.hub = hub
        self.project_id = project_id
        self.subscribers: set[Subscription] = set()
        self.cursor = cursor
        self.task: asyncio.Task[None] | None = None
        self.polls = 0

    async def run(self) -> None:
        interval = self.hub.settings.poll_interval_seconds
        backoff = interval
        while True:
            try:
                events = await repository.after(self.hub.table, self.project_id, seq=self.cursor)
                self.polls += 1
                for event in events:
                    self.cursor = int(event["id"])
                    self._fan_out(event)
                backoff = interval
                if len(events) >= 100:
                    continue
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # DynamoDB down: keep the streams open, try again
                log.warning(
                    "timeline poll failed", project_id=self.project_id, error=type(exc).__name__
                )
                backoff = min(backoff * 2, MAX_POLL_BACKOFF_SECONDS)
            await asyncio.sleep(backoff)

    def _fan_out(self, event: dict[str, Any]) -> None:
        for subscription in list(self.subscribers):
            try:
                subscription.queue.put_nowait(event)
            except asyncio.QueueFull:
                # A reader that stopped reading must not hold memory or slow the others; its
                # stream ends and the browser resumes from its last event id.
                subscription.overflowed = True
                self.subscribers.discard(subscription)
                with contextlib.suppress(asyncio.QueueEmpty):
                    subscription.queue.get_nowait()
                subscription.queue.put_nowait(None)


class TimelineHub:
    def __init__(self, table: Table, settings: TimelineSettings) -> None:
        self.table = table
        self.settings = settings
        self._feeds: dict[str, _ProjectFeed] = {}

    def subscribe(self, project_id: str, *, newest: int) -> Subscription:
        """Live events of the project from now on.

        `newest` is the project's newest event number, read before subscribing: a new feed
        starts after it, so an event committed between that read and the feed's first poll
        still reaches the subscriber (who replays up to the present itself).
        """
        feed = self._feeds.get(project_id)
        if feed is None:
            feed = self._feeds[project_id] = _ProjectFeed(self, project_id, newest)
            feed.task = asyncio.create_task(feed.run(), name=f"timeline:{project_id}")
        subscription = Subscription(project_id)
        feed.subscribers.add(subscription)
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        feed = self._feeds.get(subscription.project_id)
        if feed is None:
            return
        feed.subscribers.discard(subscription)
        if not feed.subscribers:
            del self._feeds[subscription.project_id]
            if feed.task is not None:
                feed.task.cancel()

    def feeds(self) -> dict[str, int]:
        """Live projects and their subscriber counts (for tests and diagnostics)."""
        return {pid: len(feed.subscribers) for pid, feed in self._feeds.items()}

    def polls(self, project_id: str) -> int:
        feed = self._feeds.get(project_id)
        return feed.polls if feed else 0

    async def close(self) -> None:
        for feed in list(self._feeds.values()):
            if feed.task is not None:
                feed.task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await feed.task
        self._feeds.clear()
