"""Running the background work (reconciler, outbox relay) step by step, as a test needs it."""

from __future__ import annotations

import asyncio
import time

from shipdeck.releases.models import Release, ReleaseState
from shipdeck.resources import Resources

FINAL = {s.value for s in ReleaseState if s.finished}


async def release_state(resources: Resources, release_id: str) -> str:
    async with resources.sessions() as session:
        release = await session.get(Release, release_id)
        assert release is not None
        return release.state


async def follow(resources: Resources, release_id: str, *, timeout: float = 15.0) -> list[str]:
    """Runs reconciler rounds until the release finishes; returns the states it went through."""
    seen = [await release_state(resources, release_id)]
    deadline = time.monotonic() + timeout
    while seen[-1] not in FINAL:
        assert time.monotonic() < deadline, f"release still {seen[-1]} after {timeout}s"
        await resources.reconciler.reconcile_once()
        state = await release_state(resources, release_id)
        if state != seen[-1]:
            seen.append(state)
        await asyncio.sleep(0.01)
    return seen


async def relay_all(resources: Resources) -> int:
    moved = 0
    while batch := await resources.relay.relay_once():
        moved += batch
    return moved
