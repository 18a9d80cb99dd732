"""The DeepSeek simulator: /chat/completions, /models, /user/balance (at the root, under /v1
and /beta) and /beta/completions, plus its control API."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

from pydantic import TypeAdapter

from shipdeck_local.simulators.common.exchange import Exchange, compact_json
from shipdeck_local.simulators.common.faults import Fault
from shipdeck_local.simulators.common.routing import Route
from shipdeck_local.simulators.common.simulator import Simulator
from shipdeck_local.simulators.deepseek import streaming
from shipdeck_local.simulators.deepseek.accounting import (
    Ledger,
    PrefixCache,
    build_usage,
    prompt_tokens,
)
from shipdeck_local.simulators.deepseek.completion import (
    Completion,
    new_completion_id,
    plan_completion,
    response_body,
)
from shipdeck_local.simulators.deepseek.config import BalanceInfo, DeepSeekConfig
from shipdeck_local.simulators.deepseek.errors import (
    HTML_PROXY_PAGE,
    REASONS,
    STATUS_ERRORS,
    error_body,
    masked_key,
    respond_error,
    respond_framework_error,
)
from shipdeck_local.simulators.deepseek.fim import fill_text
from shipdeck_local.simulators.deepseek.load import ConcurrencyLimiter, wait_in_queue
from shipdeck_local.simulators.deepseek.presets import PRESETS
from shipdeck_local.simulators.deepseek.replies import ReplyQueue, ScriptedReply
from shipdeck_local.simulators.deepseek.request import (
    ChatRequest,
    FimRequest,
    RequestRejected,
    ResolvedChat,
    check_chat,
    parse_body,
    resolve_model,
)
from shipdeck_local.simulators.deepseek.tokens import count_text_tokens, pieces

PREFIXES = ("", "/v1", "/beta")
SSE_HEADERS = [("content-type", "text/event-stream; charset=utf-8"), ("cache-control", "no-cache")]
_BALANCES = TypeAdapter(list[BalanceInfo])


class DeepSeekSimulator(Simulator[DeepSeekConfig]):
    def __init__(self, config: DeepSeekConfig) -> None:
        self.replies = ReplyQueue()
        self.limiter = ConcurrencyLimiter()
        self.ledger = Ledger(config.balances)
        self.prefix_cache = PrefixCache()
        super().__init__(config, PRESETS)

    def reset_state(self) -> None:
        self.replies.clear()
        self.limiter = ConcurrencyLimiter()
        self.ledger = Ledger(self.config.balances)
        self.prefix_cache.clear()

    # -- routing -------------------------------------------------------------------------------

    def api_routes(self) -> list[Route]:
        routes = []
        for prefix in PREFIXES:
            routes += [
                Route("POST", f"{prefix}/chat/completions", self.chat_completions),
                Route("GET", f"{prefix}/models", self.list_models),
                Route("GET", f"{prefix}/user/balance", self.user_balance),
            ]
        routes.append(Route("POST", "/beta/completions", self.fim_completions))
        return routes

    def control_routes(self) -> list[Route]:
        return [
            Route("GET", "/_sim/replies", self._control_list_replies),
            Route("POST", "/_sim/replies", self._control_add_reply),
            Route("DELETE", "/_sim/replies", self._control_clear_replies),
            Route("GET", "/_sim/balance", self._control_get_balance),
            Route("PUT", "/_sim/balance", self._control_set_balance),
        ]

    def route_name(self, path: str) -> str:
        for prefix in ("/v1", "/beta"):
            if path.startswith(prefix + "/"):
                return path[len(prefix) :]
        return path

    def content_type_for_broken_answer(self, exchange: Exchange) -> str:
        try:
            streamed = bool(json.loads(exchange.body or b"{}").get("stream"))
        except (ValueError, AttributeError):
            streamed = False
        return SSE_HEADERS[0][1] if streamed else "application/json"

    # -- error answers -------------------------------------------------------------------------

    async def respond_fault_status(self, exchange: Exchange, fault: Fault) -> None:
        status = fault.status or 500
        default_message, type_ = STATUS_ERRORS.get(
            status,
            (
                REASONS.get(status, "Error"),
                "server_error" if status >= 500 else "invalid_request_error",
            ),
        )
        message = fault.message or default_message
        if fault.body is not None:
            if fault.body_format == "json":
                await exchange.respond_json(status, fault.body)
            else:
                await exchange.respond_text(status, str(fault.body))
        elif fault.body_format == "json":
            code = "invalid_request_error" if status < 500 else None
            await exchange.respond_json(status, error_body(message, type_, code))
        elif fault.body_format == "text":
            await exchange.respond_text(status, message)
        elif fault.body_format == "html":
            page = HTML_PROXY_PAGE.format(status=status, reason=REASONS.get(status, "Error"))
            await exchange.respond_text(status, page, "text/html")
        else:
            await exchange.respond(status, b"", None)

    async def respond_not_found(self, exchange: Exchange) -> None:
        await exchange.respond(404, b"", None)

    async def respond_wrong_method(self, exchange: Exchange, allowed: list[str]) -> None:
        await exchange.respond(405, b"", None, [("allow", ", ".join(allowed))])

    async def _reject(self, exchange: Exchange, rejected: RequestRejected) -> None:
        if rejected.framework:
            await respond_framework_error(
                exchange, rejected.status, rejected.message, self.config.json_errors
            )
        else:
            await respond_error(exchange, rejected.status, rejected.message)

    async def _authenticate(self, exchange: Exchange) -> str | None:
        """The account of a valid Bearer key; otherwise answer 401 and return None."""
        scheme, _, key = exchange.headers.get("authorization", "").partition(" ")
        key = key.strip()
        if scheme.lower() == "bearer" and key in self.config.api_keys:
            return self.config.api_keys[key]
        await respond_error(
            exchange,
            401,
            f"Authentication Fails, Your api key: {masked_key(key)} is invalid",
            "authentication_error",
        )
        return None

    def _trace_headers(self) -> list[tuple[str, str]]:
        return [("x-ds-trace-id", uuid.UUID(int=self.rng.getrandbits(128)).hex)]

    # -- endpoints -------------------------------------------------------------------------------

    async def list_models(self, exchange: Exchange) -> None:
        if await self._authenticate(exchange) is None:
            return
        data = [{"id": m.id, "object": "model", "owned_by": "deepseek"} for m in self.config.models]
        await exchange.respond_json(200, {"object": "list", "data": data}, self._trace_headers())

    async def user_balance(self, exchange: Exchange) -> None:
        if await self._authenticate(exchange) is None:
            return
        await exchange.respond_json(200, self.ledger.as_response(), self._trace_headers())

    async def chat_completions(self, exchange: Exchange) -> None:
        account = await self._authenticate(exchange)
        if account is None:
            return
        try:
            request, raw = parse_body(exchange.body, ChatRequest, self.config)
            chat = check_chat(request, raw, self.config, beta=exchange.path.startswith("/beta/"))
        except RequestRejected as rejected:
            await self._reject(exchange, rejected)
            return
        if not self.ledger.is_available():
            await respond_error(exchange, 402, "Insufficient Balance", "unknown_error")
            return
        model_id = chat.model.id
        if not self.limiter.try_acquire(account, model_id, chat.model.concurrency_limit):
            await respond_error(exchange, 429, "Rate Limit Reached", "rate_limit_error")
            return
        try:
            completion = self._complete(chat, exchange.fault)
            if chat.stream:
                await self._send_stream(exchange, chat, completion)
            else:
                await self._send_body(exchange, response_body(completion))
            self.ledger.charge(chat.model.price, completion.usage)
        finally:
            self.limiter.release(account, model_id)

    def _complete(self, chat: ResolvedChat, fault: Fault) -> Completion:
        messages = [m.model_dump(exclude_none=True) for m in chat.request.messages]
        last_user = next(
            (m.content or "" for m in reversed(chat.request.messages) if m.role == "user"), ""
        )
        hit = self.prefix_cache.hit_tokens(messages) if self.config.prefix_cache else 0
        return plan_completion(
            chat,
            scripted=self.replies.take(last_user),
            fault=fault,
            rng=self.rng,
            seed=self.config.seed,
            prompt_tokens=prompt_tokens(messages, chat.raw.get("tools")),
            cache_hit_tokens=hit,
            system_fingerprint=self.config.system_fingerprint,
        )

    def _queue_delay(self, fault: Fault) -> float:
        return fault.queue_delay_s if fault.queue_delay_s is not None else self.config.queue_delay_s

    async def _wait_in_queue(self, exchange: Exchange, *, streaming: bool) -> bool:
        delay = self._queue_delay(exchange.fault)
        if delay <= 0:
            return True
        if await wait_in_queue(
            exchange,
            delay_s=delay,
            interval_s=self.config.keepalive_interval_s,
            max_wait_s=self.config.max_queue_wait_s,
            streaming=streaming,
        ):
            return True
        exchange.close()
        return False

    async def _send_body(self, exchange: Exchange, body: dict[str, Any]) -> None:
        if self._queue_delay(exchange.fault) <= 0:
            await exchange.respond_json(200, body, self._trace_headers())
            return
        # Under load the status and headers go first, then blank lines, then the JSON.
        await exchange.start(200, [("content-type", "application/json"), *self._trace_headers()])
        if await self._wait_in_queue(exchange, streaming=False):
            await exchange.end(compact_json(body))

    async def _send_stream(
        self, exchange: Exchange, chat: ResolvedChat, completion: Completion
    ) -> None:
        await exchange.start(200, [*SSE_HEADERS, *self._trace_headers()])
        if not await self._wait_in_queue(exchange, streaming=True):
            return
        separate = self.config.usage_mode == "openai_separate_chunk"
        chunks = streaming.build_chunks(
            completion, include_usage=chat.include_usage, usage_mode=self.config.usage_mode
        )
        plan = streaming.plan_stream(
            chunks,
            exchange.fault.stream,
            has_finish_chunk=2 if separate and chat.include_usage else 1,
        )
        fault_delay = exchange.fault.chunk_delay_s
        delay = fault_delay if fault_delay is not None else self.config.chunk_delay_s
        await streaming.send_stream(exchange, plan, delay)

    async def fim_completions(self, exchange: Exchange) -> None:
        if await self._authenticate(exchange) is None:
            return
        try:
            request, _raw = parse_body(exchange.body, FimRequest, self.config)
            resolve_model(request.model, self.config)
        except RequestRejected as rejected:
            await self._reject(exchange, rejected)
            return
        text_pieces = pieces(fill_text(request.prompt, request.suffix))
        finish = "stop"
        if request.max_tokens is not None and len(text_pieces) > request.max_tokens:
            text_pieces, finish = text_pieces[: request.max_tokens], "length"
        prompt = count_text_tokens(request.prompt + (request.suffix or ""))
        usage = build_usage(
            prompt=prompt, hit=0, completion=len(text_pieces), reasoning=0, thinking=False
        )
        head = {
            "id": new_completion_id(self.rng),
            "object": "text_completion",
            "created": int(time.time()),
            "model": request.model,
        }
        if not request.stream:
            text = (request.prompt if request.echo else "") + "".join(text_pieces)
            choice = {"text": text, "index": 0, "logprobs": None, "finish_reason": finish}
            body = {
                **head,
                "choices": [choice],
                "usage": usage,
                "system_fingerprint": self.config.system_fingerprint,
            }
            await exchange.respond_json(200, body, self._trace_headers())
            return
        await exchange.start(200, [*SSE_HEADERS, *self._trace_headers()])
        for piece in text_pieces:
            choice = {"text": piece, "index": 0, "logprobs": None, "finish_reason": None}
            await exchange.write(b"data: " + compact_json({**head, "choices": [choice]}) + b"\n\n")
        final = {"text": "", "index": 0, "logprobs": None, "finish_reason": finish}
        await exchange.write(
            b"data: " + compact_json({**head, "choices": [final], "usage": usage}) + b"\n\n"
        )
        await exchange.end(streaming.DONE)

    # -- control API -----------------------------------------------------------------------------

    async def _control_list_replies(self, exchange: Exchange) -> None:
        await exchange.respond_json(
            200, [r.model_dump(mode="json") for r in self.replies.pending()]
        )

    async def _control_add_reply(self, exchange: Exchange) -> None:
        reply = self.replies.add(ScriptedReply.model_validate(self.control_body(exchange)))
        await exchange.respond_json(201, reply.model_dump(mode="json"))

    async def _control_clear_replies(self, exchange: Exchange) -> None:
        self.replies.clear()
        await exchange.respond_json(200, {"ok": True})

    async def _control_get_balance(self, exchange: Exchange) -> None:
        await exchange.respond_json(200, self.ledger.as_response())

    async def _control_set_balance(self, exchange: Exchange) -> None:
        self.ledger = Ledger(_BALANCES.validate_python(self.control_body(exchange)))
        await exchange.respond_json(200, self.ledger.as_response())


def create_app(config: DeepSeekConfig | None = None) -> DeepSeekSimulator:
    """The DeepSeek simulator as an ASGI app."""
    return DeepSeekSimulator(config or DeepSeekConfig())
