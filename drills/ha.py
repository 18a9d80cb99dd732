"""HA: `kill -9` one API process under steady load.

Promise: once HAProxy's health check has marked the dead process down, no read fails; the reads
that fail before that fall inside a window this drill measures. No acknowledged write is lost or
doubled.
"""

from __future__ import annotations

import asyncio
import signal
import time

from bench.seed import Seeded
from drills.cluster import Cluster, say
from drills.report import Result, check_writes
from drills.traffic import Traffic, server_errors, summary


async def run(cluster: Cluster, seeded: Seeded, *, seconds: float) -> Result:
    result = Result("HA: kill -9 one of the API processes under load")
    victim = next(iter(cluster.apis))
    async with Traffic(cluster.url, seeded) as traffic:
        await asyncio.sleep(seconds / 3)
        killed_at = time.monotonic()
        process = cluster.signal_api(victim, signal.SIGKILL)
        say(f"killed {victim} (pid {process.pid})")
        down_at = await asyncio.to_thread(cluster.wait_state, victim, "DOWN", after=killed_at)
        await asyncio.sleep(seconds * 2 / 3)
    cluster.wait_exit(process, timeout=5)
    restarted_at = time.monotonic()
    await asyncio.to_thread(cluster.start_api, victim)
    await asyncio.to_thread(cluster.wait_state, victim, "UP", after=restarted_at)

    reads = [o for o in traffic.outcomes if o.kind == "read"]
    before = [o for o in reads if o.started < killed_at]
    window = [o for o in reads if killed_at <= o.started < down_at]
    after = [o for o in reads if o.started >= down_at]
    failed_window = server_errors(window)
    failed_after = server_errors(after)
    result.figures["health check reaction (kill -> marked DOWN)"] = (
        f"{(down_at - killed_at) * 1000:.0f} ms (checks every 500 ms, down after 2 failures)"
    )
    result.figures["reads before the kill"] = summary(before)
    result.figures["reads in the window"] = summary(window)
    result.figures["failed reads in the window"] = len(failed_window)
    result.figures["reads after DOWN"] = summary(after)
    result.figures["writes (every attempt)"] = summary(
        [o for o in traffic.outcomes if o.kind == "write"]
    )
    result.check(not server_errors(before), "no read fails before the kill")
    result.check(
        not failed_after,
        f"no read fails once HAProxy marked the process down ({len(failed_after)} did)",
    )
    await check_writes(result, traffic, cluster, seeded)
    return result.done()
