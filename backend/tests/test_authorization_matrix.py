"""Every endpoint × every kind of caller → the expected status.

The rows are checked against the app's routes: a new endpoint without a row fails
`test_every_route_has_a_row`, so authorization is decided, not forgotten.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from shipdeck.app import create_app
from shipdeck.settings import Settings
from tests.support.api import (
    PASSWORD,
    Account,
    add_member,
    create_environment,
    create_project,
    create_team,
    register,
    start_build,
    unique_email,
)

ROLES = ("anonymous", "outsider", "viewer", "maintainer", "owner")


@dataclass
class World:
    accounts: dict[str, Account]
    team_id: str
    project_id: str
    environment_id: str
    release_id: str
    conversation_id: str
    target: Account  # a viewer that member-management endpoints act on
    candidate: Account  # signed up, not a member

    def path(self, template: str) -> str:
        return template.format(
            team_id=self.team_id,
            project_id=self.project_id,
            environment_id=self.environment_id,
            release_id=self.release_id,
            conversation_id=self.conversation_id,
            user_id=self.target.id,
        )


Body = Callable[[World, str], dict[str, Any]] | None


@dataclass(frozen=True)
class Row:
    expected: tuple[int, int, int, int, int]  # anonymous, outsider, viewer, maintainer, owner
    body: Body = field(default=None)
    # Starts of builds and deployments carry a fresh Idempotency-Key.
    idempotent: bool = False


PUBLIC = Row((200, 200, 200, 200, 200))
SIGNED_IN = Row((401, 200, 200, 200, 200))
TEAM_READ = Row((401, 404, 200, 200, 200))


def _project_body(_: World, role: str) -> dict[str, Any]:
    return {"name": f"Created by {role}", "sleakops_project": "shipdeck-demo"}


def _environment_body(_: World, role: str) -> dict[str, Any]:
    return {"name": f"env-{role}", "sleakops_env": "dev", "branch": "main"}


MATRIX: dict[tuple[str, str], Row] = {
    ("GET", "/healthz"): PUBLIC,
    ("GET", "/readyz"): PUBLIC,
    ("POST", "/api/auth/signup"): Row(
        (201,) * 5, lambda w, r: {"email": unique_email(r), "password": PASSWORD, "name": r}
    ),
    ("POST", "/api/auth/login"): Row(
        (200,) * 5, lambda w, r: {"email": w.candidate.email, "password": PASSWORD}
    ),
    ("POST", "/api/auth/logout"): Row((204,) * 5),
    ("GET", "/api/me"): SIGNED_IN,
    ("GET", "/api/teams"): SIGNED_IN,
    ("POST", "/api/teams"): Row((401, 201, 201, 201, 201), lambda w, r: {"name": f"{r} team"}),
    ("GET", "/api/teams/{team_id}"): TEAM_READ,
    ("GET", "/api/teams/{team_id}/members"): TEAM_READ,
    ("POST", "/api/teams/{team_id}/members"): Row(
        (401, 404, 403, 403, 201), lambda w, r: {"email": w.candidate.email, "role": "viewer"}
    ),
    ("PATCH", "/api/teams/{team_id}/members/{user_id}"): Row(
        (401, 404, 403, 403, 200), lambda w, r: {"role": "maintainer"}
    ),
    ("DELETE", "/api/teams/{team_id}/members/{user_id}"): Row((401, 404, 403, 403, 204)),
    ("GET", "/api/teams/{team_id}/projects"): TEAM_READ,
    ("POST", "/api/teams/{team_id}/projects"): Row((401, 404, 403, 201, 201), _project_body),
    ("GET", "/api/projects/{project_id}"): TEAM_READ,
    ("PATCH", "/api/projects/{project_id}"): Row(
        (401, 404, 403, 200, 200), lambda w, r: {"name": f"Renamed by {r}"}
    ),
    ("DELETE", "/api/projects/{project_id}"): Row((401, 404, 403, 403, 204)),
    ("GET", "/api/projects/{project_id}/environments"): TEAM_READ,
    ("POST", "/api/projects/{project_id}/environments"): Row(
        (401, 404, 403, 201, 201), _environment_body
    ),
    ("PATCH", "/api/environments/{environment_id}"): Row(
        (401, 404, 403, 200, 200), lambda w, r: {"branch": f"{r}-branch"}
    ),
    ("DELETE", "/api/environments/{environment_id}"): Row((401, 404, 403, 403, 204)),
    ("POST", "/api/projects/{project_id}/builds"): Row(
        (401, 404, 403, 202, 202), lambda w, r: {"branch": "main"}, idempotent=True
    ),
    ("POST", "/api/environments/{environment_id}/deployments"): Row(
        (401, 404, 403, 202, 202), lambda w, r: {"image": f"{r}-1"}, idempotent=True
    ),
    ("GET", "/api/projects/{project_id}/releases"): TEAM_READ,
    ("GET", "/api/releases/{release_id}"): TEAM_READ,
    ("GET", "/api/projects/{project_id}/events"): TEAM_READ,
    ("GET", "/api/projects/{project_id}/events/stream"): TEAM_READ,
    ("POST", "/api/releases/{release_id}/explain"): TEAM_READ,
    ("POST", "/api/projects/{project_id}/release-notes"): Row(
        (401, 404, 200, 200, 200), lambda w, r: {}
    ),
    ("GET", "/api/projects/{project_id}/conversations"): TEAM_READ,
    ("POST", "/api/projects/{project_id}/conversations"): Row(
        (401, 404, 201, 201, 201), lambda w, r: {"title": f"{r} asks"}
    ),
    ("GET", "/api/conversations/{conversation_id}"): TEAM_READ,
    ("POST", "/api/conversations/{conversation_id}/messages"): Row(
        (401, 404, 200, 200, 200), lambda w, r: {"content": f"Question from {r}"}
    ),
    ("GET", "/api/teams/{team_id}/ai-usage"): TEAM_READ,
}


def app_routes() -> set[tuple[str, str]]:
    """Every operation the app serves, from the OpenAPI document the router table generates
    (every API route is in the schema; none is hidden)."""
    paths = create_app(Settings()).openapi()["paths"]
    return {(method.upper(), path) for path, operations in paths.items() for method in operations}


def test_every_route_has_a_row() -> None:
    routes = app_routes()
    missing = routes - MATRIX.keys()
    stale = MATRIX.keys() - routes
    assert not missing, f"routes without an authorization row: {sorted(missing)}"
    assert not stale, f"rows for routes that no longer exist: {sorted(stale)}"


async def build_world(http: httpx.AsyncClient) -> World:
    owner = await register(http, "Owner")
    accounts = {
        "owner": owner,
        "maintainer": await register(http, "Maintainer"),
        "viewer": await register(http, "Viewer"),
        "outsider": await register(http, "Outsider"),
    }
    target, candidate = await register(http, "Target"), await register(http, "Candidate")
    team = await create_team(http, owner)
    for role in ("maintainer", "viewer"):
        await add_member(http, owner, team["id"], accounts[role], role)
    await add_member(http, owner, team["id"], target, "viewer")
    await create_team(http, accounts["outsider"], "Elsewhere")
    project = await create_project(http, owner, team["id"])
    environment = await create_environment(http, owner, project["id"])
    release = await start_build(http, owner, project["id"])
    assert release.status_code == 202, release.text
    conversation = await http.post(
        f"/api/projects/{project['id']}/conversations", json={}, headers=owner.headers
    )
    return World(
        accounts,
        team["id"],
        project["id"],
        environment["id"],
        release.json()["id"],
        conversation.json()["id"],
        target,
        candidate,
    )


@pytest.mark.parametrize(("method", "path"), sorted(MATRIX), ids=lambda v: str(v))
async def test_authorization(live: tuple[str, FastAPI], method: str, path: str) -> None:
    """Over a real connection, so that streaming endpoints answer as they do in production."""
    row = MATRIX[(method, path)]
    async with httpx.AsyncClient(base_url=live[0], timeout=10) as http:
        world = await build_world(http)
        for role, expected in zip(ROLES, row.expected, strict=True):
            headers = world.accounts[role].headers if role in world.accounts else {}
            if row.idempotent:
                headers = {**headers, "Idempotency-Key": f"matrix-{role}"}
            body = row.body(world, role) if row.body else None
            request = http.build_request(method, world.path(path), json=body, headers=headers)
            response = await http.send(request, stream=True)
            try:
                if response.headers.get("content-type", "").startswith("application/json"):
                    await response.aread()
                status = response.status_code
                assert status == expected, (role, status, response.text if status >= 400 else "")
                if expected >= 400:
                    assert set(response.json()["error"]) >= {"code", "message"}
            finally:
                await response.aclose()
