"""A small synchronous client for a simulator's control API, for tests and scripts."""

from __future__ import annotations

import json
from collections.abc import Mapping
from types import TracebackType
from typing import Any, Self

import httpx

from shipdeck_local.simulators.common.faults import FAULT_HEADER, Fault, FaultRule
from shipdeck_local.simulators.common.request_log import LoggedRequest

FaultSpec = Fault | str | int | Mapping[str, Any]


def fault_header(fault: FaultSpec) -> dict[str, str]:
    """Headers that inject ``fault`` into one request, e.g. for the SDK's ``extra_headers``."""
    if isinstance(fault, Fault):
        value = fault.model_dump_json(exclude_defaults=True)
    elif isinstance(fault, Mapping):
        value = json.dumps(dict(fault), separators=(",", ":"))
    else:
        value = str(fault)
    return {FAULT_HEADER: value}


def _fault_payload(fault: FaultSpec) -> Any:
    if isinstance(fault, Fault):
        return fault.model_dump(mode="json", exclude_defaults=True)
    if isinstance(fault, Mapping):
        return dict(fault)
    return fault


class SimulatorControl:
    """Wraps ``/_sim/*``. ``base_url`` is the simulator's root, e.g. ``http://127.0.0.1:8101``."""

    def __init__(self, base_url: str, *, timeout: float = 10.0) -> None:
        root = base_url.rstrip("/")
        for suffix in ("/v1", "/beta", "/api", "/console/api"):
            if root.endswith(suffix):
                root = root[: -len(suffix)]
        self.base_url = root
        self._http = httpx.Client(base_url=root, timeout=timeout)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self._http.request(method, path, **kwargs)
        if response.status_code >= 400:
            raise RuntimeError(f"control {method} {path}: {response.status_code} {response.text}")
        return response.json()

    # -- request log ---------------------------------------------------------------------------

    def request_log(
        self, *, path: str | None = None, method: str | None = None
    ) -> list[LoggedRequest]:
        """Requests seen so far, oldest first. ``path`` is a glob, e.g. ``"*/chat/completions"``."""
        params = {k: v for k, v in {"path": path, "method": method}.items() if v is not None}
        return [
            LoggedRequest.model_validate(e)
            for e in self._call("GET", "/_sim/requests", params=params)
        ]

    def clear_request_log(self) -> None:
        self._call("DELETE", "/_sim/requests")

    # -- faults ----------------------------------------------------------------------------------

    def add_fault(
        self,
        fault: FaultSpec,
        *,
        route: str = "*",
        method: str | None = None,
        on_requests: list[int] | None = None,
        probability: float = 1.0,
        times: int | None = None,
    ) -> FaultRule:
        rule = {
            "fault": _fault_payload(fault),
            "route": route,
            "method": method,
            "on_requests": on_requests,
            "probability": probability,
            "times": times,
        }
        return FaultRule.model_validate(self._call("POST", "/_sim/faults", json=rule))

    def fault_once(
        self, fault: FaultSpec, *, route: str = "*", method: str | None = None
    ) -> FaultRule:
        return self.add_fault(fault, route=route, method=method, times=1)

    def faults(self) -> list[FaultRule]:
        return [FaultRule.model_validate(r) for r in self._call("GET", "/_sim/faults")]

    def remove_fault(self, rule_id: str) -> None:
        self._call("DELETE", f"/_sim/faults/{rule_id}")

    def clear_faults(self) -> None:
        self._call("DELETE", "/_sim/faults")

    # -- settings and reset ------------------------------------------------------------------------

    def settings(self) -> dict[str, Any]:
        result: dict[str, Any] = self._call("GET", "/_sim/settings")
        return result

    def update_settings(self, **changes: Any) -> dict[str, Any]:
        result: dict[str, Any] = self._call("PATCH", "/_sim/settings", json=changes)
        return result

    def reset(self) -> None:
        self._call("POST", "/_sim/reset")
