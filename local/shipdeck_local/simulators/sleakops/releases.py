"""Builds and deployments and the state machine each one follows.

A release walks through the steps of its script. Steps end by wall-clock time or by the number
of polls they were shown to, so tests can say "creating for 3 polls" and not depend on timing.
The state is worked out lazily when somebody looks.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Literal

from shipdeck_local.simulators.sleakops.config import Step
from shipdeck_local.simulators.sleakops.directory import ProjectEnv
from shipdeck_local.simulators.sleakops.sessions import iso_utc

Kind = Literal["build", "deploy"]


@dataclass
class Release:
    id: str
    kind: Kind
    account_id: str
    project_env: ProjectEnv
    request_body: dict[str, Any]
    fields: dict[str, Any]
    steps: list[Step]
    script_id: str | None
    created_at: float = field(default_factory=time.time)
    # Every GET of this release, including those a fault answered.
    polls: int = 0
    # GETs answered with the release's state.
    served_polls: int = 0
    step_index: int = 0
    step_started: float = field(default_factory=time.monotonic)
    step_started_wall: float = field(default_factory=time.time)
    step_polls: int = 0

    @property
    def step(self) -> Step:
        return self.steps[self.step_index]

    def _advance(self) -> None:
        now = time.monotonic()
        while self.step_index < len(self.steps) - 1:
            step = self.step
            by_time = step.seconds is not None and now - self.step_started >= step.seconds
            by_polls = step.polls is not None and self.step_polls >= step.polls
            if not (by_time or by_polls):
                return
            elapsed = (
                step.seconds if by_time and step.seconds is not None else now - self.step_started
            )
            self.step_started += elapsed
            self.step_started_wall += elapsed
            self.step_index += 1
            self.step_polls = 0

    def current(self) -> Step:
        """The step in force now, without counting a poll."""
        self._advance()
        return self.step

    def serve_poll(self) -> dict[str, Any]:
        """The answer to a poll; counts towards poll-based steps."""
        self._advance()
        self.step_polls += 1
        self.served_polls += 1
        return self.as_json()

    def as_json(self) -> dict[str, Any]:
        step = self.step
        body: dict[str, Any] = {"id": self.id}
        if not step.omit_state:
            body["state"] = step.state
        if not step.omit_errors:
            body["errors"] = step.errors or ""
        body["project_env"] = self.project_env.as_reference()
        body.update(self.fields)
        body["created_at"] = iso_utc(self.created_at)
        body["updated_at"] = iso_utc(self.step_started_wall)
        return body

    def view(self) -> dict[str, Any]:
        """What the control API shows: the state now plus the bookkeeping."""
        step = self.current()
        return {
            "id": self.id,
            "kind": self.kind,
            "project": self.project_env.project_name,
            "environment": self.project_env.environment_name,
            "state": step.state,
            "errors": step.errors or "",
            "step_index": self.step_index,
            "steps": [s.model_dump() for s in self.steps],
            "script_id": self.script_id,
            "polls": self.polls,
            "served_polls": self.served_polls,
            "request_body": self.request_body,
            "fields": self.fields,
            "created_at": self.created_at,
        }
