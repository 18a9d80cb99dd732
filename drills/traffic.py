"""Steady traffic through the load balancer, with every answer recorded.

The drills need to know what happened to each request — which ones failed, when, how, and
which writes were acknowledged — so this is a small recording client rather than a load tool
(wrk and hey only count). The rate is deliberately modest: the drills measure correctness under
failure, the benchmarks measure speed.

Writes are builds started with an `Idempotency-Key`, retried with the same key until answered,
as a careful client would. Each carries a commit unique to its key, so the SleakOps simulator's
request log shows how many times each write reached SleakOps.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
import uuid
from dataclasses import dataclass, field

import httpx

from bench.load import percentile
from bench.seed import Seeded

TIMEOUT = httpx.Timeout(15.0, connect=3.0)


@dataclass
class Outcome:
    kind: str  # "read" or "write"
    path: str
    started: float  # monotonic seconds
    ended: float
    status: int  # 0: no HTTP answer (connection refused, reset, timed out)
    code: str = ""  # the error code of an error answer, or the transport error's name
    body: bytes = field(default=b"", repr=False)  # kept for writes only

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def seconds(self) -> float:
        return self.ended - self.started


@dataclass
class Ack:
    key: str
    commit: str
    release_id: str
    attempts: int


@dataclass
class Traffic:
    base_url: str
    seeded: Seeded
    readers: int = 4
    writers: int = 1
    read_pause: float = 0.02
    write_pause: float = 0.2
    write_retry_pause: float = 0.25
    outcomes: list[Outcome] = field(default_factory=list)
    acks: list[Ack] = field(default_factory=list)
    unacknowledged: list[str] = field(default_factory=list)  # keys given up at the end
    _stop: asyncio.Event = field(default_factory=asyncio.Event)
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)
    _client: httpx.AsyncClient | None = None

    def read_paths(self) -> list[str]:
        s = self.seeded
        return [
            f"/api/teams/{s.team_id}/projects",
            f"/api/projects/{s.project_id}/releases",
            f"/api/releases/{s.release_id}",
            f"/api/projects/{s.project_id}/events",
        ]

    async def __aenter__(self) -> Traffic:
        limits = httpx.Limits(max_connections=self.readers + self.writers + 4)
        self._client = httpx.AsyncClient(
            base_url=self.base_url, headers=self.seeded.headers, timeout=TIMEOUT, limits=limits
        )
        paths = self.read_paths()
        for n in range(self.readers):
            order = itertools.cycle(paths[n % len(paths) :] + paths[: n % len(paths)])
            self._tasks.append(asyncio.create_task(self._read_loop(order)))
        for _ in range(self.writers):
            self._tasks.append(asyncio.create_task(self._write_loop()))
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def stop(self, grace: float = 30.0) -> None:
        """Stops issuing new requests; a write in progress keeps retrying for `grace` seconds."""
        self._stop.set()
        done, pending = await asyncio.wait(self._tasks, timeout=grace) if self._tasks else ((), ())
        for task in pending:
            task.cancel()
        for task in done:
            task.result()
        self._tasks.clear()
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def _request(self, kind: str, method: str, path: str, **kwargs: object) -> Outcome:
        assert self._client is not None
        started = time.monotonic()
        try:
            response = await self._client.request(method, path, **kwargs)  # type: ignore[arg-type]
        except httpx.HTTPError as exc:
            outcome = Outcome(kind, path, started, time.monotonic(), 0, type(exc).__name__)
        else:
            code = ""
            if response.status_code >= 400:
                with contextlib.suppress(ValueError, KeyError, TypeError):
                    code = response.json()["error"]["code"]
            body = response.content if kind == "write" else b""
            outcome = Outcome(
                kind, path, started, time.monotonic(), response.status_code, code, body
            )
        self.outcomes.append(outcome)
        return outcome

    async def _read_loop(self, paths: itertools.cycle[str]) -> None:
        while not self._stop.is_set():
            await self._request("read", "GET", next(paths))
            await asyncio.sleep(self.read_pause)

    async def _write_loop(self) -> None:
        while not self._stop.is_set():
            await self.write()
            await asyncio.sleep(self.write_pause)

    async def write(self, *, give_up_after: float = 60.0) -> Ack | None:
        """One build, retried with its key until acknowledged (202) or refused (4xx)."""
        key = uuid.uuid4().hex
        commit = uuid.uuid4().hex[:12]
        body = {"branch": "main", "commit": commit}
        path = f"/api/projects/{self.seeded.project_id}/builds"
        deadline = time.monotonic() + give_up_after
        for attempt in itertools.count(1):
            outcome = await self._request(
                "write", "POST", path, json=body, headers={"Idempotency-Key": key}
            )
            if outcome.status == 202:
                release = json.loads(outcome.body)
                ack = Ack(key, commit, release["id"], attempt)
                self.acks.append(ack)
                return ack
            if 400 <= outcome.status < 500 and outcome.status != 429:
                raise SystemExit(f"a write was refused: {outcome.status} {outcome.code}")
            if time.monotonic() > deadline:
                self.unacknowledged.append(key)
                return None
            await asyncio.sleep(self.write_retry_pause)
        return None  # pragma: no cover - the loop only ends by returning


def summary(outcomes: list[Outcome]) -> dict[str, object]:
    """Counts by status and latency percentiles of a set of outcomes."""
    by_status: dict[str, int] = {}
    for o in outcomes:
        label = str(o.status) if o.status else f"no answer ({o.code})"
        if o.code and o.status:
            label += f" {o.code}"
        by_status[label] = by_status.get(label, 0) + 1
    seconds = sorted(o.seconds * 1000 for o in outcomes)
    return {
        "requests": len(outcomes),
        "by_status": dict(sorted(by_status.items())),
        "p50_ms": round(percentile(seconds, 50), 1) if seconds else None,
        "p99_ms": round(percentile(seconds, 99), 1) if seconds else None,
        "max_ms": round(seconds[-1], 1) if seconds else None,
    }


def server_errors(outcomes: list[Outcome]) -> list[Outcome]:
    """Answers a client would call broken: 5xx or no answer at all."""
    return [o for o in outcomes if o.status == 0 or o.status >= 500]


def recovery_text(seconds: float, after: list[Outcome]) -> str:
    """How long after a service returned every request succeeded again, in words."""
    if seconds <= 0:
        return f"immediate: all {len(after)} requests started after its return succeeded"
    return f"{seconds:.2f} s (the last failure ended then)"
