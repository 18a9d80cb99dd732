"""The DeepSeek simulator's wire format and knobs, checked byte by byte with httpx."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from shipdeck_local.simulators.common.faults import StreamFault
from shipdeck_local.simulators.deepseek import LOCAL_API_KEY
from shipdeck_local.simulators.deepseek.control import fault_header
from shipdeck_local.simulators.deepseek.streaming import plan_stream

from .conftest import RunningDeepSeek

AUTH = {"Authorization": f"Bearer {LOCAL_API_KEY}"}
HELLO = [{"role": "user", "content": "Hello there"}]


def post(
    sim: RunningDeepSeek,
    body: Any,
    headers: dict[str, str] | None = None,
    path: str = "/chat/completions",
) -> httpx.Response:
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    return httpx.post(
        sim.url + path, content=content, headers={**AUTH, **(headers or {})}, timeout=10
    )


def events(raw: str) -> list[str]:
    assert raw.endswith("\n\n")
    return [e for e in raw.split("\n\n") if e]


def chunks_of(raw: str) -> list[dict[str, Any]]:
    found = []
    for event in events(raw):
        assert event.startswith("data: "), event
        if event != "data: [DONE]":
            found.append(json.loads(event[len("data: ") :]))
    return found


def test_stream_framing_matches_deepseek(deepseek: RunningDeepSeek) -> None:
    body = {
        "model": "deepseek-v4-flash",
        "messages": HELLO,
        "stream": True,
        "stream_options": {"include_usage": True},
    }
    response = post(deepseek, body)

    assert response.status_code == 200
    assert response.headers["content-type"] == "text/event-stream; charset=utf-8"
    assert response.headers["cache-control"] == "no-cache"
    assert response.headers["x-ds-trace-id"]
    raw = response.text
    assert events(raw)[-1] == "data: [DONE]"
    for event in events(raw)[:-1]:
        payload = event[len("data: ") :]
        assert payload == json.dumps(json.loads(payload), separators=(",", ":"), ensure_ascii=False)
    chunks = chunks_of(raw)
    assert len({(c["id"], c["created"], c["model"], c["system_fingerprint"]) for c in chunks}) == 1
    assert chunks[0]["choices"][0]["delta"] == {
        "role": "assistant",
        "content": None,
        "reasoning_content": "",
    }
    deltas = [c["choices"][0]["delta"] for c in chunks[1:-1]]
    kinds = ["reasoning" if d["content"] is None else "content" for d in deltas]
    assert kinds == sorted(kinds, key=lambda k: k == "content")  # all reasoning first
    assert "reasoning" in kinds
    assert "content" in kinds
    assert all(d["reasoning_content"] is None for d in deltas if d["content"] is not None)
    final = chunks[-1]
    assert final["choices"][0]["delta"] == {"content": "", "reasoning_content": None}
    assert final["choices"][0]["finish_reason"] == "stop"
    assert all(c["usage"] is None for c in chunks[:-1])
    usage = final["usage"]
    assert usage["completion_tokens"] == len(deltas)
    assert usage["completion_tokens_details"]["reasoning_tokens"] == kinds.count("reasoning")
    assert (
        usage["prompt_cache_hit_tokens"] + usage["prompt_cache_miss_tokens"]
        == usage["prompt_tokens"]
    )
    assert usage["prompt_tokens_details"]["cached_tokens"] == usage["prompt_cache_hit_tokens"]


def test_stream_without_include_usage_has_no_usage_key_but_on_the_final_chunk(
    deepseek: RunningDeepSeek,
) -> None:
    body = {
        "model": "deepseek-v4-flash",
        "messages": HELLO,
        "stream": True,
        "thinking": {"type": "disabled"},
    }
    chunks = chunks_of(post(deepseek, body).text)
    assert chunks[0]["choices"][0]["delta"] == {"role": "assistant", "content": ""}
    assert all("usage" not in c for c in chunks[:-1])
    assert "reasoning_content" not in chunks[1]["choices"][0]["delta"]
    assert chunks[-1]["usage"]["total_tokens"] > 0
    assert "completion_tokens_details" not in chunks[-1]["usage"]


def test_openai_separate_usage_chunk_layout(
    deepseek_factory: Callable[..., RunningDeepSeek],
) -> None:
    sim = deepseek_factory(usage_mode="openai_separate_chunk")
    body = {
        "model": "deepseek-v4-pro",
        "messages": HELLO,
        "stream": True,
        "stream_options": {"include_usage": True},
    }
    chunks = chunks_of(post(sim, body).text)
    assert chunks[-1]["choices"] == []
    assert chunks[-1]["usage"]["total_tokens"] > 0
    assert chunks[-2]["choices"][0]["finish_reason"] == "stop"
    assert chunks[-2]["usage"] is None


def test_keepalives_while_queued(deepseek: RunningDeepSeek) -> None:
    queued = fault_header({"queue_delay_s": 0.3})
    streamed = post(
        deepseek, {"model": "deepseek-v4-flash", "messages": HELLO, "stream": True}, queued
    )
    assert streamed.text.startswith(": keep-alive\n\n: keep-alive\n\n")
    plain = post(deepseek, {"model": "deepseek-v4-flash", "messages": HELLO}, queued)
    assert plain.text.startswith("\n\n")
    assert json.loads(plain.text)["object"] == "chat.completion"


def test_queue_longer_than_max_wait_closes_the_connection(
    deepseek_factory: Callable[..., RunningDeepSeek],
) -> None:
    sim = deepseek_factory(queue_delay_s=5.0, max_queue_wait_s=0.2)
    with pytest.raises(httpx.RemoteProtocolError):
        post(sim, {"model": "deepseek-v4-flash", "messages": HELLO, "stream": True})


def test_invalid_json_is_plain_text_400_unless_switched(
    deepseek_factory: Callable[..., RunningDeepSeek],
) -> None:
    sim = deepseek_factory()
    response = post(sim, b'{"model": "deepseek-v4-flash",')
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/plain")
    assert response.text.startswith("Failed to parse the request body as JSON: ")
    missing = post(sim, {"model": "deepseek-v4-flash"})
    assert missing.status_code == 422
    assert missing.text.startswith(
        "Failed to deserialize the JSON body into the target type: missing field `messages`"
    )
    sim.control.update_settings(json_errors=True)
    as_json = post(sim, b"not json")
    assert as_json.status_code == 400
    assert as_json.json()["error"]["message"].startswith("Failed to parse the request body")


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            {"response_format": {"type": "json_schema"}},
            "This response_format type is unavailable now",
        ),
        ({"response_format": {"type": "json_object"}}, "Prompt must contain the word 'json'"),
        (
            {"stream_options": {"include_usage": True}},
            "stream_options should be set along with stream",
        ),
        ({"reasoning_effort": "extreme"}, "Invalid reasoning_effort"),
        ({"max_tokens": 0}, "Invalid max_tokens value"),
    ],
)
def test_semantic_checks_answer_400_json(
    deepseek: RunningDeepSeek, extra: dict[str, Any], message: str
) -> None:
    response = post(deepseek, {"model": "deepseek-v4-flash", "messages": HELLO, **extra})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["message"].startswith(message)
    assert error["type"] == "invalid_request_error"


def test_unknown_role_is_a_serde_variant_error(deepseek: RunningDeepSeek) -> None:
    response = post(
        deepseek, {"model": "deepseek-v4-flash", "messages": [{"role": "robot", "content": "x"}]}
    )
    assert response.status_code == 422
    assert "messages[0].role: unknown variant `robot`, expected one of `system`" in response.text


def test_effort_aliases_and_stream_options_switch(deepseek: RunningDeepSeek) -> None:
    assert (
        post(
            deepseek, {"model": "deepseek-v4-flash", "messages": HELLO, "reasoning_effort": "low"}
        ).status_code
        == 200
    )
    deepseek.control.update_settings(reject_stream_options_without_stream=False)
    body = {
        "model": "deepseek-v4-flash",
        "messages": HELLO,
        "stream_options": {"include_usage": True},
    }
    assert post(deepseek, body).status_code == 200


def test_json_mode_answers_json_and_empty_content_fault(deepseek: RunningDeepSeek) -> None:
    body = {
        "model": "deepseek-v4-flash",
        "response_format": {"type": "json_object"},
        "messages": [{"role": "user", "content": "Project: shipdeck-demo. Reply in json."}],
    }
    content = post(deepseek, body).json()["choices"][0]["message"]["content"]
    assert json.loads(content)["project"] == "shipdeck-demo"
    empty = post(deepseek, body, fault_header("empty_content")).json()
    assert empty["choices"][0]["message"]["content"] == ""


def test_stop_sequence_cuts_the_content(deepseek: RunningDeepSeek) -> None:
    deepseek.control.queue_reply("Alpha beta STOP gamma", times=2)
    body = {
        "model": "deepseek-v4-flash",
        "messages": HELLO,
        "stop": ["STOP"],
        "thinking": {"type": "disabled"},
    }
    answer = post(deepseek, body).json()["choices"][0]
    assert answer["message"]["content"] == "Alpha beta "
    assert answer["finish_reason"] == "stop"


def test_balance_is_decimal_strings_and_calls_are_charged(deepseek: RunningDeepSeek) -> None:
    deepseek.control.set_balance(topped_up="0.02", granted="0.01")
    balance = httpx.get(deepseek.url + "/user/balance", headers=AUTH).json()
    assert balance == {
        "is_available": True,
        "balance_infos": [
            {
                "currency": "USD",
                "total_balance": "0.03",
                "granted_balance": "0.01",
                "topped_up_balance": "0.02",
            }
        ],
    }
    deepseek.control.update_settings(
        models=[
            {
                "id": "deepseek-v4-flash",
                "concurrency_limit": 10,
                "price": {"input_cache_hit": "100", "input_cache_miss": "100", "output": "100"},
            }
        ]
    )
    assert post(deepseek, {"model": "deepseek-v4-flash", "messages": HELLO}).status_code == 200
    after = httpx.get(deepseek.url + "/v1/user/balance", headers=AUTH).json()
    infos = after["balance_infos"][0]
    assert infos["granted_balance"] == "0.00"  # granted balance is spent first
    assert float(infos["topped_up_balance"]) < 0.02


def test_models_listing_at_root_and_v1(deepseek: RunningDeepSeek) -> None:
    for path in ("/models", "/v1/models"):
        data = httpx.get(deepseek.url + path, headers=AUTH).json()
        assert data == {
            "object": "list",
            "data": [
                {"id": "deepseek-v4-flash", "object": "model", "owned_by": "deepseek"},
                {"id": "deepseek-v4-pro", "object": "model", "owned_by": "deepseek"},
            ],
        }
    assert httpx.get(deepseek.url + "/models").status_code == 401
    assert httpx.get(deepseek.url + "/v2/models", headers=AUTH).status_code == 404


@pytest.mark.parametrize(
    ("fault", "status", "content_type", "check"),
    [
        (
            "bad_gateway",
            502,
            "text/html",
            lambda text: "<center><h1>502 Bad Gateway</h1></center>" in text,
        ),
        ("empty_500", 500, None, lambda text: text == ""),
        (
            {"status": 503, "body_format": "text"},
            503,
            "text/plain",
            lambda text: "overloaded" in text,
        ),
        (
            "overloaded",
            503,
            "application/json",
            lambda text: json.loads(text)["error"]["type"] == "server_error",
        ),
    ],
)
def test_error_body_formats(
    deepseek: RunningDeepSeek,
    fault: Any,
    status: int,
    content_type: str | None,
    check: Callable[[str], bool],
) -> None:
    response = post(
        deepseek, {"model": "deepseek-v4-flash", "messages": HELLO}, fault_header(fault)
    )
    assert response.status_code == status
    assert (response.headers.get("content-type") or None) == content_type or (
        content_type and response.headers["content-type"].startswith(content_type)
    )
    assert check(response.text)


def test_retry_headers_are_sent(deepseek: RunningDeepSeek) -> None:
    fault = {"status": 429, "headers": {"retry-after-ms": "250", "x-should-retry": "true"}}
    response = post(
        deepseek, {"model": "deepseek-v4-flash", "messages": HELLO}, fault_header(fault)
    )
    assert response.status_code == 429
    assert response.headers["retry-after-ms"] == "250"
    assert response.headers["x-should-retry"] == "true"


def test_close_after_headers_and_reset_break_the_connection(deepseek: RunningDeepSeek) -> None:
    body = {"model": "deepseek-v4-flash", "messages": HELLO, "stream": True}
    with pytest.raises(httpx.RemoteProtocolError):
        post(deepseek, body, fault_header("close_after_headers"))
    with pytest.raises((httpx.ReadError, httpx.RemoteProtocolError)):
        post(deepseek, body, fault_header("reset"))


def test_stream_endings(deepseek: RunningDeepSeek) -> None:
    body = {"model": "deepseek-v4-flash", "messages": HELLO, "stream": True}
    no_done = events(post(deepseek, body, fault_header("no_done")).text)
    assert no_done[-1] != "data: [DONE]"
    assert json.loads(no_done[-1][6:])["choices"][0]["finish_reason"] == "stop"
    twice = events(post(deepseek, body, fault_header("duplicate_done")).text)
    assert twice[-2:] == ["data: [DONE]", "data: [DONE]"]
    final_twice = events(post(deepseek, body, fault_header("duplicate_final_chunk")).text)
    assert final_twice[-3] == final_twice[-2]
    error = events(post(deepseek, body, fault_header("mid_stream_error")).text)
    assert len(error) == 3
    assert json.loads(error[-1][6:])["error"]["type"] == "server_error"


def test_malformed_frames_are_exact(deepseek: RunningDeepSeek) -> None:
    body = {"model": "deepseek-v4-flash", "messages": HELLO, "stream": True}
    non_json = events(post(deepseek, body, fault_header("non_json")).text)
    assert non_json[1] == "data: upstream returned an unexpected payload"
    missing = events(post(deepseek, body, fault_header("missing_data_prefix")).text)
    assert missing[1].startswith('{"id":')
    crlf = post(deepseek, body, fault_header("crlf")).content
    assert crlf.endswith(b"data: [DONE]\r\n\r\n")
    assert b"}\r\n\r\ndata: " in crlf


def test_split_utf8_cuts_inside_a_character() -> None:
    chunk = {"choices": [{"delta": {"content": " — dash"}}]}
    plan = plan_stream([{"n": 1}, chunk], StreamFault(malformed="split_utf8"), has_finish_chunk=1)
    first, second = plan.writes[1], plan.writes[2]
    with pytest.raises(UnicodeDecodeError):
        first.decode("utf-8")
    assert (first + second).decode("utf-8").startswith("data: ")
    assert plan.pause_before == frozenset({2})


def test_fault_rules_by_request_number_probability_and_budget(
    deepseek_factory: Callable[..., RunningDeepSeek],
) -> None:
    sim = deepseek_factory()
    sim.control.add_fault(500, route="/chat/completions", on_requests=[2, 4])
    statuses = [
        post(sim, {"model": "deepseek-v4-flash", "messages": HELLO}).status_code for _ in range(5)
    ]
    assert statuses == [200, 500, 200, 500, 200]
    assert [e.fault for e in sim.control.request_log()][1] == "rule:f1"

    def pattern(seed: int) -> list[int]:
        other = deepseek_factory(seed=seed)
        other.control.add_fault("overloaded", probability=0.5)
        return [
            post(other, {"model": "deepseek-v4-flash", "messages": HELLO}).status_code
            for _ in range(12)
        ]

    assert pattern(7) == pattern(7)
    assert set(pattern(7)) == {200, 503}

    sim.control.reset()
    rule = sim.control.fault_once("rate_limited")
    assert [
        post(sim, {"model": "deepseek-v4-flash", "messages": HELLO}).status_code for _ in range(2)
    ] == [429, 200]
    assert next(r for r in sim.control.faults() if r.id == rule.id).fired == 1


def test_bad_fault_header_is_refused(deepseek: RunningDeepSeek) -> None:
    response = post(
        deepseek,
        {"model": "deepseek-v4-flash", "messages": HELLO},
        {"X-Sim-Fault": "no_such_fault"},
    )
    assert response.status_code == 400
    assert "unknown fault preset" in response.json()["sim_error"]


def test_request_log_records_what_was_sent(deepseek: RunningDeepSeek) -> None:
    post(
        deepseek,
        {"model": "deepseek-v4-flash", "messages": HELLO, "user_id": "team-7"},
        path="/v1/chat/completions?trace=1",
    )
    httpx.get(deepseek.url + "/_sim/requests")  # control calls are not logged
    [entry] = deepseek.control.request_log()
    assert entry.method == "POST"
    assert entry.path == "/v1/chat/completions"
    assert entry.query_params == {"trace": "1"}
    assert entry.auth_scheme == "Bearer"
    assert entry.credential == LOCAL_API_KEY
    assert entry.body["user_id"] == "team-7"
    assert entry.status == 200
    assert entry.duration_s is not None
    assert entry.finished_at >= entry.received_at


def test_reset_restores_defaults(deepseek: RunningDeepSeek) -> None:
    deepseek.control.set_balance(topped_up="0")
    deepseek.control.add_fault(500)
    deepseek.control.queue_reply("scripted")
    deepseek.control.update_settings(legacy_aliases="accept")
    deepseek.control.reset()
    assert deepseek.control.faults() == []
    assert deepseek.control.pending_replies() == []
    assert deepseek.control.settings()["legacy_aliases"] == "reject"
    assert deepseek.control.balance()["is_available"] is True
    assert deepseek.control.request_log() == []


def test_fim_completion_on_beta(deepseek: RunningDeepSeek) -> None:
    body = {
        "model": "deepseek-v4-flash",
        "prompt": "def total(xs):\n",
        "suffix": "\n",
        "max_tokens": 64,
    }
    answer = post(deepseek, body, path="/beta/completions").json()
    assert answer["object"] == "text_completion"
    assert answer["choices"][0]["text"].startswith("    ")
    assert answer["choices"][0]["finish_reason"] == "stop"


def test_logprobs_in_non_thinking_mode(deepseek: RunningDeepSeek) -> None:
    body = {
        "model": "deepseek-v4-flash",
        "messages": HELLO,
        "logprobs": True,
        "top_logprobs": 1,
        "thinking": {"type": "disabled"},
    }
    choice = post(deepseek, body).json()["choices"][0]
    entries = choice["logprobs"]["content"]
    assert "".join(e["token"] for e in entries) == choice["message"]["content"]
    assert all(e["logprob"] <= 0 and len(e["top_logprobs"]) == 1 for e in entries)


def test_jitter_is_seeded() -> None:
    assert random.Random(3).uniform(0, 1) == random.Random(3).uniform(0, 1)


def test_request_log_keeps_the_newest_entries(
    deepseek_factory: Callable[..., RunningDeepSeek],
) -> None:
    sim = deepseek_factory(request_log_limit=3)
    for _ in range(5):
        httpx.get(sim.url + "/models", headers=AUTH)
    assert [e.seq for e in sim.control.request_log()] == [3, 4, 5]
