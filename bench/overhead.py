"""API overhead: Shipdeck's hot reads against the bare baseline (bench/baseline.py).

For each endpoint, rounds of wrk runs alternate the two servers (the order flips each round, so
drift on a shared machine hits both alike). Two figures come out of each run: the requests per
second, and the server process's CPU time per request (read from /proc). The second is what the
server itself spends; it does not depend on whether the stand-ins on the other core kept up, and
it is what sizes the fleet (tasks scale on CPU). Then both servers are held at half of
Shipdeck's maximum with hey and their latency percentiles recorded.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from typing import Any

from bench.env import Server, cpu_meter, say
from bench.load import HeyResult, WrkResult, hey, wrk


@dataclass
class Runs:
    wrk: list[WrkResult] = field(default_factory=list)
    cpu_ms_per_request: list[float] = field(default_factory=list)
    utilization: list[float] = field(default_factory=list)

    @property
    def rps(self) -> float:
        return statistics.median(r.requests_per_s for r in self.wrk)

    @property
    def cpu_ms(self) -> float:
        return statistics.median(self.cpu_ms_per_request)


def max_throughput(
    servers: dict[str, Server],
    path: str,
    headers: dict[str, str],
    *,
    rounds: int,
    seconds: int,
    connections: int,
) -> dict[str, Runs]:
    runs = {name: Runs() for name in servers}
    names = list(servers)
    for n in range(rounds):
        order = names if n % 2 == 0 else names[::-1]
        for name in order:
            server = servers[name]
            with cpu_meter(server.process) as cpu:
                result = wrk(server.url + path, headers, connections=connections, seconds=seconds)
            if result.errors:
                raise SystemExit(f"{name} {path}: {result.errors} errors under wrk")
            runs[name].wrk.append(result)
            runs[name].cpu_ms_per_request.append(cpu["cpu_s"] / result.requests * 1000)
            runs[name].utilization.append(cpu["utilization"])
            say(
                f"  {name:9s} {result.requests_per_s:7.1f} req/s  "
                f"{runs[name].cpu_ms_per_request[-1]:.2f} ms CPU/req  "
                f"server CPU {cpu['utilization']:.0%}"
            )
    return runs


def latency_at(
    servers: dict[str, Server], path: str, headers: dict[str, str], *, rate: float, seconds: float
) -> dict[str, HeyResult]:
    out = {}
    for name, server in servers.items():
        out[name] = hey(server.url + path, headers, rate=rate, seconds=seconds, workers=10)
        say(
            f"  {name:9s} at {rate:.0f} req/s: p50 {out[name].p(50):.1f} ms, "
            f"p99 {out[name].p(99):.1f} ms"
        )
    return out


def summarize(runs: dict[str, Runs], half: dict[str, HeyResult], *, rate: float) -> dict[str, Any]:
    base, ship = runs["baseline"], runs["shipdeck"]
    per_round = [
        s.requests_per_s / b.requests_per_s for s, b in zip(ship.wrk, base.wrk, strict=True)
    ]
    return {
        "baseline": {
            "requests_per_s": round(base.rps, 1),
            "cpu_ms_per_request": round(base.cpu_ms, 3),
            "server_cpu": [round(u, 2) for u in base.utilization],
            "runs": [r.as_dict() for r in base.wrk],
        },
        "shipdeck": {
            "requests_per_s": round(ship.rps, 1),
            "cpu_ms_per_request": round(ship.cpu_ms, 3),
            "server_cpu": [round(u, 2) for u in ship.utilization],
            "runs": [r.as_dict() for r in ship.wrk],
        },
        "throughput_ratio": round(statistics.median(per_round), 3),
        "throughput_ratio_rounds": [round(r, 3) for r in per_round],
        # Requests one CPU-second serves, Shipdeck over baseline.
        "cpu_ratio": round(base.cpu_ms / ship.cpu_ms, 3),
        "half_rate": {
            "rate_per_s": round(rate, 1),
            **{name: result.summary() for name, result in half.items()},
        },
        "commands": {
            "wrk": ship.wrk[0].command,
            "hey": half["shipdeck"].command,
        },
    }
