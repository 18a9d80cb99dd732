"""Scripted replies: tests decide exactly what the model says next.

A reply is matched to the next chat request whose last user message contains its ``marker``
(or to any request when there is no marker), then used up (``times`` uses).
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator


class ScriptedToolCall(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    # A JSON string, as the API sends it; a mapping is encoded for you.
    arguments: str = "{}"

    @field_validator("arguments", mode="before")
    @classmethod
    def _encode(cls, value: Any) -> Any:
        return json.dumps(value) if isinstance(value, dict) else value


class ScriptedReply(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = ""
    marker: str | None = None
    content: str | None = None
    # Only used in thinking mode; None lets the simulator write a short one.
    reasoning: str | None = None
    tool_calls: list[ScriptedToolCall] = Field(default_factory=list)
    finish_reason: str | None = None
    times: int = 1
    used: int = 0


class ReplyQueue:
    def __init__(self) -> None:
        self._replies: list[ScriptedReply] = []
        self._next_id = 1

    def add(self, reply: ScriptedReply) -> ScriptedReply:
        stored = reply.model_copy(update={"id": reply.id or f"r{self._next_id}", "used": 0})
        self._next_id += 1
        self._replies.append(stored)
        return stored

    def take(self, last_user_message: str) -> ScriptedReply | None:
        for reply in self._replies:
            if reply.marker is None or reply.marker in last_user_message:
                reply.used += 1
                if reply.used >= reply.times:
                    self._replies.remove(reply)
                return reply
        return None

    def pending(self) -> list[ScriptedReply]:
        return list(self._replies)

    def clear(self) -> None:
        self._replies.clear()
