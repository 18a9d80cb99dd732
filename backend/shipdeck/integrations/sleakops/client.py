"""SleakOps: start builds and deployments, and follow their state.

Speaks the endpoints the `sleakops` CLI uses (`cli-build/`, `cli-deployment/` and their `{id}/`
polls, `Authorization: Api-Key <key>`), with what the CLI lacks: connect/read/total deadlines,
retries for polls only, a breaker and a bulkhead. A start request is never retried: a timeout
may mean SleakOps accepted it, and a second POST would start a second build.
"""

from __future__ import annotations

import asyncio
import json
import os
from dataclasses import dataclass
from typing import Any

import httpx
import stamina

from shipdeck.integrations.resilience import BreakerOpen, BulkheadFull, Guard
from shipdeck.integrations.sleakops.errors import (
    SleakOpsNotFound,
    SleakOpsRejected,
    SleakOpsUnavailable,
)
from shipdeck.observability.logs import get_logger
from shipdeck.observability.metrics import MetricsEmitter
from shipdeck.settings import SleakOpsSettings

log = get_logger(__name__)

# The states SleakOps documents for builds and deployments; anything else means "still going".
FINAL_STATES = frozenset({"created", "error"})
KNOWN_STATES = frozenset({"initial", "creating", "created", "error"})


@dataclass(frozen=True, slots=True)
class Submitted:
    id: str
    state: str


@dataclass(frozen=True, slots=True)
class Status:
    state: str | None  # None: the answer carried no usable state
    errors: str | None


class SleakOpsClient:
    def __init__(
        self,
        settings: SleakOpsSettings,
        metrics: MetricsEmitter,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._settings = settings
        self._http = httpx.AsyncClient(
            base_url=settings.base_url,
            headers={
                "Authorization": f"Api-Key {settings.api_key.get_secret_value()}",
                # The process id tells apart the replicas in SleakOps' logs (and in tests).
                "User-Agent": f"shipdeck/1.0 (pid {os.getpid()})",
                "Accept": "application/json",
            },
            timeout=httpx.Timeout(
                connect=settings.connect_timeout_seconds,
                read=settings.read_timeout_seconds,
                write=settings.read_timeout_seconds,
                pool=settings.queue_timeout_seconds,
            ),
            limits=httpx.Limits(max_connections=settings.max_concurrency),
            transport=transport,
        )
        self.guard = Guard(
            "sleakops", settings, metrics, not_failures=(SleakOpsRejected, SleakOpsNotFound)
        )

    async def aclose(self) -> None:
        await self._http.aclose()

    async def start_build(
        self,
        *,
        project: str,
        branch: str,
        environment: str | None = None,
        commit: str | None = None,
        tag: str | None = None,
    ) -> Submitted:
        body: dict[str, Any] = {"project_env": {"project_name": project}, "branch": branch}
        if environment:
            body["environment"] = environment
        if commit:
            body["commit"] = commit
        if tag:
            body["tag"] = tag
        body["docker_args"] = {}  # the CLI always sends it; SleakOps expects an object
        return await self._submit("cli-build/", body)

    async def start_deployment(
        self,
        *,
        project: str,
        environment: str,
        build: str | None = None,
        image: str | None = None,
        tag: str | None = None,
    ) -> Submitted:
        body: dict[str, Any] = {
            "project_env": {"project_name": project, "environment_name": environment}
        }
        if build:
            body["build"] = build
        body["image"] = image or "latest"
        if tag:
            body["tag"] = tag
        return await self._submit("cli-deployment/", body)

    async def get_build(self, resource_id: str) -> Status:
        return await self._poll(f"cli-build/{resource_id}/")

    async def get_deployment(self, resource_id: str) -> Status:
        return await self._poll(f"cli-deployment/{resource_id}/")

    async def _submit(self, path: str, body: dict[str, Any]) -> Submitted:
        async with self._guarded("start " + path.rstrip("/")):
            try:
                async with asyncio.timeout(self._settings.total_timeout_seconds):
                    response = await self._http.post(path, json=body)
            except (httpx.TimeoutException, TimeoutError) as exc:
                raise SleakOpsUnavailable(
                    "SleakOps did not answer in time; the request may or may not have started "
                    "anything there.",
                    details={"reason": "timeout"},
                ) from exc
            except httpx.HTTPError as exc:
                raise _unreachable(exc) from exc
            payload = _check(response)
            if not isinstance(payload, dict) or payload.get("id") in (None, ""):
                raise SleakOpsUnavailable(
                    "SleakOps answered without a resource id.", details={"reason": "malformed"}
                )
            state = payload.get("state")
            return Submitted(
                id=str(payload["id"]), state=state if isinstance(state, str) else "initial"
            )

    async def _poll(self, path: str) -> Status:
        async with self._guarded("poll " + path.split("/")[0]) as record:
            # Polls are safe to repeat: transient failures are retried with capped, jittered
            # backoff, all inside the call's total deadline.
            try:
                async with asyncio.timeout(self._settings.total_timeout_seconds):
                    async for attempt in stamina.retry_context(
                        on=SleakOpsUnavailable,
                        attempts=self._settings.retry_attempts,
                        wait_initial=self._settings.retry_initial_wait_seconds,
                        wait_max=self._settings.retry_max_wait_seconds,
                    ):
                        with attempt:
                            record.retries = attempt.num - 1
                            return await self._poll_once(path)
            except TimeoutError as exc:
                raise SleakOpsUnavailable(
                    "SleakOps did not answer in time.", details={"reason": "timeout"}
                ) from exc
        raise AssertionError("unreachable")  # pragma: no cover

    async def _poll_once(self, path: str) -> Status:
        try:
            response = await self._http.get(path)
        except httpx.TimeoutException as exc:
            raise SleakOpsUnavailable(
                "SleakOps did not answer in time.", details={"reason": "timeout"}
            ) from exc
        except httpx.HTTPError as exc:
            raise _unreachable(exc) from exc
        if response.status_code == 404:
            raise SleakOpsNotFound
        payload = _check(response)
        if not isinstance(payload, dict):
            raise SleakOpsUnavailable(
                "SleakOps sent an unexpected answer.", details={"reason": "malformed"}
            )
        state = payload.get("state")
        errors = payload.get("errors")
        if state is not None and state not in KNOWN_STATES:
            log.info("unknown SleakOps state; still waiting", state=str(state)[:40])
        return Status(
            state=state if isinstance(state, str) else None,
            errors=_text(errors) if errors else None,
        )

    def _guarded(self, operation: str) -> Any:
        return _translating(self.guard.call(operation))


class _translating:
    """The guard's refusals, as the client's own error family."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    async def __aenter__(self) -> Any:
        try:
            return await self._inner.__aenter__()
        except BreakerOpen as exc:
            raise SleakOpsUnavailable(
                "SleakOps failed repeatedly; calls are paused for a few seconds.",
                details={"reason": "breaker_open"},
            ) from exc
        except BulkheadFull as exc:
            raise SleakOpsUnavailable(
                "Too many SleakOps calls are in progress; try again shortly.",
                details={"reason": "busy"},
            ) from exc

    async def __aexit__(self, *exc: Any) -> Any:
        return await self._inner.__aexit__(*exc)


def _unreachable(exc: httpx.HTTPError) -> SleakOpsUnavailable:
    return SleakOpsUnavailable(
        "SleakOps could not be reached.", details={"reason": type(exc).__name__}
    )


def _check(response: httpx.Response) -> Any:
    """The JSON of a successful answer, or the right error for a failed one."""
    status = response.status_code
    if status in (400, 412):
        raise SleakOpsRejected(_reason(response))
    if status in (401, 403):
        raise SleakOpsUnavailable(
            "SleakOps refused Shipdeck's API key; an administrator must check it.",
            details={"reason": "authentication", "status": status},
        )
    if status >= 400:
        raise SleakOpsUnavailable(
            f"SleakOps answered {status} {response.reason_phrase}.",
            details={"reason": "status", "status": status},
        )
    try:
        return response.json()
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise SleakOpsUnavailable(
            "SleakOps sent an answer that is not JSON.", details={"reason": "malformed"}
        ) from exc


def _reason(response: httpx.Response) -> str:
    """SleakOps explains a refusal as DRF does: `{"detail": …}`, a field map, a list or text."""
    try:
        body = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        text = response.text.strip()
        return text[:300] if text and not text.startswith("<") else "SleakOps refused the request."
    return _text(body)[:500] or "SleakOps refused the request."


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        if "detail" in value:
            return _text(value["detail"])
        return "; ".join(f"{key}: {_text(item)}" for key, item in value.items())
    if isinstance(value, list):
        return "; ".join(_text(item) for item in value)
    return json.dumps(value)
