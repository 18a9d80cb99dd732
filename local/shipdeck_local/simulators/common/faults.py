"""Faults: what can go wrong with an answer, and the rules that decide when it does.

A ``Fault`` describes one bad answer (a delay, an error status, a broken connection, a damaged
stream...). It reaches a request in one of two ways:

* a per-request header, ``X-Sim-Fault: <preset name> | <status code> | <JSON Fault>``;
* a ``FaultRule`` installed through the control API (or the config), which picks requests by
  route glob, method, request number, probability (seeded) and a firing budget (``times=1`` is
  one-shot).

The header wins over the rules. Field meanings that only one simulator honours say so.
"""

from __future__ import annotations

import fnmatch
import json
import random
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

FAULT_HEADER = "x-sim-fault"

BodyFormat = Literal["json", "text", "html", "empty"]
ConnectionFault = Literal["reset", "stall", "close_after_headers"]
StreamEnd = Literal["no_done", "no_finish_reason", "reset"]
MalformedChunk = Literal[
    "truncated_json",  # a data line whose JSON is cut in half
    "non_json",  # a data line that is not JSON at all
    "missing_data_prefix",  # the JSON without "data: " in front
    "no_space",  # "data:{...}" without the space
    "crlf",  # every line of the stream ends in CRLF
    "coalesced",  # two events in one write
    "split_event",  # one event split across two writes
    "split_utf8",  # a multibyte UTF-8 character split across two writes
]


class StreamFault(BaseModel):
    """Damage to a DeepSeek SSE stream. Chunk counts refer to `data:` JSON chunks sent."""

    model_config = ConfigDict(extra="forbid")

    # Stop after this many chunks and keep the socket open (0: nothing after the headers and
    # any keep-alives).
    stall_after_chunks: int | None = None
    # How the stream ends early: a clean end of body without [DONE]; a clean end without the
    # chunk carrying finish_reason; a TCP reset.
    end: StreamEnd | None = None
    # For end="no_finish_reason"/"reset": how many chunks go out first (default: every chunk
    # before the final one).
    end_after_chunks: int | None = None
    malformed: MalformedChunk | None = None
    malformed_at_chunk: int = 2  # 1-based
    # Send `data: {"error": {...}}` after this many chunks, then end the body.
    error_after_chunks: int | None = None
    error_message: str = "Internal server error while generating the response"
    duplicate: Literal["done", "final_chunk"] | None = None


class Fault(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # A name shown in the request log; presets set it.
    label: str | None = None

    # Latency before anything is sent (slow first byte): delay_s plus up to jitter_s (seeded).
    delay_s: float = 0.0
    jitter_s: float = 0.0

    # Answer with this status instead of the real handler, in this body format. `body`, when
    # given, is sent as is (a JSON value for "json", a string otherwise); `message` replaces
    # the default error message.
    status: int | None = None
    body_format: BodyFormat = "json"
    body: Any = None
    message: str | None = None
    # Added to whatever answer goes out, e.g. Retry-After, retry-after-ms, x-should-retry.
    headers: dict[str, str] = Field(default_factory=dict)

    # Break the connection before any answer: TCP reset, never answer, or send 200 headers and
    # close with no body.
    connection: ConnectionFault | None = None

    # Damage to a plain (non-streamed) body: stop after N bytes and hang; trickle it out in
    # pieces of N bytes; cut a 2xx JSON body in half.
    stall_after_bytes: int | None = None
    trickle_bytes: int | None = None
    trickle_delay_s: float = 0.05
    malformed_json: bool = False

    # DeepSeek only.
    queue_delay_s: float | None = None  # wait before inference, sending keep-alives
    chunk_delay_s: float | None = None  # pause between streamed chunks
    blank_200: bool = False  # 200 with a whitespace-only body (the overload pattern)
    blank_200_delay_s: float = 0.0
    stream: StreamFault | None = None
    finish_reason: str | None = None  # e.g. insufficient_system_resource, content_filter
    empty_content: bool = False
    model_echo: str | None = None  # report this model instead of the requested one


class FaultSpecError(ValueError):
    pass


def _merge(base: dict[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = _merge(dict(merged[key]), value)
        else:
            merged[key] = value
    return merged


def resolve_fault(
    spec: Fault | str | int | Mapping[str, Any], presets: Mapping[str, Fault]
) -> Fault:
    """Turn a preset name, a status code, JSON text or a mapping into a Fault.

    A mapping may name a ``preset`` and override some of its fields. A string may list several
    presets separated by commas; later ones override earlier ones.
    """
    if isinstance(spec, Fault):
        return spec
    if isinstance(spec, int):
        return Fault(status=spec, label=str(spec))
    if isinstance(spec, str):
        text = spec.strip()
        if text.startswith("{"):
            try:
                loaded = json.loads(text)
            except ValueError as exc:
                raise FaultSpecError(f"fault is not valid JSON: {exc}") from exc
            return resolve_fault(loaded, presets)
        if text.isdigit():
            return Fault(status=int(text), label=text)
        merged: dict[str, Any] = {}
        for name in (part.strip() for part in text.split(",")):
            if name not in presets:
                known = ", ".join(sorted(presets))
                raise FaultSpecError(f"unknown fault preset {name!r}; known: {known}")
            merged = _merge(merged, presets[name].model_dump(exclude_defaults=True))
        merged["label"] = text
        return Fault.model_validate(merged)
    if isinstance(spec, Mapping):
        data = dict(spec)
        preset = data.pop("preset", None)
        base: dict[str, Any] = {}
        if preset is not None:
            base = resolve_fault(str(preset), presets).model_dump(exclude_defaults=True)
        try:
            return Fault.model_validate(_merge(base, data))
        except ValidationError as exc:
            raise FaultSpecError(str(exc)) from exc
    raise FaultSpecError(f"cannot read a fault from {type(spec).__name__}")


class FaultRule(BaseModel):
    """When a fault applies. All given conditions must hold."""

    model_config = ConfigDict(extra="forbid")

    id: str = ""
    # fnmatch glob on the request path, or on the simulator's route name (DeepSeek strips
    # /v1 and /beta, so "/chat/completions" matches all three).
    route: str = "*"
    method: str | None = None
    # 1-based numbers among the requests this rule has matched (by route and method) since it
    # was installed; None for every request.
    on_requests: list[int] | None = None
    probability: float = Field(default=1.0, ge=0.0, le=1.0)
    # How many times the rule may fire; None for no limit, 1 for a one-shot.
    times: int | None = None
    fault: Fault | str | int | dict[str, Any]
    # Counters, kept by the simulator.
    matched: int = 0
    fired: int = 0


class FaultBook:
    def __init__(self, presets: Mapping[str, Fault]) -> None:
        self.presets = dict(presets)
        self._rules: list[FaultRule] = []
        self._next_id = 1

    def add(self, rule: FaultRule) -> FaultRule:
        resolved = rule.model_copy(
            update={
                "id": rule.id or f"f{self._next_id}",
                "fault": resolve_fault(rule.fault, self.presets),
                "matched": 0,
                "fired": 0,
            }
        )
        self._next_id += 1
        self._rules.append(resolved)
        return resolved

    def rules(self) -> list[FaultRule]:
        return list(self._rules)

    def remove(self, rule_id: str) -> bool:
        before = len(self._rules)
        self._rules = [rule for rule in self._rules if rule.id != rule_id]
        return len(self._rules) != before

    def clear(self) -> None:
        self._rules.clear()

    def select(
        self, method: str, path: str, route_name: str, rng: random.Random
    ) -> tuple[Fault, str] | None:
        for rule in self._rules:
            if rule.method and rule.method.upper() != method.upper():
                continue
            if not (
                fnmatch.fnmatchcase(path, rule.route) or fnmatch.fnmatchcase(route_name, rule.route)
            ):
                continue
            rule.matched += 1
            if rule.times is not None and rule.fired >= rule.times:
                continue
            if rule.on_requests is not None and rule.matched not in rule.on_requests:
                continue
            if rule.probability < 1.0 and rng.random() >= rule.probability:
                continue
            rule.fired += 1
            assert isinstance(rule.fault, Fault)
            return rule.fault, f"rule:{rule.id}"
        return None
