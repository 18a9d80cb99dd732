"""Bad input gets a clear 4xx in the one error shape and changes nothing; never a 500."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.api import Account, create_environment, create_project, create_team, register


def assert_error(response: httpx.Response, status: int, code: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    error = response.json()["error"]
    assert isinstance(error["message"], str) and error["message"]
    if code:
        assert error["code"] == code
    return dict(error)


@pytest.fixture
async def owner(app_client: httpx.AsyncClient) -> Account:
    return await register(app_client)


async def test_malformed_json(app_client: httpx.AsyncClient, owner: Account) -> None:
    response = await app_client.post(
        "/api/teams",
        content=b'{"name": "unterminated',
        headers={**owner.headers, "Content-Type": "application/json"},
    )
    assert_error(response, 400, "invalid_json")


@pytest.mark.parametrize(
    "body",
    [
        [],
        "a string",
        123,
        None,
        {"name": 5},
        {"name": ["list"]},
        {"name": {"nested": True}},
        {"name": ""},
        {"name": "   "},
        {"name": "x" * 101},
        {"name": "tab\tinside"},
        {"name": "ok", "unknown": 1},
        {},
    ],
)
async def test_wrong_shapes_are_validation_errors(
    app_client: httpx.AsyncClient, owner: Account, body: Any
) -> None:
    response = await app_client.post(
        "/api/teams",
        content=json.dumps(body).encode(),
        headers={**owner.headers, "Content-Type": "application/json"},
    )
    assert_error(response, 422, "validation_error")
    teams = (await app_client.get("/api/teams", headers=owner.headers)).json()
    assert teams["items"] == []  # nothing was created


async def test_non_json_content_type_is_refused(
    app_client: httpx.AsyncClient, owner: Account
) -> None:
    response = await app_client.post(
        "/api/teams", content=b"name=x", headers={**owner.headers, "Content-Type": "text/plain"}
    )
    assert 400 <= response.status_code < 500
    assert "error" in response.json()


async def test_oversized_bodies_are_refused_before_parsing(
    app_client: httpx.AsyncClient, owner: Account
) -> None:
    big = json.dumps({"name": "x" * 300_000}).encode()
    declared = await app_client.post(
        "/api/teams", content=big, headers={**owner.headers, "Content-Type": "application/json"}
    )
    assert_error(declared, 413, "payload_too_large")

    async def chunks() -> Any:  # no Content-Length: counted while streaming
        for _ in range(40):
            yield b"x" * 10_000

    streamed = await app_client.post(
        "/api/teams",
        content=chunks(),
        headers={**owner.headers, "Content-Type": "application/json"},
    )
    assert_error(streamed, 413, "payload_too_large")


@pytest.mark.parametrize(
    "name",
    [
        "Robert'); DROP TABLE teams;--",
        "<script>alert(1)</script>",
        '" OR 1=1 --',
        "％ｕｎｉｃｏｄｅ ✓ 🚀",
        "back\\slash",
    ],
)
async def test_metacharacters_are_stored_verbatim_and_never_interpreted(
    app_client: httpx.AsyncClient, owner: Account, name: str
) -> None:
    created = await app_client.post("/api/teams", json={"name": name}, headers=owner.headers)
    assert created.status_code == 201
    assert created.headers["content-type"].startswith("application/json")
    fetched = await app_client.get(f"/api/teams/{created.json()['id']}", headers=owner.headers)
    assert fetched.json()["name"] == name
    assert (await app_client.get("/api/teams", headers=owner.headers)).status_code == 200


@pytest.mark.parametrize(
    "cursor",
    ["garbage!!", "e30", "WyJhIiwgImIiXQ", "W3sibmVzdGVkIjogMX1d", "W3RydWVd", "x" * 600, "%00"],
)
async def test_invalid_cursors(app_client: httpx.AsyncClient, owner: Account, cursor: str) -> None:
    response = await app_client.get("/api/teams", params={"cursor": cursor}, headers=owner.headers)
    assert response.status_code in (400, 422), response.text
    assert "error" in response.json()


@pytest.mark.parametrize("limit", ["0", "-1", "201", "abc", "1e3", ""])
async def test_invalid_page_sizes(
    app_client: httpx.AsyncClient, owner: Account, limit: str
) -> None:
    response = await app_client.get("/api/teams", params={"limit": limit}, headers=owner.headers)
    assert_error(response, 422, "validation_error")


@pytest.mark.parametrize(
    "path",
    [
        "/api/teams/not-an-id",
        "/api/teams/01ARZ3NDEKTSV4RRFFQ69G5FAV",
        "/api/projects/..%2F..%2Fetc",
        "/api/projects/' OR 1=1",
        "/api/environments/" + "A" * 300,
    ],
)
async def test_odd_ids_are_not_found(
    app_client: httpx.AsyncClient, owner: Account, path: str
) -> None:
    response = await app_client.get(path, headers=owner.headers)
    assert response.status_code in (404, 405)
    assert "error" in response.json()


async def test_unknown_paths_and_methods_use_the_error_shape(
    app_client: httpx.AsyncClient, owner: Account
) -> None:
    assert_error(await app_client.get("/api/nope", headers=owner.headers), 404, "not_found")
    assert_error(await app_client.put("/api/teams", headers=owner.headers), 405)


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=300),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=5)
    ),
    max_leaves=12,
)
field_values = st.one_of(
    json_values,
    st.text(max_size=600),
    st.sampled_from(["", " ", "-x", "a..b", "UPPER", "ok-name", "main", "shipdeck-demo"]),
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    route=st.sampled_from(["team", "project", "project_patch", "environment", "member"]),
    body=st.one_of(
        json_values,
        st.fixed_dictionaries(
            {},
            optional={
                k: field_values
                for k in [
                    "name",
                    "slug",
                    "sleakops_project",
                    "sleakops_env",
                    "branch",
                    "repo_url",
                    "email",
                    "role",
                ]
            },
        ),
    ),
)
async def test_generated_bodies_never_cause_a_server_error(
    app_client: httpx.AsyncClient, route: str, body: Any
) -> None:
    world = getattr(app_client, "_world", None)
    if world is None:
        owner = await register(app_client)
        team = await create_team(app_client, owner)
        project = await create_project(app_client, owner, team["id"])
        environment = await create_environment(app_client, owner, project["id"])
        world = (owner, team, project, environment)
        app_client._world = world  # type: ignore[attr-defined]
    owner, team, project, environment = world
    method, path = {
        "team": ("POST", "/api/teams"),
        "project": ("POST", f"/api/teams/{team['id']}/projects"),
        "project_patch": ("PATCH", f"/api/projects/{project['id']}"),
        "environment": ("PATCH", f"/api/environments/{environment['id']}"),
        "member": ("POST", f"/api/teams/{team['id']}/members"),
    }[route]
    response = await app_client.request(method, path, json=body, headers=owner.headers)
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        assert {"code", "message"} <= set(response.json()["error"])
