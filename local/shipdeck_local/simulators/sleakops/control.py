"""Test-side client for the SleakOps simulator's control API."""

from __future__ import annotations

from typing import Any

from shipdeck_local.simulators.common.control_client import SimulatorControl, fault_header
from shipdeck_local.simulators.sleakops.config import Step

__all__ = ["SleakOpsControl", "fault_header"]


class SleakOpsControl(SimulatorControl):
    def queue_script(
        self,
        kind: str | None = None,
        *,
        project: str | None = None,
        environment: str | None = None,
        branch: str | None = None,
        image: str | None = None,
        outcome: str = "created",
        errors: str | None = None,
        steps: list[Step] | list[dict[str, Any]] | None = None,
        initial_s: float | None = None,
        creating_s: float | None = None,
        initial_polls: int | None = None,
        creating_polls: int | None = None,
        never_finish: bool = False,
        reject: dict[str, Any] | None = None,
        times: int = 1,
    ) -> dict[str, Any]:
        """Decide how the next matching build ("build") or deployment ("deploy") behaves.

        E.g. ``queue_script("deploy", project="shipdeck-demo", environment="prod",
        outcome="error", errors="ImagePullBackOff: ...")``.
        """
        script: dict[str, Any] = {
            "kind": kind,
            "project": project,
            "environment": environment,
            "branch": branch,
            "image": image,
            "outcome": outcome,
            "errors": errors,
            "initial_s": initial_s,
            "creating_s": creating_s,
            "initial_polls": initial_polls,
            "creating_polls": creating_polls,
            "never_finish": never_finish,
            "reject": reject,
            "times": times,
        }
        if steps is not None:
            script["steps"] = [s.model_dump() if isinstance(s, Step) else s for s in steps]
        result: dict[str, Any] = self._call("POST", "/_sim/scripts", json=script)
        return result

    def pending_scripts(self) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = self._call("GET", "/_sim/scripts")
        return result

    def clear_scripts(self) -> None:
        self._call("DELETE", "/_sim/scripts")

    def register_project(
        self,
        name: str,
        environments: dict[str, str] | list[dict[str, str]],
        *,
        services: list[str] | None = None,
        account: str | None = None,
    ) -> list[dict[str, Any]]:
        """Make a project known; ``environments`` maps environment name to its branch."""
        envs = (
            [{"name": env, "branch": branch} for env, branch in environments.items()]
            if isinstance(environments, dict)
            else environments
        )
        body: dict[str, Any] = {"name": name, "environments": envs, "account": account}
        if services is not None:
            body["services"] = services
        result: list[dict[str, Any]] = self._call("POST", "/_sim/projects", json=body)
        return result

    def project_envs(self) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = self._call("GET", "/_sim/projects")
        return result

    def releases(self) -> list[dict[str, Any]]:
        """Every build and deployment with its current state, poll counts and request body."""
        result: list[dict[str, Any]] = self._call("GET", "/_sim/releases")
        return result

    def release(self, release_id: str) -> dict[str, Any]:
        result: dict[str, Any] = self._call("GET", f"/_sim/releases/{release_id}")
        return result

    def poll_counts(self) -> dict[str, int]:
        """Release id -> how many times it was polled (faulted polls included)."""
        return {r["id"]: r["polls"] for r in self.releases()}

    def issue_tokens(
        self, email: str = "demo@shipdeck.local", *, access_lifetime_s: float | None = None
    ) -> dict[str, Any]:
        body = {"email": email, "access_lifetime_s": access_lifetime_s}
        result: dict[str, Any] = self._call("POST", "/_sim/tokens", json=body)
        return result
