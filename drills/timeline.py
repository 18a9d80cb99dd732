"""Live timeline watchers: browsers following a project's events over SSE.

Each watcher behaves as the web app does: it reads frames, remembers the last `id:`, and when
the stream ends (a `reconnect` event from a stopping server, an error, a cut connection) it comes
back through the load balancer with `Last-Event-ID`. It records every event id it was given, so
a drill can check that none was missed or repeated.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass, field

import httpx

RECONNECT_PAUSE = 0.2


@dataclass
class Watcher:
    base_url: str
    project_id: str
    headers: dict[str, str]
    last_id: int
    ids: list[int] = field(default_factory=list)
    resumes: int = 0  # reconnections that sent Last-Event-ID
    refused: list[str] = field(default_factory=list)  # answers other than 200 to a (re)connect
    _task: asyncio.Task[None] | None = None
    _stop: asyncio.Event = field(default_factory=asyncio.Event)

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        self._stop.set()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def wait_for(self, event_id: int, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.last_id >= event_id:
                return True
            await asyncio.sleep(0.1)
        return False

    async def _run(self) -> None:
        timeout = httpx.Timeout(30.0, connect=3.0)
        async with httpx.AsyncClient(base_url=self.base_url, timeout=timeout) as http:
            first = True
            while not self._stop.is_set():
                if not first:
                    self.resumes += 1
                    await asyncio.sleep(RECONNECT_PAUSE)
                first = False
                headers = {**self.headers, "Last-Event-ID": str(self.last_id)}
                try:
                    async with http.stream(
                        "GET", f"/api/projects/{self.project_id}/events/stream", headers=headers
                    ) as response:
                        if response.status_code != 200:
                            self.refused.append(str(response.status_code))
                            continue
                        await self._read(response)
                except httpx.HTTPError as exc:
                    self.refused.append(type(exc).__name__)

    async def _read(self, response: httpx.Response) -> None:
        event_id: str | None = None
        kind = "message"
        async for line in response.aiter_lines():
            if line == "":
                if event_id is not None:
                    self.ids.append(int(event_id))
                    self.last_id = int(event_id)
                if kind in ("reconnect", "error"):
                    return
                event_id, kind = None, "message"
            elif line.startswith("id:"):
                event_id = line[3:].strip()
            elif line.startswith("event:"):
                kind = line[6:].strip()


def gaps_and_repeats(ids: list[int], first: int, last: int) -> tuple[list[int], list[int]]:
    """Event numbers in first..last a watcher never got, and those it got more than once."""
    seen: dict[int, int] = {}
    for event_id in ids:
        seen[event_id] = seen.get(event_id, 0) + 1
    missing = [n for n in range(first, last + 1) if n not in seen]
    repeated = [n for n, count in seen.items() if count > 1]
    return missing, repeated


async def watch(
    base_url: str, project_id: str, headers: dict[str, str], *, count: int, after: int
) -> list[Watcher]:
    watchers = [Watcher(base_url, project_id, headers, after) for _ in range(count)]
    for watcher in watchers:
        watcher.start()
    await asyncio.sleep(0.5)
    return watchers
