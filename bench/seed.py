"""The data the benchmarks read, created through Shipdeck's own API as a user would."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

import httpx

PASSWORD = "bench-password-1234"  # noqa: S105 - a throwaway local account
TEAM_PROJECTS = 20
TIMELINE_EVENTS = 60


@dataclass(frozen=True)
class Seeded:
    token: str
    user_id: str
    team_id: str
    project_id: str
    release_id: str  # a failed deployment: what "explain" is for
    environment_id: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def _ok(response: httpx.Response, status: int) -> dict[str, object]:
    if response.status_code != status:
        raise SystemExit(f"{response.request.method} {response.request.url}: {response.text}")
    body: dict[str, object] = response.json()
    return body


def seed(api: str, sleakops_url: str) -> Seeded:
    """A user and team with TEAM_PROJECTS projects; the first has `dev` and `prod`, a build, a
    failed deployment and at least TIMELINE_EVENTS timeline events (relayed to DynamoDB)."""
    with httpx.Client(base_url=api, timeout=30) as http:
        email = f"bench-{uuid.uuid4().hex[:8]}@example.com"
        _ok(
            http.post(
                "/api/auth/signup", json={"email": email, "password": PASSWORD, "name": "Bench"}
            ),
            201,
        )
        login = _ok(http.post("/api/auth/login", json={"email": email, "password": PASSWORD}), 200)
        http.cookies.clear()
        token = str(login["token"])
        user = login["user"]
        assert isinstance(user, dict)
        auth = {"Authorization": f"Bearer {token}"}
        team = _ok(http.post("/api/teams", json={"name": "Bench Team"}, headers=auth), 201)
        team_id = str(team["id"])
        project_ids = []
        for n in range(TEAM_PROJECTS):
            body = {"name": f"Service {n:02d}", "sleakops_project": "shipdeck-demo"}
            project = _ok(http.post(f"/api/teams/{team_id}/projects", json=body, headers=auth), 201)
            project_ids.append(str(project["id"]))
        project_id = project_ids[0]
        envs = {}
        for name, branch in (("dev", "develop"), ("prod", "main")):
            body = {"name": name, "sleakops_env": name, "branch": branch}
            env = _ok(
                http.post(f"/api/projects/{project_id}/environments", json=body, headers=auth), 201
            )
            envs[name] = str(env["id"])
        _ok(
            http.post(
                f"/api/projects/{project_id}/builds",
                json={"branch": "main", "commit": "4f2a9c1e8b7d6a5f4e3d2c1b0a9f8e7d6c5b4a39"},
                headers={**auth, "Idempotency-Key": uuid.uuid4().hex},
            ),
            202,
        )
        httpx.post(
            f"{sleakops_url}/_sim/scripts",
            json={
                "kind": "deploy",
                "project": "shipdeck-demo",
                "environment": "prod",
                "outcome": "error",
                "errors": "ImagePullBackOff: Back-off pulling image "
                "registry.example.com/shipdeck-demo:4f2a9c1 (manifest unknown)",
            },
        ).raise_for_status()
        deploy = _ok(
            http.post(
                f"/api/environments/{envs['prod']}/deployments",
                json={"image": "4f2a9c1"},
                headers={**auth, "Idempotency-Key": uuid.uuid4().hex},
            ),
            202,
        )
        release_id = str(deploy["id"])
        # Every change is a timeline event; flip dev's branch until the timeline is long enough.
        for n in range(TIMELINE_EVENTS):
            body = {"branch": "develop" if n % 2 else "main"}
            _ok(http.patch(f"/api/environments/{envs['dev']}", json=body, headers=auth), 200)
        _wait_for(http, auth, project_id, release_id)
        return Seeded(token, str(user["id"]), team_id, project_id, release_id, envs["dev"])


def _wait_for(http: httpx.Client, auth: dict[str, str], project_id: str, release_id: str) -> None:
    """Until the deployment has failed and a full timeline page is in DynamoDB."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        release = _ok(http.get(f"/api/releases/{release_id}", headers=auth), 200)
        page = _ok(http.get(f"/api/projects/{project_id}/events", headers=auth), 200)
        if release["state"] == "error" and page.get("next_cursor"):
            return
        time.sleep(0.5)
    raise SystemExit("the seeded deployment did not fail, or the timeline was not relayed, in 60 s")
