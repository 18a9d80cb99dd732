"""Decide whether the model calls a tool, and fill its arguments from the JSON schema."""

from __future__ import annotations

import json
import re
from typing import Any

from shipdeck_local.simulators.deepseek.request import ChatRequest, FunctionSpec, NamedToolChoice
from shipdeck_local.simulators.deepseek.writer.context import PromptContext


def choose_tool(request: ChatRequest) -> FunctionSpec | None:
    """Named or required choice: call. "auto": call when the user names the tool. Never right
    after a tool result, so a tool loop always ends with text."""
    tools = request.tools or []
    choice = request.tool_choice
    if not tools or choice == "none" or request.messages[-1].role == "tool":
        return None
    if isinstance(choice, NamedToolChoice):
        return next(t.function for t in tools if t.function.name == choice.function.name)
    last_user = next((m.content or "" for m in reversed(request.messages) if m.role == "user"), "")
    lowered = last_user.lower()
    for tool in tools:
        name = tool.function.name.lower()
        if name in lowered or name.replace("_", " ") in lowered:
            return tool.function
    return tools[0].function if choice == "required" else None


def _value_for(name: str, schema: dict[str, Any], ctx: PromptContext) -> Any:
    if schema.get("enum"):
        return schema["enum"][0]
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "string")
    if kind == "integer":
        return 1
    if kind == "number":
        return 1.0
    if kind == "boolean":
        return True
    if kind == "array":
        return []
    if kind == "object":
        return arguments_for(schema, ctx)
    lowered = name.lower()
    facts = {
        "project": ctx.project,
        "env": ctx.release.environment or (ctx.environments[0] if ctx.environments else None),
        "branch": ctx.release.branch,
        "image": ctx.release.image,
        "commit": ctx.release.commit,
        "query": ctx.question,
        "question": ctx.question,
    }
    for key, value in facts.items():
        if key in lowered and value:
            return value
    words = re.findall(r"[A-Za-z][\w.-]+", ctx.question)
    return words[-1] if words else name


def arguments_for(schema: dict[str, Any] | None, ctx: PromptContext) -> dict[str, Any]:
    if not schema:
        return {}
    properties: dict[str, Any] = schema.get("properties") or {}
    wanted = schema.get("required") or list(properties)
    return {name: _value_for(name, properties.get(name) or {}, ctx) for name in wanted}


def encode_arguments(arguments: dict[str, Any]) -> str:
    return json.dumps(arguments, ensure_ascii=False)
