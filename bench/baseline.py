"""The baseline for the API-overhead benchmark: a bare ASGI app doing the same database work as
Shipdeck's three hot read endpoints, with the same drivers and nothing else.

For each request it does exactly the round trips Shipdeck does (read from Shipdeck's SQL echo):
the session lookup (a DynamoDB GetItem through aiobotocore, same client configuration), then the
same SQL statements through a SQLAlchemy async engine with the same driver (asyncmy) and pool
settings (pre-ping, READ COMMITTED), in one transaction, then (timeline) the same DynamoDB Query.
It has no framework, no middleware, no dependency injection, no validation models and no logs:
the difference in throughput is what Shipdeck's own layers cost.

    python -m bench.baseline --port 8200   # settings from the same SHIPDECK_* variables
"""

from __future__ import annotations

import argparse
import hashlib
import json
import time
from collections.abc import AsyncIterator, Mapping
from contextlib import AsyncExitStack, asynccontextmanager
from datetime import datetime
from decimal import Decimal
from typing import Any

import uvicorn
from boto3.dynamodb.types import TypeDeserializer
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.types import Receive, Scope, Send

from shipdeck.db.engine import create_engine
from shipdeck.dynamo.table import open_client
from shipdeck.settings import Settings

USER = text(
    "SELECT users.id, users.email, users.name, users.password_hash, users.created_at, "
    "users.updated_at FROM users WHERE users.id = :id"
)
TEAM_WITH_ROLE = text(
    "SELECT teams.id, teams.name, teams.created_by, teams.created_at, teams.updated_at, "
    "memberships.role FROM teams INNER JOIN memberships ON memberships.team_id = teams.id "
    "WHERE teams.id = :team_id AND memberships.user_id = :user_id"
)
PROJECT_COLUMNS = (
    "projects.id, projects.team_id, projects.name, projects.slug, projects.sleakops_project, "
    "projects.repo_url, projects.event_seq, projects.created_at, projects.updated_at"
)
PROJECTS_OF_TEAM = text(
    f"SELECT {PROJECT_COLUMNS} FROM projects WHERE projects.team_id = :team_id "  # noqa: S608
    "ORDER BY projects.id LIMIT :limit"
)
PROJECT = text(f"SELECT {PROJECT_COLUMNS} FROM projects WHERE projects.id = :id")  # noqa: S608
RELEASE_WITH_REQUESTER = text(
    "SELECT releases.id, releases.project_id, releases.environment_id, releases.kind, "
    "releases.state, releases.branch, releases.commit, releases.tag, releases.image, "
    "releases.build_id, releases.sleakops_project, releases.sleakops_env, releases.sleakops_id, "
    "releases.errors, releases.error_code, releases.requested_by, releases.idempotency_key, "
    "releases.request_hash, releases.polling, releases.next_poll_at, releases.poll_count, "
    "releases.not_found_polls, releases.deadline_at, releases.created_at, releases.updated_at, "
    "releases.finished_at, users.name FROM releases INNER JOIN users "
    "ON users.id = releases.requested_by WHERE releases.id = :id"
)
PAGE = 50
_deserializer = TypeDeserializer()


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _item(raw: Mapping[str, Any]) -> dict[str, Any]:
    return {k: _plain(_deserializer.deserialize(v)) for k, v in raw.items()}


def _default(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(type(value).__name__)


class Baseline:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.table = settings.dynamodb.table_name
        self.engine: AsyncEngine | None = None
        self.client: Any = None
        self._stack = AsyncExitStack()

    @asynccontextmanager
    async def lifespan(self) -> AsyncIterator[None]:
        self.engine = create_engine(self.settings.database_url, self.settings.database)
        self.client = await open_client(self.settings.dynamodb, self._stack)
        try:
            yield
        finally:
            await self._stack.aclose()
            await self.engine.dispose()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        parts = scope["path"].strip("/").split("/")
        if parts == ["healthz"]:
            await _send(send, 200, {"status": "ok"})
            return
        user_id = await self._session_user(scope)
        if user_id is None:
            await _send(send, 401, {"error": {"code": "not_authenticated"}})
            return
        if len(parts) == 4 and parts[:2] == ["api", "teams"] and parts[3] == "projects":
            status, body = await self.projects(user_id, parts[2])
        elif len(parts) == 4 and parts[:2] == ["api", "projects"] and parts[3] == "events":
            status, body = await self.events(user_id, parts[2])
        elif len(parts) == 3 and parts[:2] == ["api", "releases"]:
            status, body = await self.release(user_id, parts[2])
        else:
            status, body = 404, {"error": {"code": "not_found"}}
        await _send(send, status, body)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        message = await receive()
        async with self.lifespan():
            await send({"type": "lifespan.startup.complete"})
            message = await receive()
            assert message["type"] == "lifespan.shutdown"
        await send({"type": "lifespan.shutdown.complete"})

    async def _session_user(self, scope: Scope) -> str | None:
        token = ""
        for name, value in scope["headers"]:
            if name == b"authorization":
                scheme, _, token = value.decode("latin-1").partition(" ")
                if scheme.lower() != "bearer":
                    token = ""
        if not token:
            return None
        digest = hashlib.sha256(token.strip().encode()).hexdigest()
        response = await self.client.get_item(
            TableName=self.table,
            Key={"pk": {"S": f"SESSION#{digest}"}, "sk": {"S": "SESSION"}},
            ConsistentRead=False,
        )
        raw = response.get("Item")
        if raw is None:
            return None
        item = _item(raw)
        now = int(time.time())
        if now >= item["idle_expires_at"] or now >= item["absolute_expires_at"]:
            return None
        return str(item["user_id"])

    async def projects(self, user_id: str, team_id: str) -> tuple[int, dict[str, Any]]:
        assert self.engine is not None
        async with self.engine.connect() as conn:
            user = (await conn.execute(USER, {"id": user_id})).first()
            team = (
                await conn.execute(TEAM_WITH_ROLE, {"team_id": team_id, "user_id": user_id})
            ).first()
            rows = []
            if user is not None and team is not None:
                params = {"team_id": team_id, "limit": PAGE + 1}
                rows = list((await conn.execute(PROJECTS_OF_TEAM, params)).all())
            await conn.commit()
        if user is None or team is None:
            return 404, {"error": {"code": "team_not_found"}}
        items = [
            {
                "id": r.id,
                "team_id": r.team_id,
                "name": r.name,
                "slug": r.slug,
                "sleakops_project": r.sleakops_project,
                "repo_url": r.repo_url,
                "created_at": r.created_at,
                "updated_at": r.updated_at,
            }
            for r in rows[:PAGE]
        ]
        more = len(rows) > PAGE
        return 200, {"items": items, "next_cursor": items[-1]["id"] if more else None}

    async def events(self, user_id: str, project_id: str) -> tuple[int, dict[str, Any]]:
        assert self.engine is not None
        async with self.engine.connect() as conn:
            user = (await conn.execute(USER, {"id": user_id})).first()
            project = (await conn.execute(PROJECT, {"id": project_id})).first()
            team = None
            if project is not None:
                params = {"team_id": project.team_id, "user_id": user_id}
                team = (await conn.execute(TEAM_WITH_ROLE, params)).first()
            await conn.commit()
        if user is None or project is None or team is None:
            return 404, {"error": {"code": "project_not_found"}}
        response = await self.client.query(
            TableName=self.table,
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues={":pk": {"S": f"PROJECT#{project_id}#EVENTS"}},
            ScanIndexForward=False,
            Limit=PAGE + 1,
            ConsistentRead=True,
        )
        events = [_item(raw) for raw in response.get("Items", [])]
        items = [{k: v for k, v in e.items() if k not in ("pk", "sk")} for e in events[:PAGE]]
        more = len(events) > PAGE
        return 200, {"items": items, "next_cursor": items[-1]["id"] if more else None}

    async def release(self, user_id: str, release_id: str) -> tuple[int, dict[str, Any]]:
        assert self.engine is not None
        async with self.engine.connect() as conn:
            user = (await conn.execute(USER, {"id": user_id})).first()
            release = (await conn.execute(RELEASE_WITH_REQUESTER, {"id": release_id})).first()
            team = project = None
            if release is not None:
                project = (await conn.execute(PROJECT, {"id": release.project_id})).first()
            if project is not None:
                params = {"team_id": project.team_id, "user_id": user_id}
                team = (await conn.execute(TEAM_WITH_ROLE, params)).first()
            await conn.commit()
        if user is None or release is None or team is None:
            return 404, {"error": {"code": "release_not_found"}}
        r = release
        return 200, {
            "id": r.id,
            "project_id": r.project_id,
            "environment_id": r.environment_id,
            "kind": r.kind,
            "state": r.state,
            "branch": r.branch,
            "commit": r.commit,
            "tag": r.tag,
            "image": r.image,
            "build_id": r.build_id,
            "sleakops_id": r.sleakops_id,
            "errors": r.errors,
            "requested_by": {"id": r.requested_by, "name": r.name},
            "created_at": r.created_at,
            "updated_at": r.updated_at,
            "finished_at": r.finished_at,
        }


async def _send(send: Send, status: int, body: dict[str, Any]) -> None:
    payload = json.dumps(body, default=_default).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(payload)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.baseline")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    settings = Settings()
    # The same uvicorn configuration as `shipdeck serve` (shipdeck/server.py).
    config = uvicorn.Config(
        Baseline(settings),
        host="127.0.0.1",
        port=args.port,
        timeout_keep_alive=settings.http.keepalive_timeout_seconds,
        proxy_headers=True,
        forwarded_allow_ips=",".join(settings.http.trusted_proxies),
        server_header=False,
        log_config=None,
        access_log=False,
        lifespan="on",
    )
    uvicorn.Server(config).run()


if __name__ == "__main__":
    main()
