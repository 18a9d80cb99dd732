"""Fail fast: DeepSeek stalls (accepts the connection, never answers) under steady traffic.

Three phases under the same offered load (AI answers at a steady rate, non-AI reads by hey):
normal (DeepSeek healthy), stalled (every call hangs until Shipdeck's first-token deadline;
the breaker is still closed), breaker open (5 consecutive failures opened it). What must hold:
once open, AI requests answer 503 at once, and the non-AI reads' p99 stays within 10 % of the
normal phase's (the bulkhead: a stalled dependency takes nothing the rest of the API needs).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass
from typing import Any

import httpx

from bench.env import say
from bench.load import HeyResult, hey_async, percentile
from bench.sse import Timing, stream


@dataclass
class AiShot:
    at: float  # seconds since the experiment began
    timing: Timing

    @property
    def breaker_open(self) -> bool:
        return self.timing.status == 503 and b"breaker_open" in self.timing.body_head


async def run(
    *,
    shipdeck_url: str,
    deepseek_url: str,
    headers: dict[str, str],
    explain_path: str,
    reads: dict[str, str],
    read_rate: float,
    ai_rate: float,
    normal_s: float,
    stalled_s: float,
    open_s: float,
    open_wait_s: float = 90.0,
    settle_s: float = 5.0,
    warmup_s: float = 5.0,
) -> dict[str, Any]:
    shots: list[AiShot] = []
    tasks: set[asyncio.Task[None]] = set()
    firing = asyncio.Event()
    breaker_opened = asyncio.Event()
    firing.set()

    async def shoot() -> None:
        at = time.monotonic() - start
        timing = await stream(f"{shipdeck_url}{explain_path}", headers=headers, deadline_s=90)
        shot = AiShot(at, timing)
        shots.append(shot)
        if shot.breaker_open:
            breaker_opened.set()

    async def fire() -> None:
        n = 0
        while firing.is_set():
            task = asyncio.create_task(shoot())
            tasks.add(task)
            task.add_done_callback(tasks.discard)
            n += 1
            await asyncio.sleep(max(0.0, start + n / ai_rate - time.monotonic()))

    async def reads_for(seconds: float) -> dict[str, HeyResult]:
        results = await asyncio.gather(
            *(
                hey_async(
                    f"{shipdeck_url}{path}", headers, rate=read_rate, seconds=seconds, workers=5
                )
                for path in reads.values()
            )
        )
        return dict(zip(reads, results, strict=True))

    await asyncio.sleep(settle_s)  # whatever the previous benchmark left running ends first
    start = time.monotonic()
    firer = asyncio.create_task(fire())
    phases: dict[str, dict[str, HeyResult]] = {}
    windows: dict[str, tuple[float, float]] = {}
    stall_at = open_at = 0.0
    try:
        await reads_for(warmup_s)  # the same load, not counted: connections, caches, pools
        t = time.monotonic() - start
        phases["normal"] = await reads_for(normal_s)
        windows["normal"] = (t, time.monotonic() - start)
        say("DeepSeek now stalls every call")
        async with httpx.AsyncClient(timeout=10) as control:
            response = await control.post(
                f"{deepseek_url}/_sim/faults",
                json={"route": "/chat/completions", "method": "POST", "fault": "stall"},
            )
            response.raise_for_status()
        stall_at = time.monotonic() - start
        phases["stalled"] = await reads_for(stalled_s)
        windows["stalled"] = (stall_at, time.monotonic() - start)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(breaker_opened.wait(), open_wait_s)
        opened = [s for s in shots if s.breaker_open]
        if not opened:
            raise RuntimeError("the breaker did not open")
        open_at = min(s.at + (s.timing.total_ms or 0) / 1000 for s in opened)
        say(f"breaker open {open_at - stall_at:.1f} s after the stall began")
        t = time.monotonic() - start
        phases["open"] = await reads_for(open_s)
        windows["open"] = (t, time.monotonic() - start)
    finally:
        firing.clear()
        firer.cancel()
        for task in list(tasks):
            task.cancel()
        await asyncio.gather(firer, *tasks, return_exceptions=True)
        async with httpx.AsyncClient(timeout=10) as control:
            await control.delete(f"{deepseek_url}/_sim/faults")
    summary = _summary(phases, windows, shots, stall_at, open_at, read_rate, ai_rate)
    summary["warmup_s"] = warmup_s
    return summary


def _summary(
    phases: dict[str, dict[str, HeyResult]],
    windows: dict[str, tuple[float, float]],
    shots: list[AiShot],
    stall_at: float,
    open_at: float,
    read_rate: float,
    ai_rate: float,
) -> dict[str, Any]:
    def ai_in(window: tuple[float, float]) -> list[AiShot]:
        return [s for s in shots if window[0] <= s.at < window[1]]

    reads: dict[str, Any] = {}
    for phase, results in phases.items():
        reads[phase] = {name: r.summary() for name, r in results.items()}
    ratios = {
        name: round(phases["open"][name].p(99) / phases["normal"][name].p(99), 3)
        for name in phases["normal"]
    }
    stalled_ratios = {
        name: round(phases["stalled"][name].p(99) / phases["normal"][name].p(99), 3)
        for name in phases["normal"]
    }
    open_ai = [s for s in ai_in(windows["open"]) if s.timing.status == 503]
    open_ms = [s.timing.total_ms or 0.0 for s in open_ai]
    normal_ai = [s for s in ai_in(windows["normal"]) if s.timing.ok]
    return {
        "read_rate_per_endpoint": read_rate,
        "ai_rate": ai_rate,
        "windows_s": {k: [round(a, 1), round(b, 1)] for k, (a, b) in windows.items()},
        "breaker_opened_after_s": round(open_at - stall_at, 1),
        "reads": reads,
        "read_p99_ratio_open_vs_normal": ratios,
        "read_p99_ratio_stalled_vs_normal": stalled_ratios,
        "ai_normal": {
            "answers": len(normal_ai),
            "ttft_p50_ms": round(
                percentile([s.timing.first_token_ms or 0 for s in normal_ai], 50), 1
            ),
        },
        "ai_open": {
            "requests": len(ai_in(windows["open"])),
            "answered_503": len(open_ai),
            "breaker_open_503": sum(1 for s in open_ai if s.breaker_open),
            "p50_ms": round(percentile(open_ms, 50), 2),
            "p99_ms": round(percentile(open_ms, 99), 2),
            "max_ms": round(max(open_ms, default=float("nan")), 2),
        },
        "ai_statuses_by_phase": {
            k: _counts(s.timing.status for s in ai_in(w)) for k, w in windows.items()
        },
        "timeline": {
            "ai": [
                (round(s.at, 2), s.timing.status, round(s.timing.total_ms or 0, 1)) for s in shots
            ],
            "reads": {
                phase: {
                    name: [
                        (round(windows[phase][0] + off, 2), st, round(lat, 1))
                        for off, st, lat in zip(
                            r.offsets_s, r.statuses, r.latencies_ms, strict=True
                        )
                    ]
                    for name, r in results.items()
                }
                for phase, results in phases.items()
            },
        },
    }


def _counts(values: Any) -> dict[str, int]:
    counts: dict[str, int] = {}
    for v in values:
        counts[str(v)] = counts.get(str(v), 0) + 1
    return counts
