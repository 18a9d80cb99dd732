"""The SSE stream of a completion, exactly as DeepSeek frames it, and the ways to damage it.

Frames are ``data: <compact JSON>\\n\\n``; the first chunk carries the role, reasoning deltas
come before content deltas, the last choice chunk carries finish_reason and usage, and
``data: [DONE]`` closes the stream.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any, Literal

from shipdeck_local.simulators.common.exchange import Exchange, compact_json
from shipdeck_local.simulators.common.faults import StreamFault
from shipdeck_local.simulators.deepseek.completion import Completion
from shipdeck_local.simulators.deepseek.errors import error_body

DONE = b"data: [DONE]\n\n"
ARGUMENT_FRAGMENT = 8
SPLIT_PAUSE_S = 0.02
_UNSET = object()


def build_chunks(
    completion: Completion, *, include_usage: bool, usage_mode: str
) -> list[dict[str, Any]]:
    head = {
        "id": completion.id,
        "object": "chat.completion.chunk",
        "created": completion.created,
        "model": completion.model,
        "system_fingerprint": completion.system_fingerprint,
    }

    def chunk(
        delta: dict[str, Any],
        finish_reason: str | None = None,
        usage: Any = _UNSET,
        logprobs: Any = None,
    ) -> dict[str, Any]:
        body = {
            **head,
            "choices": [
                {"index": 0, "delta": delta, "logprobs": logprobs, "finish_reason": finish_reason}
            ],
        }
        if usage is not _UNSET:
            body["usage"] = usage
        elif include_usage:
            body["usage"] = None
        return body

    thinking = completion.thinking
    chunks = [
        chunk(
            {"role": "assistant", "content": None, "reasoning_content": ""}
            if thinking
            else {"role": "assistant", "content": ""}
        )
    ]
    chunks += [
        chunk({"content": None, "reasoning_content": piece}) for piece in completion.reasoning
    ]
    for index, piece in enumerate(completion.content):
        delta = {"content": piece, "reasoning_content": None} if thinking else {"content": piece}
        logprobs = {"content": [completion.logprobs[index]]} if completion.logprobs else None
        chunks.append(chunk(delta, logprobs=logprobs))
    for index, call in enumerate(completion.tool_calls):
        chunks.append(
            chunk(
                {
                    "tool_calls": [
                        {
                            "index": index,
                            "id": call.id,
                            "type": "function",
                            "function": {"name": call.name, "arguments": ""},
                        }
                    ]
                }
            )
        )
        args = call.arguments
        for start in range(0, len(args), ARGUMENT_FRAGMENT):
            fragment = args[start : start + ARGUMENT_FRAGMENT]
            chunks.append(
                chunk({"tool_calls": [{"index": index, "function": {"arguments": fragment}}]})
            )
    final_delta = {"content": "", "reasoning_content": None} if thinking else {"content": ""}
    if usage_mode == "deepseek":
        chunks.append(chunk(final_delta, completion.finish_reason, usage=completion.usage))
    else:
        chunks.append(chunk(final_delta, completion.finish_reason))
        if include_usage:
            chunks.append({**head, "choices": [], "usage": completion.usage})
    return chunks


@dataclass
class StreamPlan:
    writes: list[bytes]
    ending: Literal["end", "stall", "reset"]
    # Writes preceded by a short pause even without a chunk delay, so the two halves of a
    # split event reach the client as separate reads rather than being coalesced by TCP.
    pause_before: frozenset[int] = frozenset()


def _frame(chunk: dict[str, Any]) -> bytes:
    return b"data: " + compact_json(chunk) + b"\n\n"


def _malformed(frame: bytes, kind: str) -> bytes:
    payload = frame[len(b"data: ") : -2]
    if kind == "truncated_json":
        return b"data: " + payload[: len(payload) // 2] + b"\n\n"
    if kind == "non_json":
        return b"data: upstream returned an unexpected payload\n\n"
    if kind == "missing_data_prefix":
        return payload + b"\n\n"
    if kind == "no_space":
        return b"data:" + payload + b"\n\n"
    return frame


def _split_utf8(frame: bytes) -> list[bytes]:
    for index, byte in enumerate(frame):
        if byte >= 0xC0:  # the lead byte of a multibyte character: split right after it
            return [frame[: index + 1], frame[index + 1 :]]
    middle = len(frame) // 2
    return [frame[:middle], frame[middle:]]


def plan_stream(
    chunks: list[dict[str, Any]], fault: StreamFault | None, *, has_finish_chunk: int
) -> StreamPlan:
    """Turn chunks into the exact writes to make, with the stream fault applied.

    ``has_finish_chunk`` is how many trailing chunks carry the finish (1, or 2 with the
    separate usage chunk).
    """
    f = fault or StreamFault()
    frames = [_frame(c) for c in chunks]
    ending: Literal["end", "stall", "reset"] = "end"
    send_done = True

    if f.duplicate == "final_chunk":
        frames.append(frames[-1])
    if f.end == "no_finish_reason":
        keep = (
            f.end_after_chunks if f.end_after_chunks is not None else len(frames) - has_finish_chunk
        )
        frames, send_done = frames[:keep], False
    elif f.end == "no_done":
        send_done = False
    elif f.end == "reset":
        keep = (
            f.end_after_chunks if f.end_after_chunks is not None else len(frames) - has_finish_chunk
        )
        frames, send_done, ending = frames[:keep], False, "reset"
    if f.error_after_chunks is not None:
        error = error_body(f.error_message, "server_error", None)
        frames = [*frames[: f.error_after_chunks], _frame(error)]
        send_done = False
        ending = "end"
    if f.stall_after_chunks is not None:
        frames, send_done, ending = frames[: f.stall_after_chunks], False, "stall"

    if send_done:
        frames.append(DONE)
        if f.duplicate == "done":
            frames.append(DONE)

    at = max(0, min(f.malformed_at_chunk - 1, len(frames) - 1))
    writes: list[bytes] = list(frames)
    pause_before: frozenset[int] = frozenset()
    if f.malformed and frames:
        kind = f.malformed
        if kind in {"truncated_json", "non_json", "missing_data_prefix", "no_space"}:
            writes[at] = _malformed(frames[at], kind)
        elif kind == "crlf":
            writes = [frame.replace(b"\n", b"\r\n") for frame in frames]
        elif kind == "coalesced" and at + 1 < len(frames):
            writes = [*frames[:at], frames[at] + frames[at + 1], *frames[at + 2 :]]
        elif kind == "split_event":
            middle = len(frames[at]) // 2
            writes = [*frames[:at], frames[at][:middle], frames[at][middle:], *frames[at + 1 :]]
            pause_before = frozenset({at + 1})
        elif kind == "split_utf8":
            target = next(
                (i for i in range(at, len(frames)) if any(b >= 0x80 for b in frames[i])), at
            )
            writes = [*frames[:target], *_split_utf8(frames[target]), *frames[target + 1 :]]
            pause_before = frozenset({target + 1})
    return StreamPlan(writes=writes, ending=ending, pause_before=pause_before)


async def send_stream(exchange: Exchange, plan: StreamPlan, chunk_delay_s: float) -> None:
    for index, data in enumerate(plan.writes):
        pause = max(chunk_delay_s, SPLIT_PAUSE_S if index in plan.pause_before else 0.0)
        if index and pause > 0:
            await asyncio.sleep(pause)
        await exchange.write(data)
    if plan.ending == "stall":
        await exchange.stall()
    elif plan.ending == "reset":
        await asyncio.sleep(0.05)  # let the written bytes leave before the reset
        exchange.reset()
    else:
        await exchange.end()
