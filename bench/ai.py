"""AI streaming overhead: time to first and last token through Shipdeck vs. straight to the
DeepSeek simulator, and many concurrent streams in one process.

The direct request is the very request Shipdeck sent (read back from the simulator's request
log), so both paths get the same answer, chunk for chunk.
"""

from __future__ import annotations

import asyncio
import json
import random
import re
import time
from dataclasses import dataclass, field
from typing import Any

import httpx

from bench.env import DEEPSEEK_KEY, Process, say
from bench.load import percentile
from bench.sse import DEEPSEEK_FIRST, DEEPSEEK_LAST, Timing, stream

_TTFT_METRIC = re.compile(rb'"AiTimeToFirstToken":([\d.]+)')
_ERROR_CODE = re.compile(rb'"code": ?"([a-z_]+)"')


@dataclass
class Pair:
    direct: list[Timing] = field(default_factory=list)
    shipdeck: list[Timing] = field(default_factory=list)


def captured_request(deepseek_url: str) -> tuple[str, bytes]:
    """The path and body of the last chat request the simulator received."""
    log = httpx.get(
        f"{deepseek_url}/_sim/requests", params={"path": "*/chat/completions"}, timeout=10
    ).json()
    entry = log[-1]
    return str(entry["path"]), json.dumps(entry["body"]).encode()


async def latency(
    explain_url: str,
    headers: dict[str, str],
    deepseek_url: str,
    *,
    samples: int,
    lanes: int,
) -> Pair:
    """`samples` answers each way; `lanes` clients at once, each alternating the two paths in
    a random order so that drift on the machine hits both alike."""
    warm = await stream(explain_url, headers=headers)
    if not warm.ok:
        raise SystemExit(f"explain failed: {warm.status} {warm.body_head[:300]!r}")
    path, body = captured_request(deepseek_url)
    direct_url = f"{deepseek_url}{path}"
    direct_headers = {"Authorization": f"Bearer {DEEPSEEK_KEY}", "Content-Type": "application/json"}
    pair = Pair()
    rng = random.Random(6)

    async def lane(count: int) -> None:
        for _ in range(count):
            order = ["direct", "shipdeck"]
            rng.shuffle(order)
            for which in order:
                if which == "direct":
                    pair.direct.append(
                        await stream(
                            direct_url,
                            headers=direct_headers,
                            body=body,
                            first=DEEPSEEK_FIRST,
                            last=DEEPSEEK_LAST,
                        )
                    )
                else:
                    pair.shipdeck.append(await stream(explain_url, headers=headers))

    per_lane = [samples // lanes + (1 if i < samples % lanes else 0) for i in range(lanes)]
    await asyncio.gather(*(lane(n) for n in per_lane))
    async with httpx.AsyncClient(timeout=10) as control:
        await control.delete(f"{deepseek_url}/_sim/requests")
    return pair


def summarize_latency(pair: Pair, server_log: bytes) -> dict[str, Any]:
    def stats(values: list[float]) -> dict[str, float]:
        return {f"p{q}": round(percentile(values, q), 2) for q in (50, 90, 99)}

    ok_direct = [t for t in pair.direct if t.ok]
    ok_ship = [t for t in pair.shipdeck if t.ok]
    d_first = [t.first_token_ms or 0.0 for t in ok_direct]
    s_first = [t.first_token_ms or 0.0 for t in ok_ship]
    d_last = [t.last_token_ms or 0.0 for t in ok_direct]
    s_last = [t.last_token_ms or 0.0 for t in ok_ship]
    inside = [float(m) for m in _TTFT_METRIC.findall(server_log)]
    result: dict[str, Any] = {
        "samples": {"direct": len(ok_direct), "shipdeck": len(ok_ship)},
        "failed": {
            "direct": len(pair.direct) - len(ok_direct),
            "shipdeck": len(pair.shipdeck) - len(ok_ship),
        },
        "frames": {
            "direct": ok_direct[0].frames if ok_direct else 0,
            "shipdeck": ok_ship[0].frames if ok_ship else 0,
        },
        "ttft_ms": {"direct": stats(d_first), "shipdeck": stats(s_first)},
        "ttlt_ms": {"direct": stats(d_last), "shipdeck": stats(s_last)},
        # Shipdeck's own metric: from the DeepSeek call's start to its first token, measured
        # inside the process. Shipdeck's TTFT minus this is the work before the call.
        "inside_call_ttft_ms": stats(inside[-len(ok_ship) :]) if inside else {},
        "raw": {"direct_ttft": d_first, "shipdeck_ttft": s_first},
    }
    for key in ("ttft_ms", "ttlt_ms"):
        result[f"added_{key}"] = {
            q: round(result[key]["shipdeck"][q] - result[key]["direct"][q], 2)
            for q in ("p50", "p90", "p99")
        }
    return result


async def concurrent(
    explain_url: str,
    headers: dict[str, str],
    deepseek_url: str,
    server: Process,
    *,
    streams: int,
    ramp_seconds: float,
    chunk_delay_s: float,
) -> dict[str, Any]:
    """`streams` answers opened over `ramp_seconds`, paced slowly enough by the simulator that
    all of them are open at once; the server's RSS is sampled throughout."""
    await _settings(deepseek_url, chunk_delay_s=chunk_delay_s)
    rss: list[tuple[float, int]] = []
    idle_rss = server.rss_bytes()
    cpu0 = server.cpu_seconds()
    start = time.monotonic()
    stop = asyncio.Event()

    async def sample() -> None:
        while not stop.is_set():
            rss.append((time.monotonic() - start, server.rss_bytes()))
            await asyncio.sleep(0.25)

    async def one(delay: float) -> Timing:
        await asyncio.sleep(delay)
        return await stream(explain_url, headers=headers, deadline_s=300)

    sampler = asyncio.create_task(sample())
    try:
        timings = await asyncio.gather(*(one(i * ramp_seconds / streams) for i in range(streams)))
        await asyncio.sleep(3)  # what the process keeps once every stream has ended
    finally:
        stop.set()
        await sampler
        await _settings(deepseek_url, chunk_delay_s=0.015)
    wall = time.monotonic() - start
    cpu = server.cpu_seconds() - cpu0
    # Open streams over time: an answer counts from its first token to its last.
    edges: list[tuple[float, int]] = []
    for t in timings:
        if t.first_token_ms is not None:
            edges.append((t.started - start + t.first_token_ms / 1000, 1))
            end = t.last_token_ms or t.total_ms or t.first_token_ms
            edges.append((t.started - start + end / 1000, -1))
    open_now = peak = 0
    series: list[tuple[float, int]] = []
    for at, step in sorted(edges):
        open_now += step
        peak = max(peak, open_now)
        series.append((at, open_now))
    ok = [t for t in timings if t.ok]
    peak_rss = max(b for _, b in rss)
    say(f"{len(ok)}/{streams} streams complete, peak {peak} open at once")
    return {
        "streams": streams,
        "completed": len(ok),
        "failed": streams - len(ok),
        "statuses": _counts(t.status for t in timings),
        "errors": _counts(_error_code(t) for t in timings if not t.ok),
        "peak_open": peak,
        "ramp_s": ramp_seconds,
        "chunk_delay_s": chunk_delay_s,
        "frames_per_stream": ok[0].frames if ok else 0,
        "ttft_ms": {
            f"p{q}": round(percentile([t.first_token_ms or 0 for t in ok], q), 1) for q in (50, 99)
        },
        "rss_mib": {
            "idle": round(idle_rss / 2**20, 1),
            "peak": round(peak_rss / 2**20, 1),
            "after": round(rss[-1][1] / 2**20, 1),
            "per_stream_kib": round((peak_rss - idle_rss) / max(peak, 1) / 1024, 1),
        },
        "server_cpu_utilization": round(cpu / wall, 2),
        "wall_s": round(wall, 1),
        "series_open": series,
        "series_rss": [(round(t, 2), round(b / 2**20, 1)) for t, b in rss],
    }


def _error_code(timing: Timing) -> str:
    """The `error.code` of a refused answer (or how the stream ended, if it had begun)."""
    if timing.error:
        return timing.error
    match = _ERROR_CODE.search(timing.body_head)
    return match[1].decode() if match else f"status {timing.status}"


async def _settings(deepseek_url: str, **changes: Any) -> None:
    async with httpx.AsyncClient(timeout=10) as control:
        (await control.patch(f"{deepseek_url}/_sim/settings", json=changes)).raise_for_status()


def _counts(values: Any) -> dict[str, int]:
    counts: dict[str, int] = {}
    for v in values:
        counts[str(v)] = counts.get(str(v), 0) + 1
    return counts
