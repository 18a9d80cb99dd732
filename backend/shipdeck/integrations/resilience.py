"""What every external call goes through: a bulkhead, a circuit breaker, deadlines, metrics.

- The **bulkhead** caps calls in flight per service and process; past the cap a call waits a
  moment, then fails, so a slow service cannot tie up every worker of the API. (An
  `asyncio.Semaphore` with a timed acquire is the whole mechanism; no library adds to it.)
- The **breaker** (purgatory) opens after consecutive failures and refuses calls at once while
  open, then lets calls through again to probe recovery.
- **Metrics** for each call go out as CloudWatch EMF: latency, outcome, retries, breaker state.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Literal

from purgatory import AsyncCircuitBreakerFactory
from purgatory.domain.model import OpenedState

from shipdeck.observability.logs import get_logger
from shipdeck.observability.metrics import MetricsEmitter, Unit
from shipdeck.runtime_contract import (
    METRIC_BREAKER_OPEN,
    METRIC_EXTERNAL_CALL_FAILURES,
    METRIC_EXTERNAL_CALL_LATENCY,
)
from shipdeck.settings import ResilienceSettings

log = get_logger(__name__)

Outcome = Literal["ok", "rejected", "unavailable", "breaker_open", "busy", "cancelled"]


class BreakerOpen(Exception):
    """The service failed repeatedly; calls are refused until the breaker's open time passes."""


class BulkheadFull(Exception):
    """Too many calls to this service are in flight in this process."""


@dataclass
class CallRecord:
    operation: str
    retries: int = 0
    outcome: Outcome = "ok"
    started: float = field(default_factory=time.perf_counter)


class Guard:
    """One per external service and process."""

    def __init__(
        self,
        service: Literal["deepseek", "sleakops"],
        settings: ResilienceSettings,
        metrics: MetricsEmitter,
        *,
        not_failures: tuple[type[BaseException], ...] = (),
    ) -> None:
        self.service = service
        self._settings = settings
        self._metrics = metrics
        self._semaphore = asyncio.Semaphore(settings.max_concurrency)
        self._not_failures = not_failures
        # Cancellation (a client went away) and refusals by the service are not its failures.
        self._breakers = AsyncCircuitBreakerFactory(
            default_threshold=settings.breaker_threshold,
            default_ttl=settings.breaker_open_seconds,
            exclude=[asyncio.CancelledError, GeneratorExit, *not_failures],
        )
        self._breakers.add_listener(self._on_breaker_event)
        self.breaker_state = "closed"
        self._open_until = 0.0

    def _on_breaker_event(self, name: str, event_name: str, event: object) -> None:
        if event_name == "state_changed":
            self.breaker_state = str(getattr(event, "state", "unknown"))
            if self.breaker_state == "opened":
                self._open_until = time.monotonic() + self._settings.breaker_open_seconds
            log.warning("circuit breaker changed", service=self.service, state=self.breaker_state)

    @property
    def refusing(self) -> bool:
        """True while the breaker is open and its open time has not run out, i.e. a call now
        would be refused at once. Callers check it before doing work only a call needs."""
        return self.breaker_state == "opened" and time.monotonic() < self._open_until

    @asynccontextmanager
    async def call(self, operation: str) -> AsyncIterator[CallRecord]:
        """Admits one call (bulkhead, then breaker), times it and reports it."""
        record = CallRecord(operation)
        try:
            await asyncio.wait_for(self._semaphore.acquire(), self._settings.queue_timeout_seconds)
        except TimeoutError:
            record.outcome = "busy"
            self._report(record)
            raise BulkheadFull(f"{self.service}: too many calls in flight") from None
        try:
            breaker = await self._breakers.get_breaker(self.service)
            try:
                async with breaker:
                    yield record
            except OpenedState:
                record.outcome = "breaker_open"
                self.breaker_state = "opened"
                raise BreakerOpen(f"{self.service}: circuit open after repeated failures") from None
        except asyncio.CancelledError:
            record.outcome = "cancelled"
            raise
        except BaseException as exc:
            if record.outcome == "ok":
                record.outcome = (
                    "rejected" if isinstance(exc, self._not_failures) else "unavailable"
                )
            raise
        finally:
            self._semaphore.release()
            self._report(record)

    def _report(self, record: CallRecord) -> None:
        elapsed_ms = round((time.perf_counter() - record.started) * 1000, 2)
        properties = {
            "operation": record.operation,
            "retries": record.retries,
            "breaker": self.breaker_state,
        }
        self._metrics.emit(
            {METRIC_EXTERNAL_CALL_LATENCY: (elapsed_ms, "Milliseconds")},
            dimensions={"Service": self.service, "Outcome": record.outcome},
            properties=properties,
        )
        failed = record.outcome not in ("ok", "rejected", "cancelled")
        counts: dict[str, tuple[float, Unit]] = {
            METRIC_EXTERNAL_CALL_FAILURES: (1.0 if failed else 0.0, "Count")
        }
        if record.outcome == "breaker_open":
            counts[METRIC_BREAKER_OPEN] = (1.0, "Count")
        self._metrics.emit(counts, dimensions={"Service": self.service}, properties=properties)
