"""What actually happened, read from the stores themselves after a drill: MariaDB (releases,
the outbox, each project's event counter), DynamoDB through the API (the timeline), and the
SleakOps simulator's request log (what reached SleakOps)."""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass
from typing import Any

import httpx
from sqlalchemy import bindparam, text
from sqlalchemy.ext.asyncio import create_async_engine


async def _query(database_url: str, sql: str, **params: Any) -> list[Any]:
    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as conn:
            return list((await conn.execute(text(sql), params)).all())
    finally:
        await engine.dispose()


def query(database_url: str, sql: str, **params: Any) -> list[Any]:
    return asyncio.run(_query(database_url, sql, **params))


async def aquery(database_url: str, sql: str, **params: Any) -> list[Any]:
    return await _query(database_url, sql, **params)


@dataclass
class Releases:
    by_key: dict[str, list[str]]  # idempotency key -> release ids
    by_id: dict[str, str]  # release id -> state
    without_requested_event: list[str]


async def releases(database_url: str, project_id: str, events: list[dict[str, Any]]) -> Releases:
    rows = await aquery(
        database_url,
        "SELECT id, idempotency_key, state FROM releases WHERE project_id = :p",
        p=project_id,
    )
    by_key: dict[str, list[str]] = {}
    for release_id, key, _ in rows:
        by_key.setdefault(key, []).append(release_id)
    requested = {e["release_id"] for e in events if e["type"] == "release.requested"}
    return Releases(
        by_key=by_key,
        by_id={r[0]: r[2] for r in rows},
        without_requested_event=[r[0] for r in rows if r[0] not in requested],
    )


async def event_counter(database_url: str, project_id: str) -> int:
    rows = await aquery(database_url, "SELECT event_seq FROM projects WHERE id = :p", p=project_id)
    return int(rows[0][0])


async def outbox_backlog(database_url: str) -> int:
    return int((await aquery(database_url, "SELECT COUNT(*) FROM outbox"))[0][0])


async def timeline(
    http: httpx.AsyncClient, project_id: str, headers: dict[str, str]
) -> list[dict[str, Any]]:
    """Every event of the project in DynamoDB, oldest first."""
    events: list[dict[str, Any]] = []
    cursor = None
    while True:
        params = {"limit": "100", **({"cursor": cursor} if cursor else {})}
        page = await http.get(f"/api/projects/{project_id}/events", params=params, headers=headers)
        page.raise_for_status()
        body = page.json()
        events.extend(body["items"])
        cursor = body["next_cursor"]
        if not cursor:
            return list(reversed(events))


async def wait_relayed(database_url: str, timeout: float) -> float | None:
    """Seconds until the outbox is empty (every event in DynamoDB), or None."""
    started = asyncio.get_running_loop().time()
    while asyncio.get_running_loop().time() - started < timeout:
        if await outbox_backlog(database_url) == 0:
            return asyncio.get_running_loop().time() - started
        await asyncio.sleep(0.2)
    return None


def build_posts_by_commit(sleakops_url: str) -> Counter[str]:
    """How many build requests reached SleakOps, per commit."""
    log = httpx.get(
        f"{sleakops_url}/_sim/requests",
        params={"path": "/api/cli-build/", "method": "POST"},
        timeout=10,
    ).json()
    return Counter(str((entry.get("body") or {}).get("commit")) for entry in log)


def sequence_problems(ids: list[int], last: int) -> tuple[list[int], list[int]]:
    """Numbers in 1..last absent from `ids`, and numbers present more than once (any)."""
    counts = Counter(ids)
    return [n for n in range(1, last + 1) if n not in counts], [
        n for n, c in counts.items() if c > 1
    ]


async def finished_releases(database_url: str, release_ids: list[str]) -> dict[str, str]:
    """The final state of each of these releases that is no longer followed."""
    statement = text("SELECT id, state FROM releases WHERE polling = 0 AND id IN :ids")
    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as conn:
            rows = await conn.execute(
                statement.bindparams(bindparam("ids", expanding=True)), {"ids": release_ids}
            )
            return {row[0]: row[1] for row in rows}
    finally:
        await engine.dispose()
