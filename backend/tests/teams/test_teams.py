from __future__ import annotations

import asyncio

import httpx

from tests.support.api import add_member, create_team, register


async def test_creator_is_owner_and_sees_the_team(app_client: httpx.AsyncClient) -> None:
    owner = await register(app_client)
    team = await create_team(app_client, owner, "Platform")
    assert team["role"] == "owner" and team["name"] == "Platform"
    listing = (await app_client.get("/api/teams", headers=owner.headers)).json()
    assert [t["id"] for t in listing["items"]] == [team["id"]]
    assert listing["next_cursor"] is None


async def test_team_of_others_is_404_not_403(app_client: httpx.AsyncClient) -> None:
    owner, stranger = await register(app_client), await register(app_client)
    team = await create_team(app_client, owner)
    response = await app_client.get(f"/api/teams/{team['id']}", headers=stranger.headers)
    assert response.status_code == 404
    missing = await app_client.get("/api/teams/01ARZ3NDEKTSV4RRFFQ69G5FAV", headers=owner.headers)
    assert response.json()["error"]["code"] == missing.json()["error"]["code"] == "team_not_found"


async def test_team_list_paginates_with_cursor(app_client: httpx.AsyncClient) -> None:
    owner = await register(app_client)
    created = [(await create_team(app_client, owner, f"T{i}"))["id"] for i in range(5)]
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = (await app_client.get("/api/teams", params=params, headers=owner.headers)).json()
        seen += [t["id"] for t in page["items"]]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == sorted(created) and pages == 3


async def test_owner_adds_members_who_then_see_the_team_with_their_role(
    app_client: httpx.AsyncClient,
) -> None:
    owner, dev = await register(app_client), await register(app_client, "Dev")
    team = await create_team(app_client, owner)
    await add_member(app_client, owner, team["id"], dev, "maintainer")
    seen = await app_client.get(f"/api/teams/{team['id']}", headers=dev.headers)
    assert seen.status_code == 200 and seen.json()["role"] == "maintainer"
    members = (await app_client.get(f"/api/teams/{team['id']}/members", headers=dev.headers)).json()
    assert {(m["email"], m["role"]) for m in members["items"]} == {
        (owner.email, "owner"),
        (dev.email, "maintainer"),
    }
    again = await app_client.post(
        f"/api/teams/{team['id']}/members",
        json={"email": dev.email, "role": "viewer"},
        headers=owner.headers,
    )
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_member"


async def test_adding_an_unknown_email_says_so(app_client: httpx.AsyncClient) -> None:
    owner = await register(app_client)
    team = await create_team(app_client, owner)
    response = await app_client.post(
        f"/api/teams/{team['id']}/members",
        json={"email": "nobody@example.com", "role": "viewer"},
        headers=owner.headers,
    )
    assert response.status_code == 404 and response.json()["error"]["code"] == "user_not_found"


async def test_non_owners_cannot_manage_members(app_client: httpx.AsyncClient) -> None:
    owner = await register(app_client)
    maintainer = await register(app_client)
    other = await register(app_client)
    team = await create_team(app_client, owner)
    await add_member(app_client, owner, team["id"], maintainer, "maintainer")
    response = await app_client.post(
        f"/api/teams/{team['id']}/members",
        json={"email": other.email, "role": "viewer"},
        headers=maintainer.headers,
    )
    assert response.status_code == 403 and response.json()["error"]["code"] == "forbidden"


async def test_the_last_owner_cannot_leave_or_be_demoted(app_client: httpx.AsyncClient) -> None:
    owner, second = await register(app_client), await register(app_client)
    team = await create_team(app_client, owner)
    base = f"/api/teams/{team['id']}/members"
    demote = await app_client.patch(
        f"{base}/{owner.id}", json={"role": "viewer"}, headers=owner.headers
    )
    assert demote.status_code == 409 and demote.json()["error"]["code"] == "last_owner"
    leave = await app_client.delete(f"{base}/{owner.id}", headers=owner.headers)
    assert leave.status_code == 409

    await add_member(app_client, owner, team["id"], second, "owner")
    assert (await app_client.delete(f"{base}/{owner.id}", headers=owner.headers)).status_code == 204
    gone = await app_client.get(f"/api/teams/{team['id']}", headers=owner.headers)
    assert gone.status_code == 404


async def test_two_owners_demoting_each_other_at_once_leave_one_owner(
    app_client: httpx.AsyncClient,
) -> None:
    a, b = await register(app_client), await register(app_client)
    for _ in range(5):
        team = await create_team(app_client, a)
        await add_member(app_client, a, team["id"], b, "owner")
        base = f"/api/teams/{team['id']}/members"
        results = await asyncio.gather(
            app_client.patch(f"{base}/{b.id}", json={"role": "viewer"}, headers=a.headers),
            app_client.patch(f"{base}/{a.id}", json={"role": "viewer"}, headers=b.headers),
        )
        statuses = sorted(r.status_code for r in results)
        # One wins; the other is refused (or told to retry while the first holds the lock).
        assert statuses[0] == 200
        assert statuses[1] in (403, 409, 503), statuses
        members = (await app_client.get(base, headers=a.headers)).json()["items"]
        assert sum(m["role"] == "owner" for m in members) == 1


async def test_any_member_may_leave(app_client: httpx.AsyncClient) -> None:
    owner, viewer = await register(app_client), await register(app_client)
    team = await create_team(app_client, owner)
    await add_member(app_client, owner, team["id"], viewer, "viewer")
    base = f"/api/teams/{team['id']}/members"
    assert (
        await app_client.delete(f"{base}/{owner.id}", headers=viewer.headers)
    ).status_code == 403
    assert (
        await app_client.delete(f"{base}/{viewer.id}", headers=viewer.headers)
    ).status_code == 204
