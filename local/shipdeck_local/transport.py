"""Give an ASGI app the TCP connection under its request, so a simulator can break it on purpose.

ASGI hides the socket, yet a faithful simulator must be able to reset a connection mid-stream or
close it right after the headers, the way an overloaded proxy does. uvicorn builds one protocol
object per connection; this subclass puts that connection's transport into the request scope
under ``scope["extensions"][TRANSPORT_EXTENSION]``. Apps served another way simply find nothing
there and fall back to gentler faults.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import struct
from typing import Any, cast

from starlette.types import Receive, Scope, Send
from uvicorn.protocols.http.h11_impl import H11Protocol

TRANSPORT_EXTENSION = "shipdeck.transport"


class TransportExposingH11Protocol(H11Protocol):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        inner_app = self.app

        async def app_with_transport(scope: Scope, receive: Receive, send: Send) -> None:
            scope.setdefault("extensions", {})[TRANSPORT_EXTENSION] = self.transport
            await inner_app(scope, receive, send)

        self.app = app_with_transport


def transport_of(scope: Scope) -> asyncio.Transport | None:
    extensions = scope.get("extensions") or {}
    transport = extensions.get(TRANSPORT_EXTENSION)
    # Duck-typed: uvloop's transports (the module runners serve on uvloop) do not derive from
    # asyncio's classes, but have everything used here.
    if transport is None or not callable(getattr(transport, "abort", None)):
        return None
    return cast(asyncio.Transport, transport)


def reset_connection(transport: asyncio.Transport) -> None:
    """Abort with SO_LINGER 0 so the peer sees a TCP RST rather than an orderly FIN."""
    sock = transport.get_extra_info("socket")
    if sock is not None:
        # If the socket is already gone, aborting is all that is left to do.
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    transport.abort()


def close_connection(transport: asyncio.Transport) -> None:
    """An orderly close: whatever was written is flushed, then FIN."""
    transport.close()
