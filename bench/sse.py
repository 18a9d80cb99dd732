"""A small measuring client for streamed answers (Server-Sent Events over HTTP/1.1).

No load tool reports the time to the first token of a streamed answer: wrk and hey time whole
responses. This client opens one connection per answer, sends the request, and timestamps the
first byte of the response, the first frame that carries text and the end of the answer, by
looking for markers in the raw bytes (no parsing, so its own cost stays out of the figures).
Used for the AI streaming benchmark and for the AI requests of the fail-fast benchmark.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

# Shipdeck's frames are `data: {"type": "delta", ...}` and end with `{"type": "done", ...}`.
SHIPDECK_FIRST = re.compile(rb'"type": "delta"')
SHIPDECK_LAST = re.compile(rb'"type": "(done|error)"')
# DeepSeek's chunks are compact JSON; the first carries an empty content, text comes after.
DEEPSEEK_FIRST = re.compile(rb'"content":"[^"]')
DEEPSEEK_LAST = re.compile(rb"data: \[DONE\]")
HEAD_END = b"\r\n\r\n"


@dataclass
class Timing:
    started: float  # monotonic seconds
    status: int = 0
    first_byte_ms: float | None = None
    first_token_ms: float | None = None
    last_token_ms: float | None = None
    total_ms: float | None = None  # until the answer ended or the server closed
    frames: int = 0
    error: str = ""
    body_head: bytes = b""

    @property
    def ok(self) -> bool:
        return self.status == 200 and self.last_token_ms is not None and not self.error


async def stream(
    url: str,
    *,
    method: str = "POST",
    headers: Mapping[str, str] | None = None,
    body: bytes = b"",
    first: re.Pattern[bytes] = SHIPDECK_FIRST,
    last: re.Pattern[bytes] = SHIPDECK_LAST,
    deadline_s: float = 120.0,
) -> Timing:
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    lines = [
        f"{method} {path} HTTP/1.1",
        f"Host: {parts.netloc}",
        "Accept: text/event-stream",
        "Connection: close",
        f"Content-Length: {len(body)}",
    ]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    request = ("\r\n".join(lines) + "\r\n\r\n").encode() + body
    timing = Timing(started=time.monotonic())
    writer: asyncio.StreamWriter | None = None
    try:
        async with asyncio.timeout(deadline_s):
            reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
            writer.write(request)
            await writer.drain()
            await _read(reader, timing, first, last)
            timing.total_ms = (time.monotonic() - timing.started) * 1000
    except TimeoutError:
        timing.error = "timeout"
    except OSError as exc:
        timing.error = type(exc).__name__
    finally:
        if writer is not None:
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()
    return timing


async def _read(
    reader: asyncio.StreamReader, timing: Timing, first: re.Pattern[bytes], last: re.Pattern[bytes]
) -> None:
    buffer = b""
    head_done = False
    tail = b""
    while True:
        data = await reader.read(65536)
        now = time.monotonic()
        if not data:
            return
        if timing.first_byte_ms is None:
            timing.first_byte_ms = (now - timing.started) * 1000
        if not head_done:
            buffer += data
            if HEAD_END not in buffer:
                continue
            head, _, data = buffer.partition(HEAD_END)
            timing.status = int(head.split(b" ", 2)[1])
            head_done = True
        if len(timing.body_head) < 600:
            timing.body_head += data[: 600 - len(timing.body_head)]
        # A marker split across two reads is found in the joined window.
        window = tail + data
        timing.frames += data.count(b"data:")
        if timing.first_token_ms is None and first.search(window):
            timing.first_token_ms = (now - timing.started) * 1000
        if last.search(window):
            timing.last_token_ms = (now - timing.started) * 1000
            return
        tail = window[-64:]
