from __future__ import annotations

import httpx

from tests.support.api import (
    add_member,
    create_environment,
    create_project,
    create_team,
    register,
)


async def test_project_lifecycle(app_client: httpx.AsyncClient) -> None:
    owner = await register(app_client)
    team = await create_team(app_client, owner)
    project = await create_project(
        app_client, owner, team["id"], "Checkout API", repo_url="https://git.example.com/a/b"
    )
    assert project["slug"] == "checkout-api" and project["team_id"] == team["id"]

    renamed = await app_client.patch(
        f"/api/projects/{project['id']}", json={"name": "Checkout"}, headers=owner.headers
    )
    assert renamed.status_code == 200 and renamed.json()["name"] == "Checkout"
    assert renamed.json()["slug"] == "checkout-api"  # slugs change only when asked

    listing = (
        await app_client.get(f"/api/teams/{team['id']}/projects", headers=owner.headers)
    ).json()
    assert [p["id"] for p in listing["items"]] == [project["id"]]

    deleted = await app_client.delete(f"/api/projects/{project['id']}", headers=owner.headers)
    assert deleted.status_code == 204
    assert (
        await app_client.get(f"/api/projects/{project['id']}", headers=owner.headers)
    ).status_code == 404


async def test_derived_slugs_never_collide_but_explicit_ones_conflict(
    app_client: httpx.AsyncClient,
) -> None:
    owner = await register(app_client)
    team = await create_team(app_client, owner)
    first = await create_project(app_client, owner, team["id"], "Web")
    second = await create_project(app_client, owner, team["id"], "web")
    assert (first["slug"], second["slug"]) == ("web", "web-2")
    taken = await app_client.post(
        f"/api/teams/{team['id']}/projects",
        json={"name": "Other", "slug": "web", "sleakops_project": "x"},
        headers=owner.headers,
    )
    assert taken.status_code == 409 and taken.json()["error"]["code"] == "slug_taken"


async def test_same_slug_in_two_teams_is_fine(app_client: httpx.AsyncClient) -> None:
    owner = await register(app_client)
    team_a, team_b = await create_team(app_client, owner), await create_team(app_client, owner)
    a = await create_project(app_client, owner, team_a["id"], "API")
    b = await create_project(app_client, owner, team_b["id"], "API")
    assert a["slug"] == b["slug"] == "api"


async def test_environments_are_unique_per_project(app_client: httpx.AsyncClient) -> None:
    owner = await register(app_client)
    team = await create_team(app_client, owner)
    project = await create_project(app_client, owner, team["id"])
    env = await create_environment(app_client, owner, project["id"], "staging")
    assert env["branch"] == "main" and env["project_id"] == project["id"]
    again = await app_client.post(
        f"/api/projects/{project['id']}/environments",
        json={"name": "staging", "sleakops_env": "stg", "branch": "develop"},
        headers=owner.headers,
    )
    assert again.status_code == 409 and again.json()["error"]["code"] == "environment_name_taken"

    other = await create_project(app_client, owner, team["id"], "Other")
    await create_environment(app_client, owner, other["id"], "staging")

    changed = await app_client.patch(
        f"/api/environments/{env['id']}", json={"branch": "release/1.2"}, headers=owner.headers
    )
    assert changed.status_code == 200 and changed.json()["branch"] == "release/1.2"


async def test_deleting_a_project_deletes_its_environments(app_client: httpx.AsyncClient) -> None:
    owner = await register(app_client)
    team = await create_team(app_client, owner)
    project = await create_project(app_client, owner, team["id"])
    env = await create_environment(app_client, owner, project["id"])
    await app_client.delete(f"/api/projects/{project['id']}", headers=owner.headers)
    response = await app_client.patch(
        f"/api/environments/{env['id']}", json={"branch": "x"}, headers=owner.headers
    )
    assert response.status_code == 404


async def test_viewers_read_but_cannot_change(app_client: httpx.AsyncClient) -> None:
    owner, viewer = await register(app_client), await register(app_client)
    team = await create_team(app_client, owner)
    await add_member(app_client, owner, team["id"], viewer, "viewer")
    project = await create_project(app_client, owner, team["id"])
    assert (
        await app_client.get(f"/api/projects/{project['id']}", headers=viewer.headers)
    ).status_code == 200
    response = await app_client.patch(
        f"/api/projects/{project['id']}", json={"name": "Nope"}, headers=viewer.headers
    )
    assert response.status_code == 403


async def test_invalid_git_refs_are_rejected(app_client: httpx.AsyncClient) -> None:
    owner = await register(app_client)
    team = await create_team(app_client, owner)
    project = await create_project(app_client, owner, team["id"])
    for branch in ["-rf", "a..b", "with space", "ends/", "x" * 256, "a//b"]:
        response = await app_client.post(
            f"/api/projects/{project['id']}/environments",
            json={"name": "dev", "sleakops_env": "dev", "branch": branch},
            headers=owner.headers,
        )
        assert response.status_code == 422, branch
