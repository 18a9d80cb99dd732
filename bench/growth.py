"""Growth: the timeline page and the project list must cost the same at any data size.

The timeline of one project grows from 10^3 to 10^6 events (bulk-loaded into DynamoDB with
BatchWriteItem, 25 items a call, many calls at once), and 10^5 projects of other teams are added
to the relational database. The same reads are timed before and after; the query plans show why
they do not grow (a MySQL index range for the project list, a DynamoDB key condition with a limit
for the timeline page).
"""

from __future__ import annotations

import asyncio
import base64
import json
import time
from datetime import UTC, datetime
from typing import Any

import httpx
from sqlalchemy import insert, text
from sqlalchemy.ext.asyncio import create_async_engine
from ulid import ULID

from bench.env import say

BATCH = 25
# The local DynamoDB-API server does not check signatures; the loader speaks the JSON protocol
# directly because the SDK's serializer would double the load time on this machine.
_DYNAMO_HEADERS = {
    "Content-Type": "application/x-amz-json-1.0",
    "Authorization": "AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/dynamodb/aws4_request, "
    "SignedHeaders=host;x-amz-date;x-amz-target, Signature=0",
    "X-Amz-Date": "20260101T000000Z",
}


def cursor(seq: int) -> str:
    """The timeline's `next_cursor` for "before event `seq`" (as shipdeck.http.pagination)."""
    raw = json.dumps([seq], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _event(project_id: str, user_id: str, seq: int) -> dict[str, Any]:
    return {
        "pk": {"S": f"PROJECT#{project_id}#EVENTS"},
        "sk": {"S": f"EVENT#{seq:012d}"},
        "id": {"S": str(seq)},
        "project_id": {"S": project_id},
        "type": {"S": "environment.updated"},
        "at": {"S": "2026-11-27T10:00:00.000000+00:00"},
        "actor": {"M": {"id": {"S": user_id}, "name": {"S": "Bench"}}},
        "release_id": {"NULL": True},
        "summary": {"S": "Bench changed dev: branch."},
        "data": {"M": {"environment": {"S": "dev"}, "changed": {"M": {"branch": {"S": "main"}}}}},
    }


async def load_events(
    endpoint: str,
    table: str,
    project_id: str,
    user_id: str,
    *,
    first: int,
    last: int,
    budget_s: float,
    workers: int = 16,
) -> tuple[int, float]:
    """Writes events first..last (inclusive) in sequence order, stopping at the time budget.
    Returns the highest sequence number written contiguously and the seconds it took."""
    started = time.monotonic()
    next_start = first
    done: set[int] = set()
    stop = False

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal next_start, stop
        while not stop and next_start <= last:
            if time.monotonic() - started > budget_s:
                stop = True
                return
            begin = next_start
            end = min(begin + BATCH - 1, last)
            next_start = end + 1
            items = [
                {"PutRequest": {"Item": _event(project_id, user_id, s)}}
                for s in range(begin, end + 1)
            ]
            pending: dict[str, Any] = {table: items}
            while pending:
                response = await client.post(
                    endpoint,
                    content=json.dumps({"RequestItems": pending}),
                    headers={**_DYNAMO_HEADERS, "X-Amz-Target": "DynamoDB_20120810.BatchWriteItem"},
                )
                response.raise_for_status()
                pending = response.json().get("UnprocessedItems") or {}
            done.add(begin)

    async with httpx.AsyncClient(timeout=60) as client:
        await asyncio.gather(*(worker(client) for _ in range(workers)))
    # Batches finish out of order; the loaded prefix ends before the first missing batch.
    top = first - 1
    for begin in range(first, last + 1, BATCH):
        if begin not in done:
            break
        top = min(begin + BATCH - 1, last)
    return top, time.monotonic() - started


async def query_plan(
    endpoint: str, table: str, project_id: str, before: int | None, limit: int = 51
) -> dict[str, Any]:
    """The Query the timeline page sends, and how many items DynamoDB read to answer it."""
    request: dict[str, Any] = {
        "TableName": table,
        "KeyConditionExpression": "pk = :pk" + (" AND sk < :before" if before else ""),
        "ExpressionAttributeValues": {":pk": {"S": f"PROJECT#{project_id}#EVENTS"}},
        "ScanIndexForward": False,
        "Limit": limit,
        "ConsistentRead": True,
    }
    if before:
        request["ExpressionAttributeValues"][":before"] = {"S": f"EVENT#{before:012d}"}
    async with httpx.AsyncClient(timeout=30) as client:
        response = await client.post(
            endpoint,
            content=json.dumps(request),
            headers={**_DYNAMO_HEADERS, "X-Amz-Target": "DynamoDB_20120810.Query"},
        )
        response.raise_for_status()
        body = response.json()
    shown = {k: v for k, v in request.items() if k != "TableName"}
    return {"request": shown, "Count": body["Count"], "ScannedCount": body["ScannedCount"]}


async def load_projects(database_url: str, owner_id: str, *, projects: int, teams: int) -> float:
    """`projects` projects spread over `teams` new teams owned by `owner_id` (another user)."""
    from shipdeck.projects.models import Project
    from shipdeck.teams.models import Membership, Team

    started = time.monotonic()
    now = datetime.now(UTC)
    team_ids = [str(ULID()) for _ in range(teams)]
    engine = create_async_engine(database_url)
    try:
        async with engine.begin() as conn:
            await conn.execute(
                insert(Team),
                [
                    {
                        "id": t,
                        "name": f"Other {n}",
                        "created_by": owner_id,
                        "created_at": now,
                        "updated_at": now,
                    }
                    for n, t in enumerate(team_ids)
                ],
            )
            await conn.execute(
                insert(Membership),
                [
                    {"team_id": t, "user_id": owner_id, "role": "owner", "created_at": now}
                    for t in team_ids
                ],
            )
        batch = 5000
        for offset in range(0, projects, batch):
            rows = [
                {
                    "id": str(ULID()),
                    "team_id": team_ids[n % teams],
                    "name": f"Project {n}",
                    "slug": f"project-{n}",
                    "sleakops_project": "other",
                    "repo_url": None,
                    "event_seq": 0,
                    "created_at": now,
                    "updated_at": now,
                }
                for n in range(offset, min(offset + batch, projects))
            ]
            async with engine.begin() as conn:
                await conn.execute(insert(Project), rows)
        async with engine.begin() as conn:
            for name in ("teams", "memberships", "projects"):
                await conn.execute(text(f"ANALYZE TABLE {name}"))
    finally:
        await engine.dispose()
    return time.monotonic() - started


PROJECT_LIST_SQL = (
    "SELECT projects.id, projects.team_id, projects.name, projects.slug, "
    "projects.sleakops_project, projects.repo_url, projects.event_seq, projects.created_at, "
    "projects.updated_at FROM projects "
    "WHERE projects.team_id = :team_id ORDER BY projects.id LIMIT 51"
)
TEAM_ROLE_SQL = (
    "SELECT teams.id, teams.name, teams.created_by, teams.created_at, teams.updated_at, "
    "memberships.role FROM teams INNER JOIN memberships ON memberships.team_id = teams.id "
    "WHERE teams.id = :team_id AND memberships.user_id = :user_id"
)


async def explain(database_url: str, team_id: str, user_id: str) -> dict[str, Any]:
    """EXPLAIN (the plan) and ANALYZE (rows actually read) of the project list's two queries."""
    engine = create_async_engine(database_url)
    out: dict[str, Any] = {}
    try:
        async with engine.connect() as conn:
            version = str((await conn.execute(text("SELECT VERSION()"))).scalar_one())
            out["server"] = version
            params = {"team_id": team_id, "user_id": user_id}
            for name, sql in (
                ("project_list", PROJECT_LIST_SQL),
                ("team_membership", TEAM_ROLE_SQL),
            ):
                result = await conn.execute(text(f"EXPLAIN {sql}"), params)
                columns = list(result.keys())
                plan = [dict(zip(columns, row, strict=True)) for row in result.all()]
                entry: dict[str, Any] = {"sql": sql, "explain": plan}
                if "mariadb" in version.lower():
                    raw = (
                        await conn.execute(text(f"ANALYZE FORMAT=JSON {sql}"), params)
                    ).scalar_one()
                    entry["rows_read"] = _rows_read(json.loads(raw))
                out[name] = entry
    finally:
        await engine.dispose()
    return out


def _rows_read(node: Any) -> list[dict[str, Any]]:
    """Each table access in a MariaDB ANALYZE FORMAT=JSON plan: access type, key, rows read."""
    found: list[dict[str, Any]] = []
    if isinstance(node, dict):
        if "table_name" in node and "r_rows" in node:
            found.append(
                {
                    "table": node["table_name"],
                    "access_type": node.get("access_type"),
                    "key": node.get("key"),
                    "r_rows": node.get("r_rows"),
                    "rows_examined_estimate": node.get("rows"),
                }
            )
        for value in node.values():
            found += _rows_read(value)
    elif isinstance(node, list):
        for value in node:
            found += _rows_read(value)
    return found


def log_load(what: str, count: int, seconds: float) -> None:
    say(f"loaded {count:,} {what} in {seconds:.0f} s ({count / max(seconds, 0.001):,.0f}/s)")
