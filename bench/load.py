"""The load tools: wrk for the highest throughput (closed loop, as many requests as the server
takes), hey for latency at a fixed rate (each worker rate-limited, every request's time kept).

Both run pinned to the tools' CPU, never the server's.
"""

from __future__ import annotations

import asyncio
import math
import re
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from bench.env import TOOLS_CPU, pinned


def require_tools() -> None:
    missing = [t for t in ("wrk", "hey") if shutil.which(t) is None]
    if missing:
        raise SystemExit(f"missing load tools: {' '.join(missing)} (apt-get install -y wrk hey)")


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of unsorted values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


@dataclass
class WrkResult:
    requests_per_s: float
    requests: int
    errors: int  # non-2xx answers plus socket errors
    latency_ms: dict[str, float]  # p50, p75, p90, p99
    command: str

    def as_dict(self) -> dict[str, object]:
        return {
            "requests_per_s": round(self.requests_per_s, 1),
            "requests": self.requests,
            "errors": self.errors,
            "latency_ms": self.latency_ms,
        }


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    if not match:
        raise ValueError(f"unreadable wrk latency {text!r}")
    return float(match[1]) * _UNITS[match[2]]


def wrk(
    url: str,
    headers: Mapping[str, str],
    *,
    connections: int,
    seconds: int,
) -> WrkResult:
    args = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    for name, value in headers.items():
        args += ["-H", f"{name}: {value}"]
    args.append(url)
    out = subprocess.run(  # noqa: S603 - fixed tool, our arguments
        pinned(args, TOOLS_CPU), capture_output=True, text=True, check=True
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1])  # type: ignore[index]
    total = int(re.search(r"(\d+) requests in", out)[1])  # type: ignore[index]
    latency = {
        f"p{p}": _ms(m[1])
        for p in ("50", "75", "90", "99")
        if (m := re.search(rf"^\s+{p}%\s+(\S+)", out, re.M))
    }
    errors = 0
    if m := re.search(r"Non-2xx or 3xx responses: (\d+)", out):
        errors += int(m[1])
    if m := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out):
        errors += sum(int(g) for g in m.groups())
    return WrkResult(rps, total, errors, latency, _shown(args, headers))


@dataclass
class HeyResult:
    """Every request of a hey run: its latency (ms), status and start offset (s)."""

    latencies_ms: list[float]
    statuses: list[int]
    offsets_s: list[float]
    seconds: float
    command: str
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return len(self.latencies_ms)

    @property
    def rate(self) -> float:
        return self.count / self.seconds if self.seconds else 0.0

    def p(self, q: float, *, status: int | None = None) -> float:
        values = (
            self.latencies_ms
            if status is None
            else [
                lat for lat, s in zip(self.latencies_ms, self.statuses, strict=True) if s == status
            ]
        )
        return percentile(values, q)

    def status_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for s in self.statuses:
            counts[str(s)] = counts.get(str(s), 0) + 1
        return counts

    def summary(self) -> dict[str, object]:
        return {
            "requests": self.count,
            "rate_per_s": round(self.rate, 1),
            "p50_ms": round(self.p(50), 2),
            "p90_ms": round(self.p(90), 2),
            "p99_ms": round(self.p(99), 2),
            "max_ms": round(max(self.latencies_ms, default=math.nan), 2),
            "statuses": self.status_counts(),
        }


def hey_args(
    url: str,
    headers: Mapping[str, str],
    *,
    rate: float,
    seconds: float,
    workers: int = 10,
    method: str = "GET",
    body: str | None = None,
) -> list[str]:
    """hey at `rate` requests/s in total (spread over `workers`), for `seconds`."""
    args = ["hey", "-cpus", "1", "-z", f"{seconds:g}s", "-c", str(workers)]
    args += ["-q", f"{rate / workers:.3f}", "-t", "30", "-o", "csv", "-m", method]
    for name, value in headers.items():
        args += ["-H", f"{name}: {value}"]
    if body is not None:
        args += ["-d", body, "-T", "application/json"]
    args.append(url)
    return args


def parse_hey(out: str, seconds: float, command: str) -> HeyResult:
    latencies: list[float] = []
    statuses: list[int] = []
    offsets: list[float] = []
    for line in out.splitlines()[1:]:
        cols = line.split(",")
        if len(cols) < 8:
            continue
        latencies.append(float(cols[0]) * 1000)
        statuses.append(int(cols[6]))
        offsets.append(float(cols[7]))
    return HeyResult(latencies, statuses, offsets, seconds, command)


def hey(
    url: str,
    headers: Mapping[str, str],
    *,
    rate: float,
    seconds: float,
    workers: int = 10,
    method: str = "GET",
    body: str | None = None,
) -> HeyResult:
    args = hey_args(
        url, headers, rate=rate, seconds=seconds, workers=workers, method=method, body=body
    )
    out = subprocess.run(  # noqa: S603 - fixed tool, our arguments
        pinned(args, TOOLS_CPU), capture_output=True, text=True, check=True
    ).stdout
    return parse_hey(out, seconds, _shown(args, headers))


async def hey_async(
    url: str,
    headers: Mapping[str, str],
    *,
    rate: float,
    seconds: float,
    workers: int = 10,
    method: str = "GET",
    body: str | None = None,
) -> HeyResult:
    """The same, without blocking the event loop (to run two loads at once)."""
    args = hey_args(
        url, headers, rate=rate, seconds=seconds, workers=workers, method=method, body=body
    )
    process = await asyncio.create_subprocess_exec(
        *pinned(args, TOOLS_CPU), stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    out, err = await process.communicate()
    if process.returncode != 0:
        raise RuntimeError(f"hey failed: {err.decode()[-500:]}")
    return parse_hey(out.decode(), seconds, _shown(args, headers))


def _shown(args: Sequence[str], headers: Mapping[str, str]) -> str:
    """The command line as documented: tokens replaced by a placeholder."""
    text = " ".join(a if " " not in a else f"'{a}'" for a in args)
    for value in headers.values():
        if value.startswith("Bearer "):
            text = text.replace(value, "Bearer $TOKEN")
    return text.replace(" -o csv", "")
