"""The ASGI app both simulators are built on: logging, faults, routing and the control API.

Requests under ``/_sim/`` are the control API and are never logged or faulted. Everything else
is recorded in the request log, given a fault (header first, then rules), and routed.
"""

from __future__ import annotations

import asyncio
import fnmatch
import json
import logging
import random
from collections.abc import Mapping
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, Field, ValidationError
from starlette.types import Receive, Scope, Send

from shipdeck_local.simulators.common.exchange import Exchange, read_body
from shipdeck_local.simulators.common.faults import (
    FAULT_HEADER,
    Fault,
    FaultBook,
    FaultRule,
    FaultSpecError,
    resolve_fault,
)
from shipdeck_local.simulators.common.request_log import LoggedRequest, RequestLog
from shipdeck_local.simulators.common.routing import Matched, Route, Router, WrongMethod

logger = logging.getLogger(__name__)

CONTROL_PREFIX = "/_sim/"


class SimulatorConfig(BaseModel):
    # Seeds every random choice: ids, probabilistic faults, jitter.
    seed: int = 20260424
    # Fault rules installed at start and after every reset.
    faults: list[FaultRule] = Field(default_factory=list)
    # How many requests the log keeps (oldest dropped first).
    request_log_limit: int = 10_000


ConfigT = TypeVar("ConfigT", bound=SimulatorConfig)


class ControlError(Exception):
    def __init__(self, message: str, status: int = 400, details: Any = None) -> None:
        super().__init__(message)
        self.status = status
        self.details = details


class Simulator(Generic[ConfigT]):
    """Subclasses provide the API routes, the error bodies, presets and their own state."""

    def __init__(self, config: ConfigT, presets: Mapping[str, Fault]) -> None:
        self.initial_config = config
        self.config = config
        self.request_log = RequestLog()
        self.fault_book = FaultBook(presets)
        self.rng = random.Random(config.seed)
        self.api = Router(self.api_routes())
        self.control = Router(self._common_control_routes() + self.control_routes())
        self.reset()

    # -- hooks for subclasses ------------------------------------------------------------------

    def api_routes(self) -> list[Route]:
        raise NotImplementedError

    def control_routes(self) -> list[Route]:
        return []

    def reset_state(self) -> None:
        """Restore the simulator's own state (fixtures, queues) to the config's defaults."""

    def route_name(self, path: str) -> str:
        """The name fault rules may match besides the raw path."""
        return path

    async def before_dispatch(self, exchange: Exchange) -> None:
        """Runs for every API request before faults and routing."""

    async def respond_fault_status(self, exchange: Exchange, fault: Fault) -> None:
        raise NotImplementedError

    async def respond_not_found(self, exchange: Exchange) -> None:
        raise NotImplementedError

    async def respond_wrong_method(self, exchange: Exchange, allowed: list[str]) -> None:
        raise NotImplementedError

    def content_type_for_broken_answer(self, exchange: Exchange) -> str:
        return "application/json"

    # -- state -----------------------------------------------------------------------------------

    def reset(self) -> None:
        self.config = self.initial_config
        self.rng = random.Random(self.config.seed)
        self.request_log.clear()
        self.request_log.limit = self.config.request_log_limit
        self.fault_book.clear()
        for rule in self.config.faults:
            self.fault_book.add(rule)
        self.reset_state()

    def update_settings(self, changes: Mapping[str, Any]) -> ConfigT:
        merged = {**self.config.model_dump(), **changes}
        self.config = type(self.config).model_validate(merged)
        self.request_log.limit = self.config.request_log_limit
        return self.config

    # -- ASGI ------------------------------------------------------------------------------------

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        body = await read_body(receive)
        if str(scope["path"]).startswith(CONTROL_PREFIX):
            await self._serve_control(scope, receive, send, body)
        else:
            await self._serve_api(scope, receive, send, body)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _serve_api(self, scope: Scope, receive: Receive, send: Send, body: bytes) -> None:
        entry = self.request_log.record(scope, body)
        exchange = Exchange(scope, receive, send, body=body, entry=entry, fault=None)
        try:
            header_spec = exchange.headers.get(FAULT_HEADER)
            if header_spec:
                try:
                    exchange.fault = resolve_fault(header_spec, self.fault_book.presets)
                except FaultSpecError as exc:
                    await exchange.respond_json(400, {"sim_error": f"bad {FAULT_HEADER}: {exc}"})
                    return
                entry.fault = f"header:{exchange.fault.label or header_spec}"
            await self.before_dispatch(exchange)
            if not header_spec:
                selected = self.fault_book.select(
                    exchange.method, exchange.path, self.route_name(exchange.path), self.rng
                )
                if selected is not None:
                    exchange.fault, entry.fault = selected
            if await self._apply_connection_faults(exchange):
                return
            await self._route(exchange)
        except (asyncio.CancelledError, ConnectionAbortedError):
            raise
        except Exception:
            logger.exception("simulator failed on %s %s", exchange.method, exchange.path)
            if not exchange.started:
                await exchange.respond_json(500, {"sim_error": "the simulator failed; see its log"})
        finally:
            RequestLog.finish(entry, exchange.status)

    async def _apply_connection_faults(self, exchange: Exchange) -> bool:
        """Faults that replace the answer entirely. True when the request is done."""
        fault = exchange.fault
        delay = fault.delay_s + (self.rng.uniform(0, fault.jitter_s) if fault.jitter_s else 0.0)
        if delay > 0 and await exchange.sleep_or_disconnect(delay):
            return True
        if fault.connection == "reset":
            exchange.reset()
            return True
        if fault.connection == "stall":
            await exchange.stall()
            return True
        if fault.connection == "close_after_headers":
            await exchange.start(
                200, [("content-type", self.content_type_for_broken_answer(exchange))]
            )
            exchange.close()
            return True
        if fault.status is not None:
            await self.respond_fault_status(exchange, fault)
            return True
        if fault.blank_200:
            if await exchange.sleep_or_disconnect(fault.blank_200_delay_s):
                return True
            await exchange.respond(200, b"\n\n  \n", "application/json")
            return True
        return False

    async def _route(self, exchange: Exchange) -> None:
        found = self.api.match(exchange.method, exchange.path)
        if found is None:
            await self.respond_not_found(exchange)
        elif isinstance(found, WrongMethod):
            await self.respond_wrong_method(exchange, found.allowed)
        else:
            exchange.params = found.params
            await found.route.handler(exchange)

    # -- control API -----------------------------------------------------------------------------

    async def _serve_control(self, scope: Scope, receive: Receive, send: Send, body: bytes) -> None:
        # The control API is not logged; a throwaway entry keeps Exchange's shape.
        entry = LoggedRequest(
            seq=0,
            method=scope["method"],
            path=scope["path"],
            query="",
            query_params={},
            headers={},
            auth_scheme=None,
            credential=None,
            account=None,
            received_at=0.0,
        )
        exchange = Exchange(scope, receive, send, body=body, entry=entry, fault=None)
        found = self.control.match(exchange.method, exchange.path)
        if not isinstance(found, Matched):
            status = 404 if found is None else 405
            await exchange.respond_json(status, {"sim_error": f"no control route {exchange.path}"})
            return
        exchange.params = found.params
        try:
            await found.route.handler(exchange)
        except ControlError as exc:
            await exchange.respond_json(exc.status, {"sim_error": str(exc), "details": exc.details})
        except ValidationError as exc:
            details = exc.errors(include_url=False, include_context=False)
            await exchange.respond_json(400, {"sim_error": "invalid body", "details": details})
        except FaultSpecError as exc:
            await exchange.respond_json(400, {"sim_error": str(exc)})

    def _common_control_routes(self) -> list[Route]:
        return [
            Route("GET", "/_sim/requests", self._control_list_requests),
            Route("DELETE", "/_sim/requests", self._control_clear_requests),
            Route("GET", "/_sim/faults", self._control_list_faults),
            Route("POST", "/_sim/faults", self._control_add_fault),
            Route("DELETE", "/_sim/faults", self._control_clear_faults),
            Route("DELETE", "/_sim/faults/{rule_id}", self._control_remove_fault),
            Route("GET", "/_sim/settings", self._control_get_settings),
            Route("PATCH", "/_sim/settings", self._control_patch_settings),
            Route("POST", "/_sim/reset", self._control_reset),
        ]

    @staticmethod
    def control_body(exchange: Exchange) -> Any:
        if not exchange.body:
            return {}
        try:
            return json.loads(exchange.body)
        except ValueError as exc:
            raise ControlError(f"body is not JSON: {exc}") from exc

    async def _control_list_requests(self, exchange: Exchange) -> None:
        path_glob = exchange.query_params.get("path")
        method = exchange.query_params.get("method")
        entries = [
            entry.model_dump(mode="json")
            for entry in self.request_log.entries()
            if (path_glob is None or fnmatch.fnmatchcase(entry.path, path_glob))
            and (method is None or entry.method == method.upper())
        ]
        await exchange.respond_json(200, entries)

    async def _control_clear_requests(self, exchange: Exchange) -> None:
        self.request_log.clear()
        await exchange.respond_json(200, {"ok": True})

    async def _control_list_faults(self, exchange: Exchange) -> None:
        await exchange.respond_json(
            200, [r.model_dump(mode="json") for r in self.fault_book.rules()]
        )

    async def _control_add_fault(self, exchange: Exchange) -> None:
        rule = self.fault_book.add(FaultRule.model_validate(self.control_body(exchange)))
        await exchange.respond_json(201, rule.model_dump(mode="json"))

    async def _control_clear_faults(self, exchange: Exchange) -> None:
        self.fault_book.clear()
        await exchange.respond_json(200, {"ok": True})

    async def _control_remove_fault(self, exchange: Exchange) -> None:
        if not self.fault_book.remove(exchange.params["rule_id"]):
            raise ControlError("no such fault rule", status=404)
        await exchange.respond_json(200, {"ok": True})

    async def _control_get_settings(self, exchange: Exchange) -> None:
        await exchange.respond_json(200, self.config.model_dump(mode="json"))

    async def _control_patch_settings(self, exchange: Exchange) -> None:
        changes = self.control_body(exchange)
        if not isinstance(changes, dict):
            raise ControlError("settings changes must be a JSON object")
        unknown = sorted(set(changes) - set(type(self.config).model_fields))
        if unknown:
            raise ControlError(f"unknown settings: {', '.join(unknown)}")
        config = self.update_settings(changes)
        await exchange.respond_json(200, config.model_dump(mode="json"))

    async def _control_reset(self, exchange: Exchange) -> None:
        self.reset()
        await exchange.respond_json(200, {"ok": True})
