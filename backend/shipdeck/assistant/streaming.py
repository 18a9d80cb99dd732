"""Streaming an AI answer to the browser as Server-Sent Events.

The quota is checked and DeepSeek's first chunk received before the response starts, so those
failures are ordinary JSON errors (429, 503). Then each piece of text is a `delta` frame, and
the stream ends with `done` (usage, finish reason) or `error`. However it ends — complete, cut
by DeepSeek, or abandoned by the browser — the tokens are charged and `finish` is called
exactly once, so a conversation always keeps what was said.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, Literal

from sqlalchemy.ext.asyncio import AsyncSession
from sse_starlette import EventSourceResponse, ServerSentEvent

from shipdeck.assistant.quota import TokenQuota, estimate_tokens
from shipdeck.integrations.deepseek.client import ChatStream, Finished, Message, TextDelta, Usage
from shipdeck.observability.logs import get_logger
from shipdeck.resources import Resources
from shipdeck.runtime_contract import METRIC_AI_TIME_TO_FIRST_TOKEN, METRIC_AI_TOKENS

log = get_logger(__name__)

Status = Literal["complete", "interrupted", "failed"]
# Called once at the end with the text so far, the usage if known and how it ended; returns
# fields to add to the `done` frame.
Finish = Callable[[str, Usage | None, Status], Awaitable[dict[str, Any]]]


async def _nothing(text: str, usage: Usage | None, status: Status) -> dict[str, Any]:
    return {}


def _frame(body: dict[str, Any]) -> ServerSentEvent:
    return ServerSentEvent(data=json.dumps(body), sep="\n")


async def stream_answer(
    resources: Resources,
    db: AsyncSession,
    *,
    team_id: str,
    user_id: str,
    messages: list[Message],
    finish: Finish = _nothing,
) -> EventSourceResponse:
    settings = resources.settings
    # The prompt is built: end the request's transaction now, so that waiting for DeepSeek's
    # first token (seconds, or a stall until the deadline) holds no database connection.
    await db.commit()
    quota = TokenQuota(resources.table, settings.assistant)
    await quota.check(team_id)
    stream = await resources.deepseek.open_stream(
        messages, max_tokens=settings.assistant.max_output_tokens, user_id=user_id
    )
    prompt_chars = "".join(m["content"] for m in messages)
    return EventSourceResponse(
        _frames(resources, quota, stream, team_id, prompt_chars, finish),
        ping=settings.timeline.heartbeat_seconds,
        ping_message_factory=lambda: ServerSentEvent(comment="heartbeat", sep="\n"),
        sep="\n",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


async def _frames(
    resources: Resources,
    quota: TokenQuota,
    stream: ChatStream,
    team_id: str,
    prompt_chars: str,
    finish: Finish,
) -> AsyncIterator[ServerSentEvent]:
    usage: Usage | None = None
    finished: dict[str, Any] | None = None
    status: Status = "interrupted"

    async def settle(final: Status) -> dict[str, Any]:
        # Shielded: a browser that went away cancels the stream, not the bookkeeping.
        return await asyncio.shield(
            _settle(resources, quota, stream, team_id, prompt_chars, usage, final, finish)
        )

    try:
        async for event in stream.events():
            if isinstance(event, TextDelta):
                yield _frame({"type": "delta", "text": event.text})
            elif isinstance(event, Finished):
                usage = event.usage
                finished = {"finish_reason": event.finish_reason}
        status = "complete"
        extra = await settle(status)
        yield _frame(
            {
                "type": "done",
                "usage": _usage_body(usage) or _estimated(prompt_chars, stream.text),
                **(finished or {}),
                **extra,
            }
        )
    except asyncio.CancelledError:
        raise
    except Exception as exc:
        status = "failed"
        code = getattr(exc, "code", "ai_unavailable")
        message = getattr(exc, "detail_message", "The AI answer stopped unexpectedly.")
        log.warning("AI stream failed", code=code)
        yield _frame({"type": "error", "error": {"code": code, "message": message}})
    finally:
        if status != "complete":
            await settle(status)


async def _settle(
    resources: Resources,
    quota: TokenQuota,
    stream: ChatStream,
    team_id: str,
    prompt_chars: str,
    usage: Usage | None,
    status: Status,
    finish: Finish,
) -> dict[str, Any]:
    tokens = usage.total_tokens if usage else estimate_tokens(prompt_chars, stream.text)
    try:
        await quota.charge(team_id, tokens)
    except Exception as exc:  # the answer was given; a missed charge is logged, not shown
        log.warning("AI usage not recorded", error=type(exc).__name__, tokens=tokens)
    values: dict[str, tuple[float, Any]] = {METRIC_AI_TOKENS: (float(tokens), "Count")}
    if stream.first_token_at is not None:
        ttft = (stream.first_token_at - stream.started_at) * 1000
        values[METRIC_AI_TIME_TO_FIRST_TOKEN] = (round(ttft, 2), "Milliseconds")
    resources.metrics.emit(
        values,
        properties={
            "status": status,
            "duration_ms": round((time.monotonic() - stream.started_at) * 1000, 1),
        },
    )
    return await finish(stream.text, usage, status)


def _usage_body(usage: Usage | None) -> dict[str, int] | None:
    if usage is None:
        return None
    return {
        "prompt_tokens": usage.prompt_tokens,
        "completion_tokens": usage.completion_tokens,
        "total_tokens": usage.total_tokens,
    }


def _estimated(prompt: str, answer: str) -> dict[str, int]:
    prompt_tokens, completion_tokens = estimate_tokens(prompt), estimate_tokens(answer)
    return {
        "prompt_tokens": prompt_tokens,
        "completion_tokens": completion_tokens,
        "total_tokens": prompt_tokens + completion_tokens,
    }
