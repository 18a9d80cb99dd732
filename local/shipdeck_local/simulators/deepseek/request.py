"""Read and check a chat-completion request the way DeepSeek does.

Three layers, each with its own kind of answer:

1. JSON syntax: 400 in plain text, "Failed to parse the request body as JSON: ...".
2. Types and required fields: 422 in plain text, "Failed to deserialize the JSON body into the
   target type: ..." in serde's wording.
3. Meaning (unknown model, json_object without "json", missing reasoning_content...): 400 in
   DeepSeek's JSON error shape.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from shipdeck_local.simulators.deepseek.config import DeepSeekConfig, ModelSpec

LEGACY_ALIASES = {"deepseek-chat": False, "deepseek-reasoner": True}  # alias -> thinking
EFFORTS = {"low": "high", "medium": "high", "high": "high", "max": "max", "xhigh": "max"}
_USER_ID = re.compile(r"^[a-zA-Z0-9\-_]{1,512}$")


class _Strict(BaseModel):
    # Unknown fields are ignored, as serde does by default; known ones must have the right type.
    model_config = ConfigDict(strict=True, extra="ignore")


class FunctionCall(_Strict):
    name: str
    arguments: str


class ToolCall(_Strict):
    id: str
    type: Literal["function"] = "function"
    function: FunctionCall
    index: int | None = None


class Message(_Strict):
    role: Literal["system", "user", "assistant", "tool"]
    content: str | None = None
    name: str | None = None
    tool_calls: list[ToolCall] | None = None
    reasoning_content: str | None = None
    prefix: bool | None = None
    tool_call_id: str | None = None


class Thinking(_Strict):
    type: Literal["enabled", "disabled"]


class StreamOptions(_Strict):
    include_usage: bool | None = None


class ResponseFormat(_Strict):
    type: Literal["text", "json_object", "json_schema"]


class FunctionSpec(_Strict):
    name: str
    description: str | None = None
    parameters: dict[str, Any] | None = None
    strict: bool | None = None


class Tool(_Strict):
    type: Literal["function"]
    function: FunctionSpec


class NamedFunction(_Strict):
    name: str


class NamedToolChoice(_Strict):
    type: Literal["function"]
    function: NamedFunction


class ChatRequest(_Strict):
    model: str
    messages: list[Message]
    thinking: Thinking | None = None
    reasoning_effort: str | None = None
    max_tokens: int | None = None
    temperature: float | None = None
    top_p: float | None = None
    frequency_penalty: float | None = None
    presence_penalty: float | None = None
    stop: str | list[str] | None = None
    stream: bool | None = None
    stream_options: StreamOptions | None = None
    response_format: ResponseFormat | None = None
    tools: list[Tool] | None = None
    tool_choice: Literal["none", "auto", "required"] | NamedToolChoice | None = None
    logprobs: bool | None = None
    top_logprobs: int | None = None
    user_id: str | None = None


class FimRequest(_Strict):
    model: str
    prompt: str
    suffix: str | None = None
    max_tokens: int | None = None
    stop: str | list[str] | None = None
    stream: bool | None = None
    echo: bool | None = None


class RequestRejected(Exception):
    """`framework=True`: a parsing error, answered in plain text unless json_errors is on."""

    def __init__(self, status: int, message: str, *, framework: bool = False) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.framework = framework


def _position(text: str) -> str:
    lines = text.splitlines() or [""]
    return f"at line {len(lines)} column {len(lines[-1]) + 1}"


def _describe(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"boolean `{str(value).lower()}`"
    if isinstance(value, int):
        return f"integer `{value}`"
    if isinstance(value, float):
        return f"floating point `{value}`"
    if isinstance(value, str):
        return f"string {json.dumps(value)}"
    if isinstance(value, list):
        return "sequence"
    return "map"


_EXPECTED = {
    "string_type": "a string",
    "int_type": "i64",
    "int_from_float": "i64",
    "float_type": "f64",
    "bool_type": "a boolean",
    "list_type": "a sequence",
    "dict_type": "a map",
    "model_type": "a map",
    "model_attributes_type": "a map",
}


def _serde_message(error: Any, data: Any) -> str:
    """One pydantic error in the words serde would use, with its JSON path."""
    path = ""
    value = data
    missing: str | None = None
    for part in error["loc"]:
        if isinstance(part, int) and isinstance(value, list) and part < len(value):
            path += f"[{part}]"
            value = value[part]
        elif isinstance(part, str) and isinstance(value, dict):
            if part in value:
                path += f".{part}" if path else part
                value = value[part]
            elif error["type"] == "missing":
                missing = part
        # anything else is a union branch name, not part of the JSON path
    if missing is not None:
        message = f"missing field `{missing}`"
    elif error["type"] == "literal_error":
        variants = re.findall(r"'([^']*)'", error["msg"])
        message = f"unknown variant `{value}`, expected one of " + ", ".join(
            f"`{v}`" for v in variants
        )
    else:
        expected = _EXPECTED.get(error["type"], "a valid value")
        message = f"invalid type: {_describe(value)}, expected {expected}"
    return f"{path}: {message}" if path else message


def _flatten_content_parts(data: dict[str, Any]) -> None:
    for message in data.get("messages") or []:
        if isinstance(message, dict) and isinstance(message.get("content"), list):
            message["content"] = "".join(
                str(part.get("text", "")) for part in message["content"] if isinstance(part, dict)
            )


def parse_body(
    body: bytes, model_type: type[ChatRequest] | type[FimRequest], config: DeepSeekConfig
) -> tuple[Any, dict[str, Any]]:
    text = body.decode("utf-8", errors="replace")
    try:
        data = json.loads(text)
    except ValueError as exc:
        message = getattr(exc, "msg", str(exc))
        raise RequestRejected(
            400,
            f"Failed to parse the request body as JSON: {message} {_position(text)}",
            framework=True,
        ) from exc
    if not isinstance(data, dict):
        raise RequestRejected(
            422,
            "Failed to deserialize the JSON body into the target type: invalid type: "
            f"{_describe(data)}, expected struct {model_type.__name__} {_position(text)}",
            framework=True,
        )
    if config.accept_content_parts:
        _flatten_content_parts(data)
    try:
        return model_type.model_validate(data), data
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        raise RequestRejected(
            422,
            "Failed to deserialize the JSON body into the target type: "
            f"{_serde_message(first, data)} {_position(text)}",
            framework=True,
        ) from exc


@dataclass(frozen=True)
class ResolvedChat:
    request: ChatRequest
    raw: dict[str, Any]
    model: ModelSpec
    thinking: bool
    reasoning_effort: str
    max_tokens: int
    stream: bool
    include_usage: bool
    json_mode: bool
    prefix: str | None  # the assistant prefix to continue (beta chat prefix completion)


def resolve_model(requested: str, config: DeepSeekConfig) -> tuple[ModelSpec, bool | None]:
    """The model spec to serve with, and the thinking mode a legacy alias forces."""
    by_id = {spec.id: spec for spec in config.models}
    if requested in by_id:
        return by_id[requested], None
    if (
        requested in LEGACY_ALIASES
        and config.legacy_aliases == "accept"
        and config.legacy_target in by_id
    ):
        return by_id[config.legacy_target], LEGACY_ALIASES[requested]
    raise RequestRejected(400, "Model Not Exist")


def _prompt_text(request: ChatRequest) -> str:
    return "\n".join(m.content or "" for m in request.messages)


def check_chat(
    request: ChatRequest, raw: dict[str, Any], config: DeepSeekConfig, *, beta: bool
) -> ResolvedChat:
    model, forced_thinking = resolve_model(request.model, config)
    if not request.messages:
        raise RequestRejected(400, "Empty input messages")
    if request.max_tokens is not None and not 1 <= request.max_tokens <= config.max_output_tokens:
        raise RequestRejected(
            400,
            "Invalid max_tokens value, the valid range of max_tokens is "
            f"[1, {config.max_output_tokens}]",
        )
    effort = "high"
    if request.reasoning_effort is not None:
        if request.reasoning_effort not in EFFORTS:
            raise RequestRejected(
                400,
                f"Invalid reasoning_effort value `{request.reasoning_effort}`, "
                "expected one of `high`, `max`",
            )
        effort = EFFORTS[request.reasoning_effort]
    if request.temperature is not None and not 0 <= request.temperature <= 2:
        raise RequestRejected(400, "Invalid temperature value, the valid range is [0, 2]")
    if isinstance(request.stop, list) and len(request.stop) > 16:
        raise RequestRejected(400, "Too many stop sequences, at most 16 are allowed")
    if request.user_id is not None and not _USER_ID.match(request.user_id):
        raise RequestRejected(400, "Invalid user_id, it must match [a-zA-Z0-9\\-_]+")
    json_mode = False
    if request.response_format is not None:
        if request.response_format.type == "json_schema":
            raise RequestRejected(400, "This response_format type is unavailable now")
        if request.response_format.type == "json_object":
            if "json" not in _prompt_text(request).lower():
                raise RequestRejected(
                    400,
                    "Prompt must contain the word 'json' in some form to use 'response_format' "
                    "of type 'json_object'",
                )
            json_mode = True
    stream = bool(request.stream)
    if (
        request.stream_options is not None
        and not stream
        and config.reject_stream_options_without_stream
    ):
        raise RequestRejected(400, "stream_options should be set along with stream = true")
    if request.top_logprobs is not None and not request.logprobs:
        raise RequestRejected(400, "top_logprobs requires logprobs to be set to true")
    tools = request.tools or []
    if len(tools) > 128:
        raise RequestRejected(400, "Too many tools, at most 128 are allowed")
    if isinstance(request.tool_choice, NamedToolChoice):
        wanted = request.tool_choice.function.name
        if wanted not in {tool.function.name for tool in tools}:
            raise RequestRejected(400, f"Tool choice names an unknown function `{wanted}`")

    if forced_thinking is not None:
        thinking = forced_thinking
    else:
        thinking = request.thinking is None or request.thinking.type == "enabled"
    if thinking:
        for message in request.messages:
            if (
                message.role == "assistant"
                and message.tool_calls
                and message.reasoning_content is None
            ):
                raise RequestRejected(
                    400,
                    "The reasoning_content in the thinking mode must be passed back to the API.",
                )

    prefix = None
    for index, message in enumerate(request.messages):
        if not message.prefix:
            continue
        if not beta:
            raise RequestRejected(
                400, "The `prefix` field is only supported by the beta endpoint (base_url .../beta)"
            )
        if index != len(request.messages) - 1 or message.role != "assistant":
            raise RequestRejected(400, "Only the last message may be an assistant prefix")
        prefix = message.content or ""

    return ResolvedChat(
        request=request,
        raw=raw,
        model=model,
        thinking=thinking,
        reasoning_effort=effort,
        max_tokens=request.max_tokens or config.default_max_tokens,
        stream=stream,
        include_usage=bool(request.stream_options and request.stream_options.include_usage),
        json_mode=json_mode,
        prefix=prefix,
    )
