"""A drill's result: the figures it measured and the promises it found broken."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any

import httpx

from bench.seed import Seeded
from drills import facts
from drills.cluster import Cluster
from drills.traffic import Traffic


@dataclass
class Result:
    name: str
    figures: dict[str, Any] = field(default_factory=dict)
    broken: list[str] = field(default_factory=list)
    skipped: str = ""
    started: float = field(default_factory=time.monotonic)
    seconds: float = 0.0

    def check(self, ok: bool, promise: str) -> None:
        """Records `promise` as broken unless `ok`."""
        if not ok:
            self.broken.append(promise)

    def done(self) -> Result:
        self.seconds = round(time.monotonic() - self.started, 1)
        return self

    @property
    def verdict(self) -> str:
        if self.skipped:
            return "SKIPPED"
        return "BROKEN" if self.broken else "KEPT"

    def render(self) -> str:
        lines = [f"== {self.name}: {self.verdict} ({self.seconds:.0f} s)"]
        if self.skipped:
            lines.append(f"   skipped: {self.skipped}")
        for key, value in self.figures.items():
            text = json.dumps(value) if isinstance(value, dict | list) else str(value)
            lines.append(f"   {key}: {text}")
        lines.extend(f"   BROKEN: {promise}" for promise in self.broken)
        return "\n".join(lines)


async def check_writes(
    result: Result,
    traffic: Traffic,
    cluster: Cluster,
    seeded: Seeded,
    *,
    relay_timeout: float = 60.0,
) -> None:
    """Every acknowledged write exists exactly once, reached SleakOps at most once, and left a
    whole trail: its release row and its `release.requested` event, and the project's timeline
    is numbered 1..N with no gap and no repeat."""
    database_url, sleakops_url = cluster.stack.database_url, cluster.stack.sleakops_url
    # Releases may still be moving (and numbering events): check everything up to the number
    # read now, once the outbox has been empty after reading it.
    last = await facts.event_counter(database_url, seeded.project_id)
    relayed = await facts.wait_relayed(database_url, relay_timeout)
    result.check(
        relayed is not None, f"every outbox event reaches DynamoDB within {relay_timeout:.0f} s"
    )
    async with httpx.AsyncClient(base_url=cluster.url, timeout=30) as http:
        events = await facts.timeline(http, seeded.project_id, seeded.headers)
    releases = await facts.releases(database_url, seeded.project_id, events)
    posts = facts.build_posts_by_commit(sleakops_url)
    lost = [a for a in traffic.acks if releases.by_key.get(a.key) != [a.release_id]]
    twice = [a for a in traffic.acks if posts.get(a.commit, 0) > 1]
    missing, repeated = facts.sequence_problems([int(e["id"]) for e in events], last)
    result.figures["writes acknowledged"] = len(traffic.acks)
    result.figures["writes that needed a retry"] = sum(1 for a in traffic.acks if a.attempts > 1)
    result.figures["writes never acknowledged"] = len(traffic.unacknowledged)
    result.figures["timeline events (1..N)"] = last
    result.check(
        not lost, f"every acknowledged write exists exactly once (lost or doubled: {len(lost)})"
    )
    result.check(not twice, f"no write reaches SleakOps twice ({len(twice)} did)")
    partial = len(releases.without_requested_event)
    result.check(not partial, f"no partial write: every release has its event ({partial} without)")
    result.check(
        not missing and not repeated,
        "the timeline holds each event exactly once "
        f"(missing {missing[:5]}, repeated {repeated[:5]})",
    )
    result.check(not traffic.unacknowledged, "every write is acknowledged once the failure is over")
