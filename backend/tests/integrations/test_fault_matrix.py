"""Every simulator fault against every client path: a bounded wait, the specific error, nothing
left running, and the breaker opening and closing as configured.

Bounds (test settings): connect 1 s, read 2 s, total 3 s per call; DeepSeek first token 3 s,
stream deadline 10 s. A call may exceed its bound only by scheduling noise: 1.5 s is allowed,
for a 2-core machine running the suite on two workers beside processes of other tests.
"""

from __future__ import annotations

import asyncio
import gc
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest

from shipdeck.integrations.deepseek.client import DeepSeekClient, Finished, TextDelta
from shipdeck.integrations.deepseek.errors import AiRejected, AiUnavailable
from shipdeck.integrations.sleakops.client import SleakOpsClient
from shipdeck.integrations.sleakops.errors import (
    SleakOpsNotFound,
    SleakOpsRejected,
    SleakOpsUnavailable,
)
from shipdeck.observability.metrics import MetricsEmitter
from shipdeck.settings import DeepSeekSettings, SleakOpsSettings
from shipdeck_local.simulators.deepseek.control import DeepSeekControl
from shipdeck_local.simulators.sleakops.control import SleakOpsControl
from tests.conftest import TEST_RESILIENCE

NOISE = 1.5
MESSAGES = [{"role": "user", "content": "Why did the deployment fail?"}]


class Sink:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def write(self, text: str) -> int:
        self.lines.append(text)
        return len(text)

    def flush(self) -> None:
        pass


@pytest.fixture
async def sleakops_client(sleakops: SleakOpsControl) -> AsyncIterator[SleakOpsClient]:
    settings = SleakOpsSettings(
        api_key="shipdeck-local-key", base_url=f"{sleakops.base_url}/api/", **TEST_RESILIENCE
    )
    client = SleakOpsClient(settings, MetricsEmitter(Sink()))  # type: ignore[arg-type]
    yield client
    await client.aclose()


@pytest.fixture
async def deepseek_client(deepseek: DeepSeekControl) -> AsyncIterator[DeepSeekClient]:
    settings = DeepSeekSettings(
        api_key="sk-shipdeck-local",
        base_url=deepseek.base_url,
        first_token_timeout_seconds=3.0,
        stream_deadline_seconds=10.0,
        **TEST_RESILIENCE,
    )
    client = DeepSeekClient(settings, MetricsEmitter(Sink()))  # type: ignore[arg-type]
    yield client
    await client.aclose()


def other_tasks() -> set[asyncio.Task[Any]]:
    current = asyncio.current_task()
    return {t for t in asyncio.all_tasks() if t is not current and not t.done()}


async def settled_tasks() -> set[asyncio.Task[Any]]:
    """Tasks still running once garbage has been collected and the loop has turned: the event
    loop closes collected async generators in tasks of its own, which end at once."""
    gc.collect()
    await asyncio.sleep(0.05)
    return other_tasks()


SLEAKOPS_FAULTS: list[tuple[Any, type[Exception], float]] = [
    ("reset", SleakOpsUnavailable, 1.0),
    ("stall", SleakOpsUnavailable, 3.0),
    ({"delay_s": 5.0}, SleakOpsUnavailable, 3.0),
    ({"status": 500, "body_format": "html"}, SleakOpsUnavailable, 1.0),
    ({"status": 502, "body_format": "html"}, SleakOpsUnavailable, 1.0),
    ({"status": 503, "body_format": "empty"}, SleakOpsUnavailable, 1.0),
    ({"status": 429}, SleakOpsUnavailable, 1.0),
    ({"status": 401}, SleakOpsUnavailable, 1.0),
    ({"status": 403, "body_format": "html"}, SleakOpsUnavailable, 1.0),
    ({"status": 400, "body": {"detail": "Multiple projects found"}}, SleakOpsRejected, 1.0),
    ({"status": 412, "body_format": "text", "body": "precondition"}, SleakOpsRejected, 1.0),
    ({"status": 400, "body_format": "html"}, SleakOpsRejected, 1.0),
    ({"malformed_json": True}, SleakOpsUnavailable, 1.0),
    ({"stall_after_bytes": 5}, SleakOpsUnavailable, 3.0),
    ("close_after_headers", SleakOpsUnavailable, 1.0),
]


@pytest.mark.parametrize(("fault", "error", "bound"), SLEAKOPS_FAULTS, ids=str)
@pytest.mark.parametrize("path", ["start", "poll"])
async def test_sleakops_faults(
    sleakops: SleakOpsControl,
    sleakops_client: SleakOpsClient,
    path: str,
    fault: Any,
    error: type[Exception],
    bound: float,
) -> None:
    if path == "poll":
        created = await sleakops_client.start_build(project="shipdeck-demo", branch="main")
        route = f"/api/cli-build/{created.id}/"
        call = sleakops_client.get_build(created.id)
        if error is SleakOpsRejected:
            error = SleakOpsRejected  # a poll refused with 400/412 is a refusal too
    else:
        route = "/api/cli-build/"
        call = sleakops_client.start_build(project="shipdeck-demo", branch="main")
    sleakops.add_fault(fault, route=route)
    tasks = await settled_tasks()
    started = time.monotonic()
    with pytest.raises(error):
        await call
    elapsed = time.monotonic() - started
    assert elapsed < bound + NOISE, f"{elapsed:.2f}s"
    assert await settled_tasks() <= tasks  # nothing left running
    if path == "start":
        # A start is never repeated: a second POST could start a second build.
        assert len(sleakops.request_log(path="/api/cli-build/", method="POST")) == 1


async def test_sleakops_polls_retry_transient_failures(
    sleakops: SleakOpsControl, sleakops_client: SleakOpsClient
) -> None:
    created = await sleakops_client.start_build(project="shipdeck-demo", branch="main")
    sleakops.add_fault(503, route=f"/api/cli-build/{created.id}/", times=1)
    status = await sleakops_client.get_build(created.id)
    assert status.state in ("initial", "creating", "created")
    assert len(sleakops.request_log(path=f"/api/cli-build/{created.id}/")) == 2


async def test_sleakops_unknown_resource_is_not_found(sleakops_client: SleakOpsClient) -> None:
    with pytest.raises(SleakOpsNotFound):
        await sleakops_client.get_build("00000000-0000-0000-0000-000000000000")


async def test_sleakops_breaker_opens_refuses_fast_and_closes(
    sleakops: SleakOpsControl, sleakops_client: SleakOpsClient
) -> None:
    sleakops.add_fault(500, route="/api/cli-build/")
    for _ in range(TEST_RESILIENCE["breaker_threshold"]):
        with pytest.raises(SleakOpsUnavailable):
            await sleakops_client.start_build(project="shipdeck-demo", branch="main")
    posts = len(sleakops.request_log(path="/api/cli-build/", method="POST"))
    started = time.monotonic()
    with pytest.raises(SleakOpsUnavailable) as refused:
        await sleakops_client.start_build(project="shipdeck-demo", branch="main")
    assert time.monotonic() - started < 0.05
    assert refused.value.details["reason"] == "breaker_open"
    assert len(sleakops.request_log(path="/api/cli-build/", method="POST")) == posts
    # Refusals by SleakOps (400) are not failures of SleakOps: they never open the breaker.
    sleakops.clear_faults()
    await asyncio.sleep(TEST_RESILIENCE["breaker_open_seconds"] + 0.1)
    await sleakops_client.start_build(project="shipdeck-demo", branch="main")
    assert sleakops_client.guard.breaker_state == "closed"
    for _ in range(TEST_RESILIENCE["breaker_threshold"] + 2):
        with pytest.raises(SleakOpsRejected):
            await sleakops_client.start_build(project="no-such-project", branch="main")
    assert sleakops_client.guard.breaker_state == "closed"


async def test_sleakops_bulkhead_limits_calls_in_flight(sleakops: SleakOpsControl) -> None:
    settings = SleakOpsSettings(
        api_key="shipdeck-local-key",
        base_url=f"{sleakops.base_url}/api/",
        **{**TEST_RESILIENCE, "breaker_threshold": 100},
        max_concurrency=2,
        queue_timeout_seconds=0.1,
    )
    client = SleakOpsClient(settings, MetricsEmitter(Sink()))  # type: ignore[arg-type]
    sleakops.add_fault({"delay_s": 1.0}, route="/api/cli-build/")
    try:
        results = await asyncio.gather(
            *(client.start_build(project="shipdeck-demo", branch="main") for _ in range(5)),
            return_exceptions=True,
        )
    finally:
        await client.aclose()
    busy = [
        r for r in results if isinstance(r, SleakOpsUnavailable) and r.details["reason"] == "busy"
    ]
    assert len(busy) == 3
    assert len(sleakops.request_log(path="/api/cli-build/", method="POST")) == 2


async def collect(client: DeepSeekClient) -> tuple[str, Finished | None]:
    stream = await client.open_stream(MESSAGES, max_tokens=300)
    text, finished = "", None
    async for event in stream.events():
        if isinstance(event, TextDelta):
            text += event.text
        else:
            finished = event
    return text, finished


DEEPSEEK_BEFORE_TEXT: list[tuple[Any, type[Exception], float]] = [
    ("reset", AiUnavailable, 1.0),
    ("stall", AiUnavailable, 3.0),
    ("slow_first_byte", AiUnavailable, 3.0),
    ("keepalive_stall", AiUnavailable, 3.0),
    ("close_after_headers", AiUnavailable, 1.0),
    ("unauthorized", AiUnavailable, 1.0),
    ("insufficient_balance", AiUnavailable, 1.0),
    ("rate_limited", AiUnavailable, 1.0),
    ("rate_limited_retry_after_long", AiUnavailable, 1.0),
    ("server_error", AiUnavailable, 1.0),
    ("bad_gateway", AiUnavailable, 1.0),
    ("overloaded", AiUnavailable, 1.0),
    ("empty_500", AiUnavailable, 1.0),
    ("blank_200", AiUnavailable, 1.0),
    ("truncated_json", AiUnavailable, 1.0),
    ("non_json", AiUnavailable, 1.0),
    ("unprocessable", AiRejected, 1.0),
    ("content_filter", AiRejected, 1.0),
    ("empty_content", AiUnavailable, 1.0),
]


@pytest.mark.parametrize(("fault", "error", "bound"), DEEPSEEK_BEFORE_TEXT, ids=str)
async def test_deepseek_faults_before_text(
    deepseek: DeepSeekControl,
    deepseek_client: DeepSeekClient,
    fault: Any,
    error: type[Exception],
    bound: float,
) -> None:
    deepseek.add_fault(fault, route="*/chat/completions")
    tasks = await settled_tasks()
    started = time.monotonic()
    with pytest.raises(error):
        await collect(deepseek_client)
    elapsed = time.monotonic() - started
    assert elapsed < bound + NOISE, f"{elapsed:.2f}s"
    assert await settled_tasks() <= tasks


DEEPSEEK_MID_STREAM: list[tuple[Any, float]] = [
    ("stall_stream", 2.0),
    ("no_done", 1.0),
    ("no_finish_reason", 1.0),
    ("reset_mid_stream", 1.0),
    ("mid_stream_error", 1.0),
    ({"stream": {"malformed": "truncated_json", "malformed_at_chunk": 5}}, 1.0),
    ({"finish_reason": "insufficient_system_resource"}, 1.0),
]


@pytest.mark.parametrize(("fault", "bound"), DEEPSEEK_MID_STREAM, ids=str)
async def test_deepseek_faults_mid_stream(
    deepseek: DeepSeekControl, deepseek_client: DeepSeekClient, fault: Any, bound: float
) -> None:
    deepseek.add_fault(fault, route="*/chat/completions")
    stream = await deepseek_client.open_stream(MESSAGES, max_tokens=300)
    started = time.monotonic()
    text = ""
    outcome: Exception | Finished | None = None
    try:
        async for event in stream.events():
            if isinstance(event, TextDelta):
                text += event.text
            else:
                outcome = event
    except AiUnavailable as exc:
        outcome = exc
    elapsed = time.monotonic() - started
    if fault == "no_done":
        # A stream that lost only its [DONE] still carried its finish reason: complete.
        assert isinstance(outcome, Finished)
    else:
        assert isinstance(outcome, AiUnavailable), outcome
    assert text  # the part already received stays available to the caller
    assert elapsed < bound + NOISE


@pytest.mark.parametrize(
    "fault",
    [
        "duplicate_done",
        "duplicate_final_chunk",
        "crlf",
        "coalesced",
        "split_event",
        "split_utf8",
        "no_space",
        "model_echo",
    ],
)
async def test_deepseek_tolerated_oddities(
    deepseek: DeepSeekControl, deepseek_client: DeepSeekClient, fault: str
) -> None:
    deepseek.add_fault(fault, route="*/chat/completions")
    text, finished = await collect(deepseek_client)
    assert text
    assert finished is not None
    assert finished.finish_reason == "stop"


async def test_deepseek_usage_in_both_layouts(
    deepseek: DeepSeekControl, deepseek_client: DeepSeekClient
) -> None:
    _, finished = await collect(deepseek_client)
    assert finished is not None
    assert finished.usage is not None
    deepseek.update_settings(usage_mode="openai_separate_chunk")
    _, separate = await collect(deepseek_client)
    assert separate is not None
    assert separate.usage is not None


async def test_deepseek_retries_before_text_only(
    deepseek: DeepSeekControl, deepseek_client: DeepSeekClient
) -> None:
    deepseek.add_fault("overloaded", route="*/chat/completions", times=1)
    text, finished = await collect(deepseek_client)
    assert text
    assert finished is not None
    assert len(deepseek.request_log(path="*/chat/completions")) == 2
    deepseek.clear_request_log()
    deepseek.add_fault("mid_stream_error", route="*/chat/completions", times=1)
    with pytest.raises(AiUnavailable):
        await collect(deepseek_client)
    assert len(deepseek.request_log(path="*/chat/completions")) == 1  # no second answer
