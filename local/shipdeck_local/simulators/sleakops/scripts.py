"""Scripts: how the next matching build or deployment will behave.

A script matches the next build/deployment by kind and, optionally, project, environment,
branch and image. It either refuses the POST (``reject``) or gives the release its steps:
explicit ``steps``, or a shorthand (``outcome`` created/error with ``errors``, timings in
seconds or polls, ``never_finish``) built on the default timings.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from shipdeck_local.simulators.sleakops.config import Step


class Rejection(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: int = 400
    body: Any = Field(default_factory=lambda: {"detail": "Rejected by a simulator script."})


class ReleaseScript(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = ""
    kind: Literal["build", "deploy"] | None = None
    project: str | None = None
    environment: str | None = None
    branch: str | None = None
    image: str | None = None

    reject: Rejection | None = None
    steps: list[Step] | None = None
    outcome: Literal["created", "error"] = "created"
    errors: str | None = None
    initial_s: float | None = None
    creating_s: float | None = None
    initial_polls: int | None = None
    creating_polls: int | None = None
    never_finish: bool = False

    times: int = 1
    used: int = 0

    def matches(
        self,
        kind: str,
        project: str,
        environment: str | None,
        branch: str | None,
        image: str | None,
    ) -> bool:
        wanted = {
            "kind": (self.kind, kind),
            "project": (self.project, project),
            "environment": (self.environment, environment),
            "branch": (self.branch, branch),
            "image": (self.image, image),
        }
        return all(want is None or want == got for want, got in wanted.values())

    def build_steps(self, defaults: list[Step]) -> list[Step]:
        if self.steps:
            return list(self.steps)
        initial = next(
            (s for s in defaults if s.state == "initial"), Step(state="initial", seconds=1)
        )
        creating = next(
            (s for s in defaults if s.state == "creating"), Step(state="creating", seconds=2)
        )
        if self.initial_s is not None or self.initial_polls is not None:
            initial = Step(state="initial", seconds=self.initial_s, polls=self.initial_polls)
        if self.creating_s is not None or self.creating_polls is not None:
            creating = Step(state="creating", seconds=self.creating_s, polls=self.creating_polls)
        if self.never_finish:
            return [initial, Step(state="creating")]
        if self.outcome == "error":
            final = Step(state="error", errors=self.errors or "The release failed.")
        else:
            final = Step(state="created")
        return [initial, creating, final]


class ScriptQueue:
    def __init__(self) -> None:
        self._scripts: list[ReleaseScript] = []
        self._next_id = 1

    def add(self, script: ReleaseScript) -> ReleaseScript:
        stored = script.model_copy(update={"id": script.id or f"s{self._next_id}", "used": 0})
        self._next_id += 1
        self._scripts.append(stored)
        return stored

    def take(
        self,
        kind: str,
        project: str,
        environment: str | None,
        branch: str | None,
        image: str | None,
        *,
        rejections: bool,
    ) -> ReleaseScript | None:
        for script in self._scripts:
            if (script.reject is not None) != rejections:
                continue
            if script.matches(kind, project, environment, branch, image):
                script.used += 1
                if script.used >= script.times:
                    self._scripts.remove(script)
                return script
        return None

    def pending(self) -> list[ReleaseScript]:
        return list(self._scripts)

    def clear(self) -> None:
        self._scripts.clear()
