"""Starting builds and deployments on the SleakOps simulator and following them to the end."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import httpx
from sqlalchemy import update

from shipdeck.db.base import utcnow
from shipdeck.releases.models import Release
from shipdeck.resources import Resources
from shipdeck_local.simulators.sleakops.control import SleakOpsControl
from tests.support.api import add_member, demo_project, register, start_build, start_deployment
from tests.support.drive import follow, relay_all, release_state

FAST = {"initial_polls": 1, "creating_polls": 1}


async def test_deployment_goes_through_every_state_with_events(
    app_client: httpx.AsyncClient, resources: Resources, sleakops: SleakOpsControl
) -> None:
    demo = await demo_project(app_client)
    sleakops.queue_script("deploy", project="shipdeck-demo", environment="prod", **FAST)
    started = await start_deployment(app_client, demo.owner, demo.prod_id, image="v1.4.2")
    assert started.status_code == 202, started.text
    release = started.json()
    assert release["kind"] == "deploy"
    assert release["state"] == "initial"
    assert release["image"] == "v1.4.2"
    assert release["sleakops_id"]
    assert release["requested_by"] == {"id": demo.owner.id, "name": "Owner"}

    assert await follow(resources, release["id"]) == ["initial", "creating", "created"]
    done = (
        await app_client.get(f"/api/releases/{release['id']}", headers=demo.owner.headers)
    ).json()
    assert done["state"] == "created"
    assert done["finished_at"] is not None

    # What SleakOps received: the CLI's exact body.
    posts = sleakops.request_log(path="/api/cli-deployment/", method="POST")
    assert [p.body for p in posts] == [
        {
            "project_env": {"project_name": "shipdeck-demo", "environment_name": "prod"},
            "image": "v1.4.2",
        }
    ]

    await relay_all(resources)
    events = (
        await app_client.get(f"/api/projects/{demo.project_id}/events", headers=demo.owner.headers)
    ).json()["items"]
    mine = [e for e in events if e["release_id"] == release["id"]]
    assert [e["type"] for e in reversed(mine)] == [
        "release.requested",
        "release.submitted",
        "release.state_changed",
        "release.state_changed",
    ]
    assert [e["data"].get("to") for e in reversed(mine)][2:] == ["creating", "created"]
    ids = [int(e["id"]) for e in events]
    assert ids == sorted(ids, reverse=True)  # newest first, numbered in order


async def test_build_failure_keeps_the_errors(
    app_client: httpx.AsyncClient, resources: Resources, sleakops: SleakOpsControl
) -> None:
    demo = await demo_project(app_client)
    sleakops.queue_script(
        "build",
        project="shipdeck-demo",
        outcome="error",
        errors="npm ERR! missing script: build",
        **FAST,
    )
    started = await start_build(
        app_client, demo.owner, demo.project_id, branch="feature/x", commit="abc1234"
    )
    assert started.status_code == 202, started.text
    release_id = started.json()["id"]
    assert (await follow(resources, release_id))[-1] == "error"
    body = (await app_client.get(f"/api/releases/{release_id}", headers=demo.owner.headers)).json()
    assert body["errors"] == "npm ERR! missing script: build"
    post = sleakops.request_log(path="/api/cli-build/", method="POST")[0].body
    assert post == {
        "project_env": {"project_name": "shipdeck-demo"},
        "branch": "feature/x",
        "commit": "abc1234",
        "docker_args": {},
    }


async def test_idempotency_key_is_required(app_client: httpx.AsyncClient) -> None:
    demo = await demo_project(app_client)
    response = await app_client.post(
        f"/api/environments/{demo.prod_id}/deployments", json={}, headers=demo.owner.headers
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "idempotency_key_required"


async def test_twenty_concurrent_identical_requests_make_one_release_and_one_post(
    app_client: httpx.AsyncClient, sleakops: SleakOpsControl
) -> None:
    demo = await demo_project(app_client)
    responses = await asyncio.gather(
        *(start_deployment(app_client, demo.owner, demo.prod_id, key="same-key") for _ in range(20))
    )
    assert {r.status_code for r in responses} == {202}, [r.text for r in responses]
    assert len({r.json()["id"] for r in responses}) == 1
    assert len(sleakops.request_log(path="/api/cli-deployment/", method="POST")) == 1
    listing = await app_client.get(
        f"/api/projects/{demo.project_id}/releases", headers=demo.owner.headers
    )
    assert len(listing.json()["items"]) == 1


async def test_same_key_different_request_is_refused(app_client: httpx.AsyncClient) -> None:
    demo = await demo_project(app_client)
    first = await start_deployment(app_client, demo.owner, demo.prod_id, key="k", image="v1")
    assert first.status_code == 202
    second = await start_deployment(app_client, demo.owner, demo.prod_id, key="k", image="v2")
    assert second.status_code == 422
    assert second.json()["error"]["code"] == "idempotency_key_reused"


async def test_sleakops_down_records_submit_failed_and_answers_503(
    app_client: httpx.AsyncClient, sleakops: SleakOpsControl
) -> None:
    demo = await demo_project(app_client)
    sleakops.add_fault("reset", route="/api/cli-deployment/", method="POST")
    failed = await start_deployment(app_client, demo.owner, demo.prod_id, key="once")
    assert failed.status_code == 503
    error = failed.json()["error"]
    assert error["code"] == "sleakops_unavailable"
    release_id = error["details"]["release_id"]
    release = await app_client.get(f"/api/releases/{release_id}", headers=demo.owner.headers)
    assert release.json()["state"] == "submit_failed"
    assert release.json()["errors"]
    # The same request again gets the same answer and does not call SleakOps again.
    sleakops.clear_faults()
    again = await start_deployment(app_client, demo.owner, demo.prod_id, key="once")
    assert again.status_code == 503
    assert again.json()["error"]["details"]["release_id"] == release_id
    assert len(sleakops.request_log(path="/api/cli-deployment/", method="POST")) == 1


async def test_unknown_sleakops_project_is_a_clear_rejection(
    app_client: httpx.AsyncClient,
) -> None:
    demo = await demo_project(app_client)
    await app_client.patch(
        f"/api/projects/{demo.project_id}",
        json={"sleakops_project": "no-such-project"},
        headers=demo.owner.headers,
    )
    response = await start_build(app_client, demo.owner, demo.project_id)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "sleakops_rejected"
    assert "no-such-project" in error["message"] or error["message"]


async def test_viewers_cannot_ship(
    app_client: httpx.AsyncClient, sleakops: SleakOpsControl
) -> None:
    demo = await demo_project(app_client)
    viewer = await register(app_client)
    await add_member(app_client, demo.owner, demo.team_id, viewer, "viewer")
    response = await start_deployment(app_client, viewer, demo.prod_id)
    assert response.status_code == 403
    assert sleakops.request_log(path="/api/cli-deployment/") == []


async def test_deploying_a_finished_build_sends_its_sleakops_id(
    app_client: httpx.AsyncClient, resources: Resources, sleakops: SleakOpsControl
) -> None:
    demo = await demo_project(app_client)
    sleakops.queue_script("build", project="shipdeck-demo", **FAST)
    build = (await start_build(app_client, demo.owner, demo.project_id)).json()
    early = await start_deployment(app_client, demo.owner, demo.prod_id, build_id=build["id"])
    assert early.status_code == 409
    assert early.json()["error"]["code"] == "build_not_usable"

    await follow(resources, build["id"])
    deploy = await start_deployment(app_client, demo.owner, demo.prod_id, build_id=build["id"])
    assert deploy.status_code == 202, deploy.text
    assert deploy.json()["build_id"] == build["id"]
    body = sleakops.request_log(path="/api/cli-deployment/", method="POST")[-1].body
    assert body["build"] == build["sleakops_id"]


async def test_a_release_past_its_deadline_times_out(
    app_client: httpx.AsyncClient, resources: Resources, sleakops: SleakOpsControl
) -> None:
    demo = await demo_project(app_client)
    sleakops.queue_script("deploy", project="shipdeck-demo", never_finish=True)
    release_id = (await start_deployment(app_client, demo.owner, demo.prod_id)).json()["id"]
    await resources.reconciler.reconcile_once()
    async with resources.sessions() as session, session.begin():
        await session.execute(
            update(Release)
            .where(Release.id == release_id)
            .values(deadline_at=utcnow() - timedelta(seconds=1))
        )
    assert (await follow(resources, release_id))[-1] == "timed_out"


async def test_an_interrupted_start_ends_as_submit_failed(
    app_client: httpx.AsyncClient, resources: Resources, sleakops: SleakOpsControl
) -> None:
    demo = await demo_project(app_client)
    release_id = (await start_deployment(app_client, demo.owner, demo.prod_id)).json()["id"]
    # As if the process had died between reserving the release and hearing from SleakOps.
    async with resources.sessions() as session, session.begin():
        await session.execute(
            update(Release).where(Release.id == release_id).values(sleakops_id=None)
        )
    assert await follow(resources, release_id) == ["initial", "submit_failed"]


async def test_unknown_states_mean_still_running(
    app_client: httpx.AsyncClient, resources: Resources, sleakops: SleakOpsControl
) -> None:
    demo = await demo_project(app_client)
    sleakops.queue_script(
        "deploy",
        project="shipdeck-demo",
        steps=[
            {"state": "initial", "polls": 1},
            {"state": "updating", "polls": 2},
            {"state": "creating", "polls": 1, "omit_state": True},
            {"state": "created"},
        ],
    )
    release_id = (await start_deployment(app_client, demo.owner, demo.prod_id)).json()["id"]
    assert await follow(resources, release_id) == ["initial", "created"]


async def test_transient_poll_failures_do_not_change_the_state(
    app_client: httpx.AsyncClient, resources: Resources, sleakops: SleakOpsControl
) -> None:
    demo = await demo_project(app_client)
    sleakops.queue_script("deploy", project="shipdeck-demo", **FAST)
    release_id = (await start_deployment(app_client, demo.owner, demo.prod_id)).json()["id"]
    sleakops.add_fault(503, route="/api/cli-deployment/*/", method="GET", times=3)
    await resources.reconciler.reconcile_once()
    assert await release_state(resources, release_id) == "initial"
    assert (await follow(resources, release_id))[-1] == "created"


async def test_environment_list_shows_what_is_deployed(
    app_client: httpx.AsyncClient, resources: Resources, sleakops: SleakOpsControl
) -> None:
    demo = await demo_project(app_client)
    sleakops.queue_script("deploy", project="shipdeck-demo", environment="prod", **FAST)
    good = (await start_deployment(app_client, demo.owner, demo.prod_id, image="v1")).json()
    await follow(resources, good["id"])
    sleakops.queue_script(
        "deploy",
        project="shipdeck-demo",
        environment="prod",
        outcome="error",
        errors="boom",
        **FAST,
    )
    bad = (await start_deployment(app_client, demo.owner, demo.prod_id, image="v2")).json()
    await follow(resources, bad["id"])
    envs = (
        await app_client.get(
            f"/api/projects/{demo.project_id}/environments", headers=demo.owner.headers
        )
    ).json()["items"]
    prod = next(e for e in envs if e["name"] == "prod")
    dev = next(e for e in envs if e["name"] == "dev")
    assert prod["last_release"]["id"] == bad["id"]
    assert prod["last_release"]["state"] == "error"
    assert prod["last_successful_deployment"]["image"] == "v1"
    assert dev["last_release"] is None


async def test_release_history_pages_newest_first(
    app_client: httpx.AsyncClient, sleakops: SleakOpsControl
) -> None:
    demo = await demo_project(app_client)
    made = [
        (await start_deployment(app_client, demo.owner, demo.dev_id, image=f"v{i}")).json()["id"]
        for i in range(5)
    ]
    seen: list[str] = []
    cursor = None
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = (
            await app_client.get(
                f"/api/projects/{demo.project_id}/releases",
                params=params,
                headers=demo.owner.headers,
            )
        ).json()
        seen += [r["id"] for r in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == list(reversed(made))


async def test_concurrent_releases_of_one_project_all_start(
    app_client: httpx.AsyncClient, sleakops: SleakOpsControl
) -> None:
    """Distinct requests for one project at once: each takes the project's timeline in turn
    instead of deadlocking on it (MySQL) and answering 503."""
    demo = await demo_project(app_client)
    responses = await asyncio.gather(
        *(start_deployment(app_client, demo.owner, demo.prod_id, key=f"key-{n}") for n in range(12))
    )
    assert [r.status_code for r in responses] == [202] * 12, [r.text for r in responses]
    assert len({r.json()["id"] for r in responses}) == 12
    assert len(sleakops.request_log(path="/api/cli-deployment/", method="POST")) == 12
