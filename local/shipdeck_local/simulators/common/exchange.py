"""One request and its answer, with the body-level faults applied on the way out."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Mapping, Sequence
from typing import Any

from starlette.datastructures import Headers, QueryParams
from starlette.types import Receive, Scope, Send

from shipdeck_local.simulators.common.faults import Fault
from shipdeck_local.simulators.common.request_log import LoggedRequest
from shipdeck_local.transport import close_connection, reset_connection, transport_of

logger = logging.getLogger(__name__)

HeaderItems = Mapping[str, str] | Sequence[tuple[str, str]]

NO_FAULT = Fault()


async def read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def compact_json(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


class Exchange:
    def __init__(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        *,
        body: bytes,
        entry: LoggedRequest,
        fault: Fault | None,
    ) -> None:
        self.scope = scope
        self._receive = receive
        self._send = send
        self.body = body
        self.entry = entry
        self.fault = fault or NO_FAULT
        self.params: dict[str, str] = {}
        self.headers = Headers(scope=scope)
        self.query_params = QueryParams(scope.get("query_string", b""))
        self.status: int | None = None
        self.started = False
        self.finished = False
        self.broken = False

    @property
    def method(self) -> str:
        return str(self.scope["method"])

    @property
    def path(self) -> str:
        return str(self.scope["path"])

    # -- sending ---------------------------------------------------------------------------

    async def start(self, status: int, headers: HeaderItems = ()) -> None:
        items = list(headers.items()) if isinstance(headers, Mapping) else list(headers)
        items += list(self.fault.headers.items())
        self.status = status
        self.started = True
        await self._send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in items],
            }
        )

    async def write(self, data: bytes) -> None:
        if self.broken:
            return
        await self._send({"type": "http.response.body", "body": data, "more_body": True})

    async def end(self, data: bytes = b"") -> None:
        if self.broken:
            return
        self.finished = True
        await self._send({"type": "http.response.body", "body": data, "more_body": False})

    async def respond(
        self,
        status: int,
        body: bytes,
        content_type: str | None,
        headers: HeaderItems = (),
        *,
        is_json: bool = False,
    ) -> None:
        """A whole answer at once, damaged by the fault's body knobs if any."""
        fault = self.fault
        if is_json and fault.malformed_json and 200 <= status < 300:
            body = body[: max(1, len(body) // 2)]
        items = list(headers.items()) if isinstance(headers, Mapping) else list(headers)
        if content_type is not None:
            items.insert(0, ("content-type", content_type))
        items.append(("content-length", str(len(body))))
        await self.start(status, items)
        if fault.stall_after_bytes is not None and fault.stall_after_bytes < len(body):
            await self.write(body[: fault.stall_after_bytes])
            await self.stall()
            return
        if fault.trickle_bytes:
            step = max(1, fault.trickle_bytes)
            for offset in range(0, len(body), step):
                await self.write(body[offset : offset + step])
                await asyncio.sleep(fault.trickle_delay_s)
            await self.end()
            return
        await self.end(body)

    async def respond_json(self, status: int, value: Any, headers: HeaderItems = ()) -> None:
        await self.respond(status, compact_json(value), "application/json", headers, is_json=True)

    async def respond_text(
        self,
        status: int,
        text: str,
        content_type: str = "text/plain; charset=utf-8",
        headers: HeaderItems = (),
    ) -> None:
        await self.respond(status, text.encode("utf-8"), content_type, headers)

    # -- breaking the connection -------------------------------------------------------------

    def reset(self) -> None:
        """TCP reset; without a transport (not served by our uvicorn setup) raise instead."""
        self.broken = True
        transport = transport_of(self.scope)
        if transport is None:
            raise ConnectionAbortedError("simulated connection reset")
        reset_connection(transport)

    def close(self) -> None:
        self.broken = True
        transport = transport_of(self.scope)
        if transport is None:
            raise ConnectionAbortedError("simulated connection close")
        close_connection(transport)

    async def stall(self, limit_s: float | None = None) -> None:
        """Say nothing more until the client hangs up (or limit_s passes, or the server stops)."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.wait_for_disconnect(), timeout=limit_s)

    async def wait_for_disconnect(self) -> None:
        while True:
            message = await self._receive()
            if message["type"] == "http.disconnect":
                return

    async def sleep_or_disconnect(self, seconds: float) -> bool:
        """Sleep; True if the client went away meanwhile."""
        if seconds <= 0:
            return False
        try:
            await asyncio.wait_for(self.wait_for_disconnect(), timeout=seconds)
        except TimeoutError:
            return False
        return True
