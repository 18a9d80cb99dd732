"""Choose the kind of answer and write it, seeded by the conversation itself."""

from __future__ import annotations

import hashlib
import json
import random
from dataclasses import dataclass
from typing import Any

from shipdeck_local.simulators.deepseek.writer.chat import chat, tool_result
from shipdeck_local.simulators.deepseek.writer.context import PromptContext, read_context
from shipdeck_local.simulators.deepseek.writer.explain import diagnose, explain
from shipdeck_local.simulators.deepseek.writer.notes import release_notes


@dataclass(frozen=True)
class Reply:
    reasoning: str
    content: str
    context: PromptContext


def conversation_rng(messages: list[dict[str, Any]], seed: int) -> random.Random:
    digest = hashlib.sha256(json.dumps(messages, sort_keys=True, default=str).encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big") ^ seed)


def _as_json(ctx: PromptContext, content: str) -> str:
    """JSON mode: the same answer as an object (the prompt asked for JSON)."""
    paragraphs = [p.strip() for p in content.split("\n\n") if p.strip()]
    payload: dict[str, Any] = {"project": ctx.project, "task": ctx.task, "summary": paragraphs[0]}
    if ctx.task == "explain" and ctx.errors:
        diagnosis = diagnose(ctx.errors)
        payload.update(
            error=ctx.errors[0], causes=list(diagnosis.causes), next_steps=list(diagnosis.steps)
        )
    else:
        payload["details"] = paragraphs[1:]
    return json.dumps(payload, ensure_ascii=False)


def write_reply(messages: list[dict[str, Any]], *, seed: int, json_mode: bool = False) -> Reply:
    system = "\n".join(str(m.get("content") or "") for m in messages if m.get("role") == "system")
    user_texts = [str(m.get("content") or "") for m in messages if m.get("role") == "user"]
    last = messages[-1] if messages else {}
    tool_name = None
    if last.get("role") == "tool":
        call_id = last.get("tool_call_id")
        for message in messages:
            for call in message.get("tool_calls") or []:
                if call.get("id") == call_id:
                    tool_name = (call.get("function") or {}).get("name")
    ctx = read_context(
        system=system,
        user_texts=user_texts,
        last_role=str(last.get("role", "user")),
        last_content=str(last.get("content") or ""),
        tool_name=tool_name,
    )
    rng = conversation_rng(messages, seed)
    writers = {
        "explain": explain,
        "release_notes": release_notes,
        "chat": chat,
        "tool_result": tool_result,
    }
    reasoning, content = writers[ctx.task](ctx, rng)
    if json_mode:
        content = _as_json(ctx, content)
    return Reply(reasoning=reasoning, content=content, context=ctx)
