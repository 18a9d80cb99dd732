"""The process's place in its life: serving, or draining before it stops."""

from __future__ import annotations

import asyncio


class Lifecycle:
    """Readiness fails as soon as draining begins, so the load balancer stops sending new work;
    long-lived streams watch `stopping` to end with a retry hint instead of being cut."""

    def __init__(self) -> None:
        self.draining = False
        self.stopping = asyncio.Event()

    def begin_drain(self) -> None:
        self.draining = True
        self.stopping.set()
