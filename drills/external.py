"""External outages: DeepSeek and SleakOps down, slow and erroring, under steady read traffic.

Faults are injected through the simulators' control API (a TCP reset on every request is "down":
the simulator keeps its state, as the real service would across an outage). The API processes
run with short deadlines and a 3 s breaker open time (`Cluster.api_env`), so every phase and its
recovery fit in seconds.

Promises: every AI request and every build start answers within its deadline with a clear 503;
the breakers open (later refusals are immediate) and close again once the service is back; reads
that do not need the failing service never fail and stay fast; releases that were in flight
while SleakOps was down finish once it returns.
"""

from __future__ import annotations

import asyncio
import re
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx

from bench.load import percentile
from bench.seed import Seeded
from bench.sse import Timing, stream
from drills import facts
from drills.cluster import Cluster, say
from drills.report import Result
from drills.traffic import Traffic, server_errors
from shipdeck_local.simulators.deepseek.control import DeepSeekControl
from shipdeck_local.simulators.sleakops.control import SleakOpsControl

_CODE = re.compile(rb'"code": ?"([a-z_]+)"')
# Only a `done` frame ends an answer well; an `error` frame is a failure told in the stream.
_DONE = re.compile(rb'"type": "done"')
# Deadlines the drill's API processes run with (Cluster.api_env), plus scheduling slack.
AI_BOUND_SECONDS = 3.0 + 2.5
SLEAKOPS_BOUND_SECONDS = 4.0 + 2.5
BREAKER_OPEN_SECONDS = 3.0
# An answer this fast did not wait for the service: the breaker refused it.
REFUSED_AT_ONCE_MS = 100.0
READ_P99_BOUND_MS = 1000.0


def code_of(timing: Timing) -> str:
    found = _CODE.search(timing.body_head)
    return found.group(1).decode() if found else ""


@dataclass
class AiLoad:
    url: str
    headers: dict[str, str]
    lanes: int = 4
    timings: list[Timing] = field(default_factory=list)
    _stop: asyncio.Event = field(default_factory=asyncio.Event)
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)

    def start(self) -> None:
        self._tasks = [asyncio.create_task(self._lane()) for _ in range(self.lanes)]

    async def stop(self) -> None:
        self._stop.set()
        await asyncio.gather(*self._tasks)

    async def _lane(self) -> None:
        while not self._stop.is_set():
            self.timings.append(
                await stream(self.url, headers=self.headers, last=_DONE, deadline_s=30)
            )
            await asyncio.sleep(0.05)

    def between(self, start: float, end: float) -> list[Timing]:
        return [t for t in self.timings if start <= t.started < end]

    async def recovered(self, since: float, timeout: float) -> float | None:
        """Seconds from `since` until four answers in a row succeeded, or None."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            recent = [t for t in self.timings if t.started >= since]
            for i in range(len(recent) - 3):
                if all(t.ok for t in recent[i : i + 4]):
                    return recent[i].started - since
            await asyncio.sleep(0.1)
        return None


def describe(timings: list[Timing]) -> dict[str, Any]:
    totals = sorted(t.total_ms or 0.0 for t in timings)
    codes: dict[str, int] = {}
    for t in timings:
        label = "ok" if t.ok else f"{t.status} {code_of(t) or t.error or 'cut'}"
        codes[label] = codes.get(label, 0) + 1
    return {
        "answers": len(timings),
        "by_outcome": codes,
        "p50_ms": round(percentile(totals, 50), 1) if totals else None,
        "p99_ms": round(percentile(totals, 99), 1) if totals else None,
        "max_ms": round(totals[-1], 1) if totals else None,
        "refused_at_once": sum(
            1 for t in timings if not t.ok and (t.total_ms or 0) < REFUSED_AT_ONCE_MS
        ),
    }


async def start_build(http: httpx.AsyncClient, seeded: Seeded) -> tuple[httpx.Response, float]:
    started = time.monotonic()
    response = await http.post(
        f"/api/projects/{seeded.project_id}/builds",
        json={"branch": "main", "commit": uuid.uuid4().hex[:12]},
        headers={**seeded.headers, "Idempotency-Key": uuid.uuid4().hex},
    )
    return response, time.monotonic() - started


async def run(cluster: Cluster, seeded: Seeded, *, phase: float) -> Result:
    result = Result("External outages: DeepSeek and SleakOps down, slow, erroring")
    stack = cluster.stack
    deepseek = DeepSeekControl(stack.deepseek_url)
    sleakops = SleakOpsControl(stack.sleakops_url)
    ai = AiLoad(f"{cluster.url}/api/releases/{seeded.release_id}/explain", seeded.headers)
    marks: list[tuple[str, float, float]] = []
    recoveries: dict[str, str] = {}
    unfaulted: dict[str, int] = {}
    http = httpx.AsyncClient(base_url=cluster.url, timeout=30)
    try:
        async with Traffic(cluster.url, seeded, readers=3, writers=0) as traffic:
            ai.start()

            async def hold(name: str, seconds: float) -> None:
                start = time.monotonic()
                await asyncio.sleep(seconds)
                marks.append((name, start, time.monotonic()))

            async def recover(name: str) -> None:
                cleared = time.monotonic()
                deepseek.clear_faults()
                took = await ai.recovered(cleared, timeout=BREAKER_OPEN_SECONDS + 15)
                recoveries[name] = "not within 18 s" if took is None else f"{took:.1f} s"
                result.check(
                    took is not None and took <= BREAKER_OPEN_SECONDS + 3,
                    f"AI answers again within {BREAKER_OPEN_SECONDS + 3:.0f} s after {name} ends",
                )

            await hold("normal", phase)
            for name, fault in (
                ("DeepSeek down", "reset"),
                ("DeepSeek slow", {"delay_s": 30}),
                ("DeepSeek erroring", "server_error"),
            ):
                say(name)
                deepseek.clear_request_log()
                deepseek.add_fault(fault, route="/chat/completions")
                # A slow call fails only at its 3 s deadline: the breaker needs longer to see
                # five failures in a row in each process.
                await hold(name, phase * 2 if name == "DeepSeek slow" else phase)
                unfaulted[name] = sum(
                    1 for r in deepseek.request_log(path="*/chat/completions") if not r.fault
                )
                await recover(name)

            # SleakOps: releases in flight when it goes down, and new ones during the outage.
            sleakops.queue_script("build", initial_polls=2, creating_polls=2, times=4)
            in_flight = []
            for _ in range(4):
                response, _ = await start_build(http, seeded)
                in_flight.append(response.json()["id"])
            refused: list[tuple[int, str, float]] = []
            for name, fault in (("SleakOps down", "reset"), ("SleakOps slow", {"delay_s": 30})):
                say(name)
                sleakops.add_fault(fault, route="/api/*")
                start = time.monotonic()
                while time.monotonic() - start < phase:
                    response, took = await start_build(http, seeded)
                    code = (
                        response.json().get("error", {}).get("code", "")
                        if response.status_code >= 400
                        else ""
                    )
                    refused.append((response.status_code, code, took))
                    await asyncio.sleep(0.3)
                marks.append((name, start, time.monotonic()))
                sleakops.clear_faults()
            back = time.monotonic()
            finished = await _wait_finished(stack.database_url, in_flight, timeout=30)
            await ai.stop()
    finally:
        await http.aclose()
        deepseek.clear_faults()
        sleakops.clear_faults()
        deepseek.close()
        sleakops.close()

    normal_reads = [o for o in traffic.outcomes if marks[0][1] <= o.started < marks[0][2]]
    normal_p99 = percentile([o.seconds * 1000 for o in normal_reads], 99)
    for name, start, end in marks:
        reads = [o for o in traffic.outcomes if start <= o.started < end]
        read_p99 = percentile([o.seconds * 1000 for o in reads], 99)
        figures: dict[str, Any] = {"reads": len(reads), "read_p99_ms": round(read_p99, 1)}
        figures["read_p99_vs_normal"] = round(read_p99 / normal_p99, 2) if normal_p99 else None
        if name.startswith("DeepSeek") or name == "normal":
            timings = ai.between(start, end)
            figures["ai"] = describe(timings)
            if name != "normal":
                slow = [t for t in timings if (t.total_ms or 0) > AI_BOUND_SECONDS * 1000]
                wrong = [
                    t
                    for t in timings
                    if not t.ok and (t.status, code_of(t)) != (503, "ai_unavailable")
                ]
                result.check(
                    not slow,
                    f"{name}: every AI answer within {AI_BOUND_SECONDS} s ({len(slow)} not)",
                )
                result.check(
                    not wrong,
                    f"{name}: every AI failure is a 503 ai_unavailable ({len(wrong)} not)",
                )
                result.check(
                    figures["ai"]["refused_at_once"] > 0,
                    f"{name}: the breaker opens (refusals at once)",
                )
            else:
                # An answer still running when the first fault goes in may meet it.
                done = [t for t in timings if t.started + (t.total_ms or 0) / 1000 <= end]
                result.check(
                    all(t.ok for t in done) and bool(done),
                    "normal: every AI answer that ends before the faults succeeds",
                )
        result.check(not server_errors(reads), f"{name}: no read fails")
        result.check(
            read_p99 <= READ_P99_BOUND_MS, f"{name}: read p99 within {READ_P99_BOUND_MS:.0f} ms"
        )
        result.figures[name] = figures
    result.figures["AI recovery after each DeepSeek fault"] = recoveries
    # The few answers of a fault phase that succeed are retries that came after it ended.
    result.figures["DeepSeek requests a fault did not shape"] = unfaulted
    result.check(not any(unfaulted.values()), "every DeepSeek request during a fault met it")
    slow_starts = [r for r in refused if r[2] > SLEAKOPS_BOUND_SECONDS]
    unclear = [r for r in refused if (r[0], r[1]) != (503, "sleakops_unavailable")]
    result.figures["build starts while SleakOps failed"] = {
        "answers": len(refused),
        "by_outcome": _count(f"{s} {c}" for s, c, _ in refused),
        "max_ms": round(max((r[2] for r in refused), default=0) * 1000, 1),
    }
    states = sorted(set(finished.values()))
    result.figures["in-flight releases finished after SleakOps returned"] = (
        f"{len(finished)}/{len(in_flight)} within {time.monotonic() - back:.0f} s: {states}"
    )
    result.check(not slow_starts, f"every build start answers within {SLEAKOPS_BOUND_SECONDS} s")
    result.check(not unclear, "every build start during the outage is a 503 sleakops_unavailable")
    result.check(
        len(finished) == len(in_flight) and set(finished.values()) == {"created"},
        "releases in flight during the SleakOps outage finish (created) once it returns",
    )
    return result.done()


def _count(labels: Any) -> dict[str, int]:
    counts: dict[str, int] = {}
    for label in labels:
        counts[label] = counts.get(label, 0) + 1
    return counts


async def _wait_finished(
    database_url: str, release_ids: list[str], timeout: float
) -> dict[str, str]:
    deadline = time.monotonic() + timeout
    finished: dict[str, str] = {}
    while time.monotonic() < deadline:
        finished = await facts.finished_releases(database_url, release_ids)
        if len(finished) == len(release_ids):
            break
        await asyncio.sleep(0.5)
    return finished
