"""The official openai SDK (3.57.0) against the DeepSeek simulator on a real port."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable

import openai
import pytest

from shipdeck_local.simulators.deepseek.control import fault_header

from .conftest import RunningDeepSeek

MODEL = "deepseek-v4-flash"
EXPLAIN_PROMPT = [
    {
        "role": "system",
        "content": "You are Shipdeck's release assistant. Explain why the release failed.",
    },
    {
        "role": "user",
        "content": (
            "Project: shipdeck-demo\nRelease:\n- Kind: deploy\n- State: error\n"
            "- Environment: prod\n- Image: shipdeck-demo:broken\n"
            "Errors: ImagePullBackOff: image shipdeck-demo:broken not found"
        ),
    },
]
HELLO = [{"role": "user", "content": "What is the state of the project?"}]


def collect(stream: openai.Stream) -> dict[str, object]:  # type: ignore[type-arg]
    reasoning, content, finish, usage, chunks = "", "", None, None, 0
    for chunk in stream:
        chunks += 1
        if chunk.usage is not None:
            usage = chunk.usage
        if chunk.choices:
            delta = chunk.choices[0].delta
            reasoning += getattr(delta, "reasoning_content", None) or ""
            content += delta.content or ""
            finish = chunk.choices[0].finish_reason or finish
    return {
        "reasoning": reasoning,
        "content": content,
        "finish": finish,
        "usage": usage,
        "chunks": chunks,
    }


def test_non_streaming_thinking_answer_names_the_error(deepseek: RunningDeepSeek) -> None:
    response = deepseek.client().chat.completions.create(model=MODEL, messages=EXPLAIN_PROMPT)

    choice = response.choices[0]
    assert choice.finish_reason == "stop"
    assert "ImagePullBackOff: image shipdeck-demo:broken not found" in choice.message.content
    assert "`prod`" in choice.message.content
    reasoning = choice.message.reasoning_content  # type: ignore[attr-defined]
    assert "ImagePullBackOff" in reasoning
    usage = response.usage
    assert usage.total_tokens == usage.prompt_tokens + usage.completion_tokens
    assert usage.completion_tokens_details.reasoning_tokens <= usage.completion_tokens
    assert usage.prompt_cache_hit_tokens + usage.prompt_cache_miss_tokens == usage.prompt_tokens  # type: ignore[attr-defined]
    assert len(response.id) == 36
    assert response.object == "chat.completion"
    assert response.system_fingerprint.startswith("fp_")


def test_thinking_disabled_has_no_reasoning(deepseek: RunningDeepSeek) -> None:
    response = deepseek.client().chat.completions.create(
        model=MODEL, messages=HELLO, extra_body={"thinking": {"type": "disabled"}}
    )
    assert getattr(response.choices[0].message, "reasoning_content", None) is None
    assert response.usage.completion_tokens_details is None


def test_same_conversation_gives_the_same_answer(deepseek: RunningDeepSeek) -> None:
    client = deepseek.client()
    first = client.chat.completions.create(model=MODEL, messages=EXPLAIN_PROMPT)
    second = client.chat.completions.create(model=MODEL, messages=EXPLAIN_PROMPT)
    assert first.choices[0].message.content == second.choices[0].message.content
    assert first.id != second.id
    # The repeated prompt is now a cache hit.
    assert second.usage.prompt_cache_hit_tokens == second.usage.prompt_tokens  # type: ignore[attr-defined]
    assert first.usage.prompt_cache_hit_tokens == 0  # type: ignore[attr-defined]


@pytest.mark.parametrize("usage_mode", ["deepseek", "openai_separate_chunk"])
def test_stream_usage_is_read_from_whichever_chunk_carries_it(
    deepseek_factory: Callable[..., RunningDeepSeek], usage_mode: str
) -> None:
    sim = deepseek_factory(usage_mode=usage_mode)
    stream = sim.client().chat.completions.create(
        model=MODEL, messages=EXPLAIN_PROMPT, stream=True, stream_options={"include_usage": True}
    )
    result = collect(stream)

    assert result["finish"] == "stop"
    assert "ImagePullBackOff" in str(result["content"])
    assert str(result["reasoning"]).startswith("The user wants")
    usage = result["usage"]
    assert usage is not None
    assert usage.completion_tokens > 20  # type: ignore[attr-defined]
    reference = sim.client().chat.completions.create(model=MODEL, messages=EXPLAIN_PROMPT)
    assert reference.choices[0].message.content == result["content"]
    assert reference.usage.completion_tokens == usage.completion_tokens  # type: ignore[attr-defined]


def test_stream_via_v1_base_url(deepseek: RunningDeepSeek) -> None:
    stream = deepseek.client(base="/v1").chat.completions.create(
        model=MODEL, messages=HELLO, stream=True
    )
    result = collect(stream)
    assert result["finish"] == "stop"
    assert result["content"]
    assert deepseek.control.request_log()[-1].path == "/v1/chat/completions"


def test_tool_call_round_trip_with_reasoning_passed_back(deepseek: RunningDeepSeek) -> None:
    tools = [
        {
            "type": "function",
            "function": {
                "name": "get_release",
                "description": "Read a release",
                "parameters": {
                    "type": "object",
                    "properties": {"project": {"type": "string"}, "limit": {"type": "integer"}},
                    "required": ["project", "limit"],
                },
            },
        }
    ]
    client = deepseek.client()
    messages: list[dict[str, object]] = [
        {"role": "system", "content": "Project: shipdeck-demo"},
        {"role": "user", "content": "Use get_release to see the last release"},
    ]
    stream = client.chat.completions.create(
        model=MODEL, messages=messages, tools=tools, stream=True
    )
    arguments, call_id, name, finish, reasoning = "", None, None, None, ""
    for chunk in stream:
        delta = chunk.choices[0].delta
        reasoning += getattr(delta, "reasoning_content", None) or ""
        for call in delta.tool_calls or []:
            call_id = call.id or call_id
            name = (call.function.name if call.function else None) or name
            arguments += (call.function.arguments if call.function else None) or ""
        finish = chunk.choices[0].finish_reason or finish
    assert finish == "tool_calls"
    assert name == "get_release"
    assert call_id is not None
    assert call_id.startswith("call_00_")
    assert len(call_id) == 32
    assert json.loads(arguments) == {"project": "shipdeck-demo", "limit": 1}

    follow_up = [
        *messages,
        {
            "role": "assistant",
            "content": None,
            "reasoning_content": reasoning,
            "tool_calls": [
                {
                    "id": call_id,
                    "type": "function",
                    "function": {"name": name, "arguments": arguments},
                }
            ],
        },
        {"role": "tool", "tool_call_id": call_id, "content": '{"state": "created"}'},
    ]
    answer = client.chat.completions.create(model=MODEL, messages=follow_up, tools=tools)
    assert answer.choices[0].finish_reason == "stop"
    assert '{"state": "created"}' in answer.choices[0].message.content

    without_reasoning = [{**m} for m in follow_up]
    del without_reasoning[2]["reasoning_content"]
    with pytest.raises(openai.BadRequestError, match="reasoning_content in the thinking mode"):
        client.chat.completions.create(model=MODEL, messages=without_reasoning, tools=tools)


def test_scripted_tool_call_non_streaming(deepseek: RunningDeepSeek) -> None:
    deepseek.control.queue_reply(
        tool_calls=[{"name": "restart", "arguments": {"env": "prod"}}], marker="[restart]"
    )
    tools = [{"type": "function", "function": {"name": "restart", "parameters": {}}}]
    response = deepseek.client().chat.completions.create(
        model=MODEL, messages=[{"role": "user", "content": "please [restart]"}], tools=tools
    )
    message = response.choices[0].message
    assert response.choices[0].finish_reason == "tool_calls"
    assert message.content is None
    assert message.tool_calls[0].function.arguments == '{"env": "prod"}'


def test_unknown_model_and_legacy_alias(deepseek_factory: Callable[..., RunningDeepSeek]) -> None:
    strict = deepseek_factory()
    with pytest.raises(openai.BadRequestError) as raised:
        strict.client().chat.completions.create(model="deepseek-chat", messages=HELLO)
    assert raised.value.body == {
        "message": "Model Not Exist",
        "type": "invalid_request_error",
        "param": None,
        "code": "invalid_request_error",
    }
    lenient = deepseek_factory(legacy_aliases="accept")
    reply = lenient.client().chat.completions.create(model="deepseek-chat", messages=HELLO)
    assert getattr(reply.choices[0].message, "reasoning_content", None) is None
    reasoner = lenient.client().chat.completions.create(model="deepseek-reasoner", messages=HELLO)
    assert reasoner.choices[0].message.reasoning_content  # type: ignore[attr-defined]


def test_bad_key_is_401_with_masked_key(deepseek: RunningDeepSeek) -> None:
    client = openai.OpenAI(
        api_key="sk-0000000000000000000000000000abcd", base_url=deepseek.url, max_retries=0
    )
    with pytest.raises(openai.AuthenticationError) as raised:
        client.chat.completions.create(model=MODEL, messages=HELLO)
    assert raised.value.body["message"] == "Authentication Fails, Your api key: ****abcd is invalid"  # type: ignore[index]


def test_insufficient_balance_is_402_and_not_retried(deepseek: RunningDeepSeek) -> None:
    deepseek.control.set_balance(topped_up="0.00")
    with pytest.raises(openai.APIStatusError) as raised:
        deepseek.client(max_retries=2).chat.completions.create(model=MODEL, messages=HELLO)
    assert raised.value.status_code == 402
    assert raised.value.body["message"] == "Insufficient Balance"  # type: ignore[index]
    assert len(deepseek.control.request_log()) == 1
    assert deepseek.control.balance()["is_available"] is False


def test_plain_text_422_for_wrong_types(deepseek: RunningDeepSeek) -> None:
    with pytest.raises(openai.UnprocessableEntityError) as raised:
        deepseek.client().chat.completions.create(
            model=MODEL, messages=[{"role": "user", "content": [{"type": "text", "text": "x"}]}]
        )
    assert isinstance(raised.value.body, str)
    assert "messages[0].content: invalid type: sequence, expected a string" in raised.value.body


def test_429_is_retried_by_the_sdk(deepseek: RunningDeepSeek) -> None:
    deepseek.control.add_fault("rate_limited", route="/chat/completions", times=2)
    response = deepseek.client(max_retries=2).chat.completions.create(model=MODEL, messages=HELLO)

    assert response.choices[0].finish_reason == "stop"
    attempts = deepseek.control.request_log(path="/chat/completions")
    assert [a.status for a in attempts] == [429, 429, 200]
    assert [a.header("x-stainless-retry-count") for a in attempts] == ["0", "1", "2"]


def test_retry_after_above_120s_disables_retry(deepseek: RunningDeepSeek) -> None:
    deepseek.control.add_fault("rate_limited_retry_after_long")
    started = time.monotonic()
    with pytest.raises(openai.RateLimitError):
        deepseek.client(max_retries=2).chat.completions.create(model=MODEL, messages=HELLO)
    assert time.monotonic() - started < 2
    assert len(deepseek.control.request_log()) == 1


def test_concurrency_limit_gives_immediate_429(
    deepseek_factory: Callable[..., RunningDeepSeek],
) -> None:
    sim = deepseek_factory(
        models=[
            {
                "id": MODEL,
                "concurrency_limit": 1,
                "price": {
                    "input_cache_hit": "0.0028",
                    "input_cache_miss": "0.14",
                    "output": "0.28",
                },
            }
        ]
    )
    slow_done = threading.Event()

    def slow_request() -> None:
        sim.client().chat.completions.create(
            model=MODEL, messages=HELLO, extra_headers=fault_header({"queue_delay_s": 1.0})
        )
        slow_done.set()

    worker = threading.Thread(target=slow_request)
    worker.start()
    deadline = time.monotonic() + 5
    while not sim.control.request_log() and time.monotonic() < deadline:
        time.sleep(0.01)
    started = time.monotonic()
    with pytest.raises(openai.RateLimitError):
        sim.client(max_retries=0).chat.completions.create(model=MODEL, messages=HELLO)
    assert time.monotonic() - started < 0.5
    worker.join(5)
    assert slow_done.is_set()
    # Once the first request finished, the slot is free again.
    sim.client().chat.completions.create(model=MODEL, messages=HELLO)


def test_stream_without_finish_reason_ends_silently(deepseek: RunningDeepSeek) -> None:
    stream = deepseek.client().chat.completions.create(
        model=MODEL, messages=HELLO, stream=True, extra_headers=fault_header("no_finish_reason")
    )
    result = collect(stream)  # raises nothing
    assert result["finish"] is None
    assert result["content"]


def test_malformed_chunk_raises_json_decode_error(deepseek: RunningDeepSeek) -> None:
    stream = deepseek.client().chat.completions.create(
        model=MODEL, messages=HELLO, stream=True, extra_headers=fault_header("truncated_json")
    )
    with pytest.raises(json.JSONDecodeError):
        collect(stream)


def test_blank_200_raises_json_decode_error_and_is_not_retried(deepseek: RunningDeepSeek) -> None:
    deepseek.control.add_fault("blank_200", times=1)
    with pytest.raises(json.JSONDecodeError):
        deepseek.client(max_retries=2).chat.completions.create(model=MODEL, messages=HELLO)
    assert len(deepseek.control.request_log()) == 1


def test_keep_alives_are_ignored_by_the_sdk(deepseek: RunningDeepSeek) -> None:
    headers = fault_header({"queue_delay_s": 0.3})
    stream = deepseek.client().chat.completions.create(
        model=MODEL, messages=HELLO, stream=True, extra_headers=headers
    )
    assert collect(stream)["finish"] == "stop"
    plain = deepseek.client().chat.completions.create(
        model=MODEL, messages=HELLO, extra_headers=headers
    )
    assert plain.choices[0].finish_reason == "stop"


def test_mid_stream_error_object_raises_api_error(deepseek: RunningDeepSeek) -> None:
    stream = deepseek.client().chat.completions.create(
        model=MODEL, messages=HELLO, stream=True, extra_headers=fault_header("mid_stream_error")
    )
    with pytest.raises(openai.APIError, match="Internal server error while generating"):
        collect(stream)


def test_reset_mid_stream_is_a_connection_error(deepseek: RunningDeepSeek) -> None:
    stream = deepseek.client().chat.completions.create(
        model=MODEL, messages=HELLO, stream=True, extra_headers=fault_header("reset_mid_stream")
    )
    with pytest.raises(openai.APIConnectionError):
        collect(stream)


def test_stalled_stream_times_out_during_iteration(deepseek: RunningDeepSeek) -> None:
    client = deepseek.client(timeout=openai.Timeout(0.5, connect=1.0))
    stream = client.chat.completions.create(
        model=MODEL, messages=HELLO, stream=True, extra_headers=fault_header("stall_stream")
    )
    with pytest.raises(openai.APITimeoutError):
        collect(stream)
    assert len(deepseek.control.request_log()) == 1


def test_split_and_crlf_frames_still_parse(deepseek: RunningDeepSeek) -> None:
    reference = collect(
        deepseek.client().chat.completions.create(model=MODEL, messages=EXPLAIN_PROMPT, stream=True)
    )
    for damage in ("split_utf8", "split_event", "coalesced", "crlf", "no_space"):
        result = collect(
            deepseek.client().chat.completions.create(
                model=MODEL,
                messages=EXPLAIN_PROMPT,
                stream=True,
                extra_headers=fault_header(damage),
            )
        )
        assert result["content"] == reference["content"], damage
        assert result["finish"] == "stop", damage


def test_odd_finish_reason_and_model_echo(deepseek: RunningDeepSeek) -> None:
    response = deepseek.client().chat.completions.create(
        model=MODEL,
        messages=EXPLAIN_PROMPT,
        extra_headers=fault_header("insufficient_system_resource,model_echo"),
    )
    assert response.choices[0].finish_reason == "insufficient_system_resource"
    assert response.model == "deepseek-chat"
    full = deepseek.client().chat.completions.create(model=MODEL, messages=EXPLAIN_PROMPT)
    assert len(response.choices[0].message.content) < len(full.choices[0].message.content)


def test_max_tokens_truncates_with_length(deepseek: RunningDeepSeek) -> None:
    response = deepseek.client().chat.completions.create(model=MODEL, messages=HELLO, max_tokens=5)
    assert response.choices[0].finish_reason == "length"
    assert response.choices[0].message.content == ""  # reasoning used the whole budget
    assert response.usage.completion_tokens == 5
    assert response.usage.completion_tokens_details.reasoning_tokens == 5


def test_beta_prefix_and_beta_models(deepseek: RunningDeepSeek) -> None:
    beta = deepseek.client(base="/beta")
    assert [m.id for m in beta.models.list()] == ["deepseek-v4-flash", "deepseek-v4-pro"]
    messages = [*HELLO, {"role": "assistant", "content": "Here", "prefix": True}]
    response = beta.chat.completions.create(
        model=MODEL, messages=messages, extra_body={"thinking": {"type": "disabled"}}
    )
    assert response.choices[0].message.content
    with pytest.raises(openai.BadRequestError, match="beta"):
        deepseek.client().chat.completions.create(model=MODEL, messages=messages)


def test_slow_first_byte_times_out_after_three_attempts(deepseek: RunningDeepSeek) -> None:
    deepseek.control.add_fault({"delay_s": 1.0}, route="/chat/completions", times=2)
    client = deepseek.client(max_retries=2, timeout=openai.Timeout(0.3, connect=1.0))
    response = client.chat.completions.create(model=MODEL, messages=HELLO)
    assert response.choices[0].finish_reason == "stop"
    assert len(deepseek.control.request_log()) == 3
