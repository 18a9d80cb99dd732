"""What the model answers to one request: reasoning, content or tool calls, finish reason and
usage, with max_tokens, stop sequences and answer-shaping faults applied."""

from __future__ import annotations

import random
import string
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from shipdeck_local.simulators.common.faults import Fault
from shipdeck_local.simulators.deepseek.accounting import build_usage
from shipdeck_local.simulators.deepseek.replies import ScriptedReply
from shipdeck_local.simulators.deepseek.request import ResolvedChat
from shipdeck_local.simulators.deepseek.tokens import pieces
from shipdeck_local.simulators.deepseek.tool_arguments import (
    arguments_for,
    choose_tool,
    encode_arguments,
)
from shipdeck_local.simulators.deepseek.writer import write_reply

_ALNUM = string.ascii_letters + string.digits


@dataclass
class OutToolCall:
    id: str
    name: str
    arguments: str


@dataclass
class Completion:
    id: str
    created: int
    model: str
    system_fingerprint: str
    thinking: bool
    reasoning: list[str]
    content: list[str]
    # Tool-call answers without text carry `content: null`.
    content_is_null: bool
    tool_calls: list[OutToolCall]
    finish_reason: str
    usage: dict[str, Any]
    logprobs: list[dict[str, Any]] | None = field(default=None)

    @property
    def content_text(self) -> str | None:
        return None if self.content_is_null else "".join(self.content)

    @property
    def reasoning_text(self) -> str:
        return "".join(self.reasoning)


def new_completion_id(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def tool_call_id(rng: random.Random, index: int) -> str:
    return f"call_{index:02d}_" + "".join(rng.choice(_ALNUM) for _ in range(24))


def _apply_stop(text: str, stop: str | list[str] | None) -> tuple[str, bool]:
    stops = [stop] if isinstance(stop, str) else list(stop or [])
    cut = min((i for s in stops if s and (i := text.find(s)) >= 0), default=-1)
    return (text[:cut], True) if cut >= 0 else (text, False)


def _logprobs(content: list[str], rng: random.Random, top: int | None) -> list[dict[str, Any]]:
    entries = []
    for piece in content:
        logprob = -round(rng.uniform(0.0, 0.6), 6)
        entries.append(
            {
                "token": piece,
                "logprob": logprob,
                "bytes": list(piece.encode("utf-8")),
                "top_logprobs": [
                    {"token": piece, "logprob": logprob, "bytes": list(piece.encode("utf-8"))}
                ][: top or 0],
            }
        )
    return entries


def plan_completion(
    chat: ResolvedChat,
    *,
    scripted: ScriptedReply | None,
    fault: Fault,
    rng: random.Random,
    seed: int,
    prompt_tokens: int,
    cache_hit_tokens: int,
    system_fingerprint: str,
) -> Completion:
    request = chat.request
    messages = [m.model_dump(exclude_none=True) for m in request.messages]
    reply = write_reply(messages, seed=seed, json_mode=chat.json_mode)

    tool_calls: list[OutToolCall] = []
    if scripted is not None:
        reasoning_text = scripted.reasoning if scripted.reasoning is not None else reply.reasoning
        content_text = scripted.content
        tool_calls = [
            OutToolCall(tool_call_id(rng, i), call.name, call.arguments)
            for i, call in enumerate(scripted.tool_calls)
        ]
        if content_text is None and not tool_calls:
            content_text = reply.content
    else:
        reasoning_text = reply.reasoning
        content_text = reply.content
        tool = choose_tool(request)
        if tool is not None:
            arguments = encode_arguments(arguments_for(tool.parameters, reply.context))
            tool_calls = [OutToolCall(tool_call_id(rng, 0), tool.name, arguments)]
            content_text = None
            reasoning_text = (
                f"{reply.reasoning} The `{tool.name}` tool can answer this directly, so I will "
                "call it first."
            )

    if (
        chat.prefix is not None
        and content_text is not None
        and content_text.startswith(chat.prefix)
    ):
        content_text = content_text[len(chat.prefix) :]

    finish_reason = "tool_calls" if tool_calls else "stop"
    if content_text is not None:
        content_text, _stopped = _apply_stop(content_text, request.stop)
    if fault.empty_content:
        content_text = ""
    reasoning = pieces(reasoning_text) if chat.thinking else []
    content = pieces(content_text) if content_text else []

    if fault.finish_reason:
        content = content[: len(content) // 2]
        tool_calls = []
        finish_reason = fault.finish_reason
    if scripted is not None and scripted.finish_reason:
        finish_reason = scripted.finish_reason

    budget = chat.max_tokens
    tool_tokens = sum(len(pieces(call.arguments)) + 1 for call in tool_calls)
    if len(reasoning) >= budget:
        reasoning, content, tool_calls = reasoning[:budget], [], []
        finish_reason = "length"
    elif len(reasoning) + len(content) + tool_tokens > budget:
        room = budget - len(reasoning)
        content = content[:room]
        tool_calls = []
        finish_reason = "length"
    tool_tokens = sum(len(pieces(call.arguments)) + 1 for call in tool_calls)

    content_is_null = bool(tool_calls) and not content
    completion_tokens = len(reasoning) + len(content) + tool_tokens
    usage = build_usage(
        prompt=prompt_tokens,
        hit=cache_hit_tokens,
        completion=completion_tokens,
        reasoning=len(reasoning),
        thinking=chat.thinking,
    )
    logprobs = None
    if request.logprobs and not chat.thinking:
        logprobs = _logprobs(content, rng, request.top_logprobs)
    return Completion(
        id=new_completion_id(rng),
        created=int(time.time()),
        model=fault.model_echo or request.model,
        system_fingerprint=system_fingerprint,
        thinking=chat.thinking,
        reasoning=reasoning,
        content=content,
        content_is_null=content_is_null,
        tool_calls=tool_calls,
        finish_reason=finish_reason,
        usage=usage,
        logprobs=logprobs,
    )


def response_body(completion: Completion) -> dict[str, Any]:
    """The non-streamed `chat.completion` object."""
    message: dict[str, Any] = {"role": "assistant", "content": completion.content_text}
    if completion.thinking:
        message["reasoning_content"] = completion.reasoning_text
    if completion.tool_calls:
        message["tool_calls"] = [
            {
                "index": index,
                "id": call.id,
                "type": "function",
                "function": {"name": call.name, "arguments": call.arguments},
            }
            for index, call in enumerate(completion.tool_calls)
        ]
    return {
        "id": completion.id,
        "object": "chat.completion",
        "created": completion.created,
        "model": completion.model,
        "choices": [
            {
                "index": 0,
                "message": message,
                "logprobs": {"content": completion.logprobs}
                if completion.logprobs is not None
                else None,
                "finish_reason": completion.finish_reason,
            }
        ],
        "usage": completion.usage,
        "system_fingerprint": completion.system_fingerprint,
    }
