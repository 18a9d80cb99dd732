"""Reading Server-Sent Events in tests, as a browser's EventSource would."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx


@dataclass
class Frame:
    id: str | None = None
    event: str | None = None
    data: str = ""
    retry: int | None = None
    comments: list[str] = field(default_factory=list)

    def json(self) -> Any:
        return json.loads(self.data)


async def frames(response: httpx.Response) -> AsyncIterator[Frame]:
    """Frames as they arrive; a frame made only of comments is yielded too."""
    frame = Frame()
    async for line in response.aiter_lines():
        if line == "":
            if frame.data or frame.id or frame.event or frame.retry or frame.comments:
                yield frame
            frame = Frame()
            continue
        if line.startswith(":"):
            frame.comments.append(line[1:].strip())
            continue
        name, _, value = line.partition(":")
        value = value[1:] if value.startswith(" ") else value
        if name == "data":
            frame.data = f"{frame.data}\n{value}" if frame.data else value
        elif name == "id":
            frame.id = value
        elif name == "event":
            frame.event = value
        elif name == "retry":
            frame.retry = int(value)
