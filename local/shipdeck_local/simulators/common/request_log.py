"""Every request a simulator answers, recorded so tests can assert on exactly what clients sent."""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import parse_qsl

from pydantic import BaseModel
from starlette.datastructures import Headers
from starlette.types import Scope


class LoggedRequest(BaseModel):
    seq: int
    method: str
    path: str
    query: str
    query_params: dict[str, str]
    # Lower-cased names; repeated headers are joined with ", ".
    headers: dict[str, str]
    # "Bearer", "Api-Key", ... and the credential after it, as sent.
    auth_scheme: str | None
    credential: str | None
    account: str | None
    # The parsed JSON body, or the raw text when it is not JSON, or None when empty.
    body: Any = None
    body_is_json: bool = False
    received_at: float
    finished_at: float | None = None
    duration_s: float | None = None
    status: int | None = None
    # What fault, if any, shaped the answer: "header:<spec>" or "rule:<id>".
    fault: str | None = None
    # SleakOps polls: which build/deployment was asked for and which poll of it this was.
    resource_id: str | None = None
    poll_number: int | None = None

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


def _parse_body(body: bytes) -> tuple[Any, bool]:
    if not body:
        return None, False
    try:
        return json.loads(body), True
    except ValueError:
        return body.decode("utf-8", errors="replace"), False


def _split_authorization(value: str | None) -> tuple[str | None, str | None]:
    if not value:
        return None, None
    scheme, _, credential = value.strip().partition(" ")
    return scheme, credential.strip() or None


class RequestLog:
    """Oldest entries are dropped past ``limit``, so a long local run does not grow for ever."""

    def __init__(self, limit: int = 10_000) -> None:
        self._entries: list[LoggedRequest] = []
        self._next_seq = 1
        self.limit = limit

    def record(self, scope: Scope, body: bytes) -> LoggedRequest:
        headers = Headers(scope=scope)
        joined: dict[str, str] = {}
        for name, value in headers.items():
            joined[name] = f"{joined[name]}, {value}" if name in joined else value
        scheme, credential = _split_authorization(headers.get("authorization"))
        parsed, is_json = _parse_body(body)
        query = scope.get("query_string", b"").decode("latin-1")
        entry = LoggedRequest(
            seq=self._next_seq,
            method=scope["method"],
            path=scope["path"],
            query=query,
            query_params=dict(parse_qsl(query, keep_blank_values=True)),
            headers=joined,
            auth_scheme=scheme,
            credential=credential,
            account=headers.get("account"),
            body=parsed,
            body_is_json=is_json,
            received_at=time.time(),
        )
        self._next_seq += 1
        self._entries.append(entry)
        if len(self._entries) > self.limit:
            del self._entries[: len(self._entries) - self.limit]
        return entry

    @staticmethod
    def finish(entry: LoggedRequest, status: int | None) -> None:
        entry.status = status
        entry.finished_at = time.time()
        entry.duration_s = round(entry.finished_at - entry.received_at, 6)

    def entries(self) -> list[LoggedRequest]:
        return list(self._entries)

    def clear(self) -> None:
        self._entries.clear()
