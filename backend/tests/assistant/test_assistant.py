"""The AI co-pilot against the DeepSeek simulator: answers stream, usage is counted and capped,
conversations keep what was said, and a failing DeepSeek is a fast, specific error."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI

from shipdeck.app import create_app
from shipdeck.assistant import service as assistant_service
from shipdeck.resources import Resources
from shipdeck.settings import Settings
from shipdeck_local.simulators.deepseek.control import DeepSeekControl
from shipdeck_local.simulators.sleakops.control import SleakOpsControl
from tests.conftest import BASE_URL
from tests.support.api import Demo, demo_project, start_deployment
from tests.support.drive import follow, relay_all
from tests.support.sse import frames

FAST = {"initial_polls": 1, "creating_polls": 1}
ERROR = "ImagePullBackOff: image registry.example.com/shop:v9 not found"


async def read_stream(response: httpx.Response) -> list[dict[str, Any]]:
    return [f.json() async for f in frames(response) if f.data]


async def ask(
    http: httpx.AsyncClient, path: str, demo: Demo, body: Any = None
) -> tuple[int, list[dict[str, Any]] | dict[str, Any]]:
    async with http.stream("POST", path, json=body, headers=demo.owner.headers) as response:
        if response.headers["content-type"].startswith("application/json"):
            await response.aread()
            return response.status_code, response.json()
        return response.status_code, await read_stream(response)


async def failed_release(
    http: httpx.AsyncClient, resources: Resources, sleakops: SleakOpsControl, demo: Demo
) -> str:
    sleakops.queue_script("deploy", outcome="error", errors=ERROR, **FAST)
    release_id = (await start_deployment(http, demo.owner, demo.prod_id, image="v9")).json()["id"]
    assert (await follow(resources, release_id))[-1] == "error"
    await relay_all(resources)
    return release_id


async def test_explain_streams_an_answer_that_names_the_error(
    app_client: httpx.AsyncClient,
    resources: Resources,
    sleakops: SleakOpsControl,
    deepseek: DeepSeekControl,
) -> None:
    demo = await demo_project(app_client)
    release_id = await failed_release(app_client, resources, sleakops, demo)
    status, frames_ = await ask(app_client, f"/api/releases/{release_id}/explain", demo)
    assert status == 200
    assert isinstance(frames_, list)
    deltas = [f["text"] for f in frames_ if f["type"] == "delta"]
    assert len(deltas) > 10  # token by token, not one block
    answer = "".join(deltas)
    assert "ImagePullBackOff" in answer
    done = frames_[-1]
    assert done["type"] == "done"
    assert done["finish_reason"] == "stop"
    assert (
        done["usage"]["total_tokens"]
        == done["usage"]["prompt_tokens"] + done["usage"]["completion_tokens"]
    )

    sent = deepseek.request_log(path="*/chat/completions")[-1].body
    assert sent["model"] == "deepseek-v4-flash"
    assert sent["stream"] is True
    assert sent["stream_options"] == {"include_usage": True}
    prompt = "\n".join(m["content"] for m in sent["messages"])
    assert ERROR in prompt and "Shop" in prompt and "prod" in prompt

    usage = (
        await app_client.get(f"/api/teams/{demo.team_id}/ai-usage", headers=demo.owner.headers)
    ).json()
    assert usage["tokens_used"] == done["usage"]["total_tokens"]


async def test_release_notes_stream_for_a_range(
    app_client: httpx.AsyncClient,
    resources: Resources,
    sleakops: SleakOpsControl,
    deepseek: DeepSeekControl,
) -> None:
    demo = await demo_project(app_client)
    sleakops.queue_script("deploy", times=2, **FAST)
    ids = []
    for tag in ("v1.0.0", "v1.1.0"):
        release = (await start_deployment(app_client, demo.owner, demo.prod_id, image=tag)).json()
        await follow(resources, release["id"])
        ids.append(release["id"])
    status, frames_ = await ask(
        app_client,
        f"/api/projects/{demo.project_id}/release-notes",
        demo,
        {"from_release_id": ids[0], "to_release_id": ids[1]},
    )
    assert status == 200
    assert isinstance(frames_, list)
    assert frames_[-1]["type"] == "done"
    prompt = "\n".join(
        m["content"] for m in deepseek.request_log(path="*/chat/completions")[-1].body["messages"]
    )
    assert ids[0] in prompt and ids[1] in prompt


async def test_conversation_keeps_history_and_sends_it_back(
    app_client: httpx.AsyncClient, resources: Resources, deepseek: DeepSeekControl
) -> None:
    demo = await demo_project(app_client)
    created = await app_client.post(
        f"/api/projects/{demo.project_id}/conversations", json={}, headers=demo.owner.headers
    )
    assert created.status_code == 201
    conversation_id = created.json()["id"]
    path = f"/api/conversations/{conversation_id}/messages"
    status, first = await ask(app_client, path, demo, {"content": "What is deployed to prod?"})
    assert status == 200
    assert isinstance(first, list)
    assert first[-1]["type"] == "done"
    assert first[-1]["message_id"]
    await ask(app_client, path, demo, {"content": "And to dev?"})

    detail = (
        await app_client.get(f"/api/conversations/{conversation_id}", headers=demo.owner.headers)
    ).json()
    assert detail["title"] == "What is deployed to prod?"
    assert [(m["role"], m["status"]) for m in detail["messages"]] == [
        ("user", "complete"),
        ("assistant", "complete"),
        ("user", "complete"),
        ("assistant", "complete"),
    ]
    answer = "".join(f["text"] for f in first if f["type"] == "delta")
    assert detail["messages"][1]["content"] == answer
    second_prompt = deepseek.request_log(path="*/chat/completions")[-1].body["messages"]
    assert [m["role"] for m in second_prompt] == ["system", "user", "assistant", "user"]
    assert second_prompt[2]["content"] == answer

    listing = (
        await app_client.get(
            f"/api/projects/{demo.project_id}/conversations", headers=demo.owner.headers
        )
    ).json()
    assert [c["id"] for c in listing["items"]] == [conversation_id]


async def test_conversations_of_other_teams_are_not_found(app_client: httpx.AsyncClient) -> None:
    demo, other = await demo_project(app_client), await demo_project(app_client)
    conversation = (
        await app_client.post(
            f"/api/projects/{demo.project_id}/conversations",
            json={"title": "ours"},
            headers=demo.owner.headers,
        )
    ).json()
    response = await app_client.get(
        f"/api/conversations/{conversation['id']}", headers=other.owner.headers
    )
    assert response.status_code == 404
    status, _ = await ask(
        app_client, f"/api/conversations/{conversation['id']}/messages", other, {"content": "hi"}
    )
    assert status == 404


async def test_the_daily_quota_stops_calls_before_deepseek(
    app_client: httpx.AsyncClient, resources: Resources, deepseek: DeepSeekControl
) -> None:
    demo = await demo_project(app_client)
    resources.settings.assistant.daily_token_quota = 1
    conversation = (
        await app_client.post(
            f"/api/projects/{demo.project_id}/conversations", json={}, headers=demo.owner.headers
        )
    ).json()
    path = f"/api/conversations/{conversation['id']}/messages"
    status, _ = await ask(app_client, path, demo, {"content": "first"})
    assert status == 200
    calls = len(deepseek.request_log(path="*/chat/completions"))
    status, body = await ask(app_client, path, demo, {"content": "second"})
    assert status == 429
    assert isinstance(body, dict)
    assert body["error"]["code"] == "ai_quota_exceeded"
    assert len(deepseek.request_log(path="*/chat/completions")) == calls


@pytest.mark.parametrize(
    "fault", ["reset", 503, "unauthorized", "insufficient_balance", "blank_200", "truncated_json"]
)
async def test_deepseek_failures_before_any_text_are_fast_503s(
    app_client: httpx.AsyncClient, deepseek: DeepSeekControl, fault: Any
) -> None:
    demo = await demo_project(app_client)
    conversation = (
        await app_client.post(
            f"/api/projects/{demo.project_id}/conversations", json={}, headers=demo.owner.headers
        )
    ).json()
    deepseek.add_fault(fault, route="*/chat/completions")
    started = time.monotonic()
    status, body = await ask(
        app_client, f"/api/conversations/{conversation['id']}/messages", demo, {"content": "hello"}
    )
    assert status == 503
    assert isinstance(body, dict)
    assert body["error"]["code"] == "ai_unavailable"
    assert time.monotonic() - started < 3.0
    # The question is kept; no half answer is stored.
    detail = (
        await app_client.get(f"/api/conversations/{conversation['id']}", headers=demo.owner.headers)
    ).json()
    assert [m["role"] for m in detail["messages"]] == ["user"]


async def test_the_breaker_opens_then_answers_in_milliseconds_then_recovers(
    app_client: httpx.AsyncClient, resources: Resources, deepseek: DeepSeekControl
) -> None:
    demo = await demo_project(app_client)
    conversation = (
        await app_client.post(
            f"/api/projects/{demo.project_id}/conversations", json={}, headers=demo.owner.headers
        )
    ).json()
    path = f"/api/conversations/{conversation['id']}/messages"
    deepseek.add_fault(500, route="*/chat/completions")
    threshold = resources.settings.deepseek.breaker_threshold
    for _ in range(threshold):
        assert (await ask(app_client, path, demo, {"content": "x"}))[0] == 503
    calls = len(deepseek.request_log(path="*/chat/completions"))
    started = time.monotonic()
    status, body = await ask(app_client, path, demo, {"content": "x"})
    elapsed = time.monotonic() - started
    assert status == 503
    assert isinstance(body, dict)
    assert body["error"]["details"]["reason"] == "breaker_open"
    assert elapsed < 0.5
    assert len(deepseek.request_log(path="*/chat/completions")) == calls  # not even tried

    deepseek.clear_faults()
    await asyncio.sleep(resources.settings.deepseek.breaker_open_seconds + 0.1)
    assert (await ask(app_client, path, demo, {"content": "back?"}))[0] == 200
    assert resources.deepseek.guard.breaker_state == "closed"


@pytest.mark.parametrize(
    "fault",
    [
        "mid_stream_error",
        "no_finish_reason",
        "reset_mid_stream",
        {"stream": {"malformed": "truncated_json", "malformed_at_chunk": 6}},
        {"stream": {"malformed": "non_json", "malformed_at_chunk": 6}},
        {"finish_reason": "insufficient_system_resource"},
    ],
    ids=str,
)
async def test_a_stream_cut_midway_ends_with_an_error_frame_and_keeps_the_partial_answer(
    app_client: httpx.AsyncClient, resources: Resources, deepseek: DeepSeekControl, fault: Any
) -> None:
    demo = await demo_project(app_client)
    conversation = (
        await app_client.post(
            f"/api/projects/{demo.project_id}/conversations", json={}, headers=demo.owner.headers
        )
    ).json()
    deepseek.add_fault(fault, route="*/chat/completions")
    status, got = await ask(
        app_client,
        f"/api/conversations/{conversation['id']}/messages",
        demo,
        {"content": "tell me"},
    )
    assert status == 200
    assert isinstance(got, list)
    assert got[-1]["type"] == "error"
    assert got[-1]["error"]["code"] == "ai_unavailable"
    partial = "".join(f["text"] for f in got if f["type"] == "delta")
    detail = (
        await app_client.get(f"/api/conversations/{conversation['id']}", headers=demo.owner.headers)
    ).json()
    assert detail["messages"][-1]["role"] == "assistant"
    assert detail["messages"][-1]["status"] == "failed"
    assert detail["messages"][-1]["content"] == partial
    usage = (
        await app_client.get(f"/api/teams/{demo.team_id}/ai-usage", headers=demo.owner.headers)
    ).json()
    assert usage["tokens_used"] > 0  # what was used is still counted


async def test_a_browser_leaving_midway_still_records_the_answer(
    live: tuple[str, FastAPI], deepseek: DeepSeekControl
) -> None:
    base_url, _ = live
    async with httpx.AsyncClient(base_url=base_url, timeout=10) as http:
        demo = await demo_project(http)
        conversation = (
            await http.post(
                f"/api/projects/{demo.project_id}/conversations",
                json={},
                headers=demo.owner.headers,
            )
        ).json()
        deepseek.add_fault({"chunk_delay_s": 0.05}, route="*/chat/completions")
        async with http.stream(
            "POST",
            f"/api/conversations/{conversation['id']}/messages",
            json={"content": "explain everything"},
            headers=demo.owner.headers,
        ) as response:
            seen = 0
            async for frame in frames(response):
                if frame.data:
                    seen += 1
                if seen >= 3:
                    break  # the user closes the tab
        for _ in range(100):
            detail = await http.get(
                f"/api/conversations/{conversation['id']}", headers=demo.owner.headers
            )
            messages = detail.json()["messages"]
            if len(messages) == 2:
                break
            await asyncio.sleep(0.05)
        assert [m["role"] for m in messages] == ["user", "assistant"]
        assert messages[1]["status"] == "interrupted"
        assert messages[1]["content"]
        usage = (
            await http.get(f"/api/teams/{demo.team_id}/ai-usage", headers=demo.owner.headers)
        ).json()
        assert usage["tokens_used"] > 0


async def test_an_answer_waiting_on_deepseek_holds_no_database_connection(
    settings: Settings, deepseek: DeepSeekControl
) -> None:
    """A stalled DeepSeek must not take the database from the rest of the API: with a pool of
    one connection, a read still answers while an AI answer waits for its first token."""
    one = settings.model_copy(
        update={
            "database": settings.database.model_copy(update={"pool_size": 1, "max_overflow": 0})
        }
    )
    application = create_app(one)
    async with LifespanManager(application):
        transport = httpx.ASGITransport(app=application, client=("10.9.9.9", 40000))
        async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as http:
            demo = await demo_project(http)
            conversation = (
                await http.post(
                    f"/api/projects/{demo.project_id}/conversations",
                    json={},
                    headers=demo.owner.headers,
                )
            ).json()
            deepseek.add_fault("stall", route="*/chat/completions")
            waiting = asyncio.create_task(
                ask(
                    http,
                    f"/api/conversations/{conversation['id']}/messages",
                    demo,
                    {"content": "why?"},
                )
            )
            while not deepseek.request_log(path="*/chat/completions"):
                await asyncio.sleep(0.05)
            started = time.monotonic()
            read = await http.get(f"/api/teams/{demo.team_id}/projects", headers=demo.owner.headers)
            assert read.status_code == 200
            assert time.monotonic() - started < 1.0
            assert (await waiting)[0] == 503


async def test_with_the_breaker_open_no_prompt_is_built(
    app_client: httpx.AsyncClient,
    resources: Resources,
    deepseek: DeepSeekControl,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Once the breaker is open, the answer is refused before the project context is read."""
    demo = await demo_project(app_client)
    conversation = (
        await app_client.post(
            f"/api/projects/{demo.project_id}/conversations", json={}, headers=demo.owner.headers
        )
    ).json()
    path = f"/api/conversations/{conversation['id']}/messages"
    deepseek.add_fault(500, route="*/chat/completions")
    for _ in range(resources.settings.deepseek.breaker_threshold):
        assert (await ask(app_client, path, demo, {"content": "x"}))[0] == 503

    async def no_context(*args: Any, **kwargs: Any) -> str:
        raise AssertionError("the prompt was built while the breaker was open")

    monkeypatch.setattr(assistant_service, "context", no_context)
    status, body = await ask(app_client, path, demo, {"content": "x"})
    assert status == 503
    assert isinstance(body, dict)
    assert body["error"]["details"]["reason"] == "breaker_open"
