"""Rolling restart: SIGTERM each API process in turn, under load, with live timeline watchers.

Each process drains (fails /readyz while still serving, so HAProxy moves traffic away), ends its
streams with a `reconnect` event, finishes what is in flight and exits; it is started again and
the next one goes. Promise: no 5xx and no unanswered request; every watcher resumes with
`Last-Event-ID` and gets every event exactly once.
"""

from __future__ import annotations

import asyncio
import signal
import time

from bench.seed import Seeded
from drills import facts
from drills.cluster import Cluster, say
from drills.report import Result, check_writes
from drills.timeline import gaps_and_repeats, watch
from drills.traffic import Traffic, server_errors, summary


async def run(cluster: Cluster, seeded: Seeded, *, watchers: int, settle: float) -> Result:
    result = Result("Rolling restart: SIGTERM each API process in turn, under load, with SSE")
    db = cluster.stack.database_url
    first = await facts.event_counter(db, seeded.project_id)
    followers = await watch(
        cluster.url, seeded.project_id, seeded.headers, count=watchers, after=first
    )
    restarts: dict[str, str] = {}
    async with Traffic(cluster.url, seeded) as traffic:
        await asyncio.sleep(settle)
        for name in list(cluster.apis):
            stopped_at = time.monotonic()
            process = cluster.signal_api(name, signal.SIGTERM)
            exited = await asyncio.to_thread(cluster.wait_exit, process, 60)
            await asyncio.to_thread(cluster.start_api, name)
            back = await asyncio.to_thread(cluster.wait_state, name, "UP", after=stopped_at)
            restarts[name] = (
                f"exited {exited:.1f} s after SIGTERM, UP again after {back - stopped_at:.1f} s"
            )
            say(f"{name} restarted: {restarts[name]}")
            await asyncio.sleep(settle)
    relayed = await facts.wait_relayed(db, 60)
    last = await facts.event_counter(db, seeded.project_id)
    for follower in followers:
        await follower.wait_for(last, timeout=20)
        await follower.stop()

    failures = server_errors(traffic.outcomes)
    result.figures["restarts"] = restarts
    result.figures["requests"] = summary(traffic.outcomes)
    result.figures["events during the drill"] = last - first
    result.figures["watchers"] = watchers
    result.figures["resumes with Last-Event-ID per watcher"] = [f.resumes for f in followers]
    refused = [r for f in followers for r in f.refused]
    result.figures["refused reconnects"] = refused
    result.check(relayed is not None, "the outbox empties after the restarts")
    result.check(not failures, f"no 5xx and no unanswered request ({len(failures)})")
    result.check(
        not [r for r in refused if not r.isdigit() or int(r) >= 500],
        "no watcher reconnect is refused with a 5xx or cut",
    )
    result.check(all(f.resumes >= 1 for f in followers), "every watcher resumed at least once")
    for n, follower in enumerate(followers, 1):
        missing, repeated = gaps_and_repeats(follower.ids, first + 1, last)
        result.check(
            not missing and not repeated,
            f"watcher {n} got every event once (missing {missing[:5]}, repeated {repeated[:5]})",
        )
    result.check(last > first, "events happened during the drill")
    await check_writes(result, traffic, cluster, seeded)
    return result.done()
