"""DynamoDB outage: stop the DynamoDB-API server while releases are moving.

Promise: requests that need a session answer 503 `dynamodb_unavailable` quickly; releases keep
moving (their state is in MariaDB) and their timeline events wait in the outbox; when DynamoDB
returns, every waiting event arrives, exactly once (the timeline is numbered 1..N, no gap, no
repeat).
"""

from __future__ import annotations

import asyncio
import time

import httpx

from bench.seed import Seeded
from drills import facts
from drills.cluster import Cluster, say
from drills.report import Result, check_writes
from drills.traffic import Traffic, recovery_text, server_errors, summary

# Two tries of at most 1 s to connect and 2 s to read (SHIPDECK_DYNAMODB_* defaults).
FAST_PROMISE_SECONDS = 6.0


async def run(cluster: Cluster, seeded: Seeded, *, outage: float, settle: float) -> Result:
    result = Result(f"DynamoDB outage: the DynamoDB-API server stopped for {outage:.0f} s")
    stack = cluster.stack
    db = stack.database_url
    # Builds that take a few polls, so releases are still moving when DynamoDB goes away.
    script = {"kind": "build", "initial_polls": 2, "creating_polls": 3, "times": 1000}
    httpx.post(f"{stack.sleakops_url}/_sim/scripts", json=script, timeout=5).raise_for_status()
    async with Traffic(cluster.url, seeded, write_pause=0.1) as traffic:
        await asyncio.sleep(settle)
        dynalite = next(p for p in stack.processes if p.name == "dynalite")
        stack.stop_process(dynalite)
        down_at = time.monotonic()
        backlog_start = await facts.outbox_backlog(db)
        say("DynamoDB-API server stopped")
        await asyncio.sleep(outage)
        backlog_end = await facts.outbox_backlog(db)
        await asyncio.to_thread(stack.start_dynamodb, keep_data=True)
        back_at = time.monotonic()
        say(f"DynamoDB-API server back (same port, same data); {backlog_end} events waited")
        await asyncio.sleep(settle)
    httpx.delete(f"{stack.sleakops_url}/_sim/scripts", timeout=5)

    during = [o for o in traffic.outcomes if down_at <= o.started < back_at]
    failed = [o for o in during if not o.ok]
    unclear = [o for o in failed if (o.status, o.code) != (503, "dynamodb_unavailable")]
    slow = [o for o in failed if o.seconds > FAST_PROMISE_SECONDS]
    after = sorted((o for o in traffic.outcomes if o.started >= back_at), key=lambda o: o.started)
    bad_after = [o for o in after if not o.ok]
    recovered_at = bad_after[-1].ended if bad_after else back_at
    result.figures["answers while DynamoDB was down"] = summary(during)
    result.figures["events waiting in the outbox (start -> end of the outage)"] = (
        f"{backlog_start} -> {backlog_end}"
    )
    result.figures["recovery (DynamoDB back -> every request succeeds)"] = recovery_text(
        recovered_at - back_at, after
    )
    result.check(bool(failed), "the outage was felt")
    result.check(
        not unclear, f"every failure is a 503 dynamodb_unavailable ({len(unclear)} were not)"
    )
    result.check(not slow, f"every failure comes within {FAST_PROMISE_SECONDS:.0f} s")
    result.check(backlog_end > backlog_start, "releases kept moving: events piled up in the outbox")
    before = [o for o in traffic.outcomes if o.ended < down_at]
    result.check(not server_errors(before), "no failure before the outage")
    await check_writes(result, traffic, cluster, seeded)
    return result.done()
