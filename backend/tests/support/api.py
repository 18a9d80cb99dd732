"""Small helpers for talking to the API in tests, as a client would."""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass
from typing import Any

import httpx

PASSWORD = "correct horse battery"
_counter = itertools.count()


@dataclass
class Account:
    id: str
    email: str
    name: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def unique_email(prefix: str = "user") -> str:
    return f"{prefix}-{next(_counter)}-{uuid.uuid4().hex[:8]}@example.com"


async def register(http: httpx.AsyncClient, name: str = "Test User") -> Account:
    email = unique_email()
    response = await http.post(
        "/api/auth/signup", json={"email": email, "password": PASSWORD, "name": name}
    )
    assert response.status_code == 201, response.text
    response = await http.post("/api/auth/login", json={"email": email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    body = response.json()
    http.cookies.clear()  # tests authenticate explicitly, with the Bearer token
    return Account(id=body["user"]["id"], email=email, name=name, token=body["token"])


async def create_team(
    http: httpx.AsyncClient, owner: Account, name: str = "Team"
) -> dict[str, Any]:
    response = await http.post("/api/teams", json={"name": name}, headers=owner.headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def add_member(
    http: httpx.AsyncClient, owner: Account, team_id: str, member: Account, role: str
) -> None:
    response = await http.post(
        f"/api/teams/{team_id}/members",
        json={"email": member.email, "role": role},
        headers=owner.headers,
    )
    assert response.status_code == 201, response.text


async def create_project(
    http: httpx.AsyncClient, owner: Account, team_id: str, name: str = "Web App", **extra: Any
) -> dict[str, Any]:
    body = {"name": name, "sleakops_project": "shipdeck-demo", **extra}
    response = await http.post(f"/api/teams/{team_id}/projects", json=body, headers=owner.headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def create_environment(
    http: httpx.AsyncClient, owner: Account, project_id: str, name: str = "dev"
) -> dict[str, Any]:
    body = {"name": name, "sleakops_env": name, "branch": "main"}
    response = await http.post(
        f"/api/projects/{project_id}/environments", json=body, headers=owner.headers
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


async def start_build(
    http: httpx.AsyncClient,
    who: Account,
    project_id: str,
    *,
    key: str | None = None,
    branch: str = "main",
    **extra: Any,
) -> httpx.Response:
    return await http.post(
        f"/api/projects/{project_id}/builds",
        json={"branch": branch, **extra},
        headers={**who.headers, "Idempotency-Key": key or uuid.uuid4().hex},
    )


async def start_deployment(
    http: httpx.AsyncClient,
    who: Account,
    environment_id: str,
    *,
    key: str | None = None,
    **body: Any,
) -> httpx.Response:
    return await http.post(
        f"/api/environments/{environment_id}/deployments",
        json=body,
        headers={**who.headers, "Idempotency-Key": key or uuid.uuid4().hex},
    )


@dataclass
class Demo:
    """A team with an owner, a project known to the SleakOps simulator, `dev` and `prod`."""

    owner: Account
    team_id: str
    project_id: str
    dev_id: str
    prod_id: str


async def demo_project(http: httpx.AsyncClient) -> Demo:
    owner = await register(http, "Owner")
    team = await create_team(http, owner)
    project = await create_project(
        http, owner, team["id"], "Shop", sleakops_project="shipdeck-demo"
    )
    dev = await create_environment(http, owner, project["id"], "dev")
    prod = await create_environment(http, owner, project["id"], "prod")
    return Demo(owner, team["id"], project["id"], dev["id"], prod["id"])
