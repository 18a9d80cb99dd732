"""The live timeline over a real HTTP connection: events in order, resume after a reconnect,
heartbeats on a quiet stream, one DynamoDB poller per project however many watch it."""

from __future__ import annotations

import asyncio
import json

import httpx
from fastapi import FastAPI

from shipdeck.resources import Resources
from shipdeck.timeline import repository
from shipdeck.timeline.hub import TimelineHub
from shipdeck_local.simulators.sleakops.control import SleakOpsControl
from tests.support.api import Demo, demo_project, start_deployment
from tests.support.sse import Frame, frames


async def collect(
    http: httpx.AsyncClient, demo: Demo, *, until: int, headers: dict[str, str] | None = None
) -> list[Frame]:
    got: list[Frame] = []
    async with http.stream(
        "GET",
        f"/api/projects/{demo.project_id}/events/stream",
        headers={**demo.owner.headers, **(headers or {})},
    ) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        async for frame in frames(response):
            got.append(frame)
            if sum(1 for f in got if f.id) >= until:
                break
    return got


async def test_release_states_arrive_live_and_in_order(
    http: httpx.AsyncClient, sleakops: SleakOpsControl
) -> None:
    demo = await demo_project(http)
    # The stream starts after the latest relayed event: let the relay catch up first.
    for _ in range(100):
        page = await http.get(f"/api/projects/{demo.project_id}/events", headers=demo.owner.headers)
        if len(page.json()["items"]) == 3:
            break
        await asyncio.sleep(0.05)
    sleakops.queue_script("deploy", initial_polls=2, creating_polls=2)

    async def start_soon() -> None:
        await asyncio.sleep(0.3)
        started = await start_deployment(http, demo.owner, demo.prod_id)
        assert started.status_code == 202

    starter = asyncio.create_task(start_soon())
    got = await asyncio.wait_for(collect(http, demo, until=4), 20)
    await starter
    events = [f.json() for f in got if f.id]
    assert [e["type"] for e in events] == [
        "release.requested",
        "release.submitted",
        "release.state_changed",
        "release.state_changed",
    ]
    assert [e["data"].get("to") for e in events[2:]] == ["creating", "created"]
    ids = [int(f.id or 0) for f in got if f.id]
    assert ids == sorted(ids)
    assert got[0].retry is not None  # the browser is told how soon to reconnect


async def test_a_reconnecting_client_resumes_after_its_last_event(
    http: httpx.AsyncClient, sleakops: SleakOpsControl
) -> None:
    demo = await demo_project(http)
    history = await asyncio.wait_for(
        collect(http, demo, until=3, headers={"Last-Event-ID": "0"}), 5
    )
    project_events = [int(f.id) for f in history if f.id]
    # The project and its two environments were created: three events, numbered 1, 2, 3.
    assert project_events == [1, 2, 3]
    resumed = await asyncio.wait_for(
        collect(http, demo, until=2, headers={"Last-Event-ID": "1"}), 5
    )
    assert [int(f.id) for f in resumed if f.id] == [2, 3]
    by_query = await asyncio.wait_for(
        http.get(
            f"/api/projects/{demo.project_id}/events/stream?last_event_id=nope",
            headers=demo.owner.headers,
        ),
        5,
    )
    assert by_query.status_code == 400


async def test_a_quiet_stream_gets_heartbeats(http: httpx.AsyncClient) -> None:
    demo = await demo_project(http)
    comments: list[str] = []
    async with http.stream(
        "GET", f"/api/projects/{demo.project_id}/events/stream", headers=demo.owner.headers
    ) as response:
        async for frame in frames(response):
            comments += frame.comments
            if comments.count("heartbeat") >= 2:
                break
    assert comments.count("heartbeat") >= 2


async def test_one_poller_per_project_shared_by_its_subscribers(
    http: httpx.AsyncClient, live: tuple[str, FastAPI]
) -> None:
    resources: Resources = live[1].state.resources
    demo = await demo_project(http)
    streams = [
        http.stream(
            "GET", f"/api/projects/{demo.project_id}/events/stream", headers=demo.owner.headers
        )
        for _ in range(3)
    ]
    responses = [await s.__aenter__() for s in streams]
    for response in responses:
        assert response.status_code == 200
    await asyncio.sleep(0.3)
    assert resources.timeline.feeds() == {demo.project_id: 3}
    for s in streams:
        await s.__aexit__(None, None, None)
    for _ in range(50):
        if not resources.timeline.feeds():
            break
        await asyncio.sleep(0.05)
    assert resources.timeline.feeds() == {}


async def test_streams_need_membership(http: httpx.AsyncClient) -> None:
    demo = await demo_project(http)
    other = await demo_project(http)
    response = await http.get(
        f"/api/projects/{demo.project_id}/events/stream", headers=other.owner.headers
    )
    assert response.status_code == 404


async def test_an_event_landing_before_the_first_poll_is_delivered(
    app_client: httpx.AsyncClient, resources: Resources
) -> None:
    """The stream reads the newest event number, then subscribes. An event that lands before
    the project's new feed polls for the first time still reaches the subscriber."""
    demo = await demo_project(app_client)
    hub = TimelineHub(resources.table, resources.settings.timeline)
    try:
        newest = await repository.latest_seq(resources.table, demo.project_id)
        subscription = hub.subscribe(demo.project_id, newest=newest)
        event = {"id": str(newest + 1), "project_id": demo.project_id, "type": "test"}
        await repository.put_once(resources.table, json.dumps(event))
        arrived = await subscription.next(wait_seconds=5)
        assert arrived is not None and arrived["id"] == str(newest + 1)
    finally:
        await hub.close()
