"""DeepSeek through the official `openai` SDK, streaming.

`open_stream` connects and waits for the first chunk before it returns, so every failure that
happens before any text (refused key, overload, queueing past the deadline, an immediate error)
is an exception the API can answer as a clean 503; only then does the caller commit to a stream.
Up to that point a failed attempt is retried (the SDK's own retries are off: it would honour a
server's `Retry-After` of up to two minutes). After it, nothing is retried: text already shown
cannot be taken back.

The SDK does not flag every broken stream: one that ends without a `finish_reason` just stops,
and a malformed chunk raises `json.JSONDecodeError`, outside its exception family. Both are
handled here (external-apis.md §1.10, §4).
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Any

import httpx2
import openai
import stamina
from openai import AsyncOpenAI

from shipdeck.integrations.deepseek.errors import AiRejected, AiUnavailable
from shipdeck.integrations.resilience import BreakerOpen, BulkheadFull, CallRecord, Guard
from shipdeck.observability.logs import get_logger
from shipdeck.observability.metrics import MetricsEmitter
from shipdeck.settings import DeepSeekSettings

log = get_logger(__name__)

Message = dict[str, Any]
# A model that stops for these reasons produced a complete answer.
COMPLETE = frozenset({"stop", "length"})


@dataclass(frozen=True, slots=True)
class Usage:
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int


@dataclass(frozen=True, slots=True)
class TextDelta:
    text: str


@dataclass(frozen=True, slots=True)
class Finished:
    finish_reason: str
    usage: Usage | None


StreamEvent = TextDelta | Finished


class _Retryable(Exception):
    """A failure before the first chunk that another attempt may not meet."""


def _before_text_failure(exc: BaseException) -> BaseException:
    """The error a failed attempt stands for: retryable (overload, timeouts, broken answers)
    or final (a refused key, no credit, a request DeepSeek cannot take)."""
    if isinstance(exc, openai.RateLimitError | openai.InternalServerError):
        return _Retryable(f"The AI service is overloaded ({exc.status_code}).")
    if isinstance(exc, openai.APITimeoutError | TimeoutError):
        return _Retryable("The AI service did not start answering in time.")
    if isinstance(exc, openai.APIConnectionError):
        return _Retryable("The AI service could not be reached.")
    if isinstance(exc, openai.AuthenticationError):
        return AiUnavailable(
            "The AI service refused Shipdeck's API key; an administrator must check it.",
            details={"reason": "authentication"},
        )
    if isinstance(exc, openai.APIStatusError):
        if exc.status_code == 402:
            return AiUnavailable(
                "The AI service account has run out of credit.",
                details={"reason": "insufficient_balance"},
            )
        if exc.status_code in (400, 404, 422):
            return AiRejected(details={"status": exc.status_code})
        return _Retryable(f"The AI service answered {exc.status_code}.")
    if isinstance(exc, openai.APIError | json.JSONDecodeError | httpx2.HTTPError):
        return _Retryable("The AI service sent a broken answer.")
    return exc


class DeepSeekClient:
    def __init__(
        self,
        settings: DeepSeekSettings,
        metrics: MetricsEmitter,
        *,
        http_client: httpx2.AsyncClient | None = None,
    ) -> None:
        self._settings = settings
        self._sdk = AsyncOpenAI(
            api_key=settings.api_key.get_secret_value() or "missing",
            base_url=settings.base_url,
            timeout=openai.Timeout(
                settings.read_timeout_seconds, connect=settings.connect_timeout_seconds
            ),
            max_retries=0,
            http_client=http_client,
        )
        self.guard = Guard("deepseek", settings, metrics, not_failures=(AiRejected,))

    async def aclose(self) -> None:
        await self._sdk.close()

    def check_available(self) -> None:
        """Fails at once while the breaker is open, so an endpoint does not build a prompt (SQL
        and DynamoDB reads) for a call that would be refused."""
        if self.guard.refusing:
            raise AiUnavailable(
                "The AI service failed repeatedly; it is paused for a few seconds.",
                details={"reason": "breaker_open"},
            )

    async def open_stream(
        self, messages: Sequence[Message], *, max_tokens: int, user_id: str | None = None
    ) -> ChatStream:
        context = self.guard.call("chat")
        try:
            record = await context.__aenter__()
        except BreakerOpen as exc:
            raise AiUnavailable(
                "The AI service failed repeatedly; it is paused for a few seconds.",
                details={"reason": "breaker_open"},
            ) from exc
        except BulkheadFull as exc:
            raise AiUnavailable(
                "Too many AI answers are being written right now; try again shortly.",
                details={"reason": "busy"},
            ) from exc
        stream = ChatStream(self._settings, context, record)
        try:
            await stream.start(self._sdk, messages, max_tokens=max_tokens, user_id=user_id)
        except BaseException as exc:
            await context.__aexit__(type(exc), exc, exc.__traceback__)
            raise
        return stream


class ChatStream:
    """An answer being streamed; iterate it for `TextDelta`s and one final `Finished`."""

    def __init__(self, settings: DeepSeekSettings, context: Any, record: CallRecord) -> None:
        self._settings = settings
        self._context = context
        self._record = record
        self._chunks: AsyncIterator[Any] | None = None
        self._response: Any = None
        self._first: list[StreamEvent] = []
        self._usage: Usage | None = None
        self._finish: str | None = None
        self.started_at = time.monotonic()
        self.first_token_at: float | None = None
        self.text = ""

    @property
    def usage(self) -> Usage | None:
        return self._usage

    async def start(
        self,
        sdk: AsyncOpenAI,
        messages: Sequence[Message],
        *,
        max_tokens: int,
        user_id: str | None,
    ) -> None:
        settings = self._settings
        extra: dict[str, Any] = {
            "thinking": {"type": "enabled" if settings.thinking else "disabled"}
        }
        if user_id:
            extra["user_id"] = user_id
        try:
            # Every attempt and every wait between them fit in the first-token deadline.
            async with asyncio.timeout(settings.first_token_timeout_seconds):
                async for attempt in stamina.retry_context(
                    on=_Retryable,
                    attempts=settings.retry_attempts,
                    wait_initial=settings.retry_initial_wait_seconds,
                    wait_max=settings.retry_max_wait_seconds,
                ):
                    with attempt:
                        self._record.retries = attempt.num - 1
                        await self._attempt(sdk, messages, max_tokens, extra)
        except _Retryable as exc:
            raise AiUnavailable(str(exc) or AiUnavailable.message) from exc
        except TimeoutError as exc:
            await self._discard()
            raise AiUnavailable(
                "The AI service did not start answering in time.", details={"reason": "timeout"}
            ) from exc

    async def _attempt(
        self, sdk: AsyncOpenAI, messages: Sequence[Message], max_tokens: int, extra: dict[str, Any]
    ) -> None:
        self._first = []
        try:
            self._response = await sdk.chat.completions.create(  # type: ignore[call-overload]
                model=self._settings.model,
                messages=list(messages),
                max_tokens=max_tokens,
                stream=True,
                stream_options={"include_usage": True},
                extra_body=extra,
            )
            self._chunks = self._response.__aiter__()
            # Wait for text (or the end) so that a failure before any text is still
            # a clean error for the caller.
            while not self._first:
                event = await self._next_event()
                if event is None:
                    raise _Retryable("The AI service closed the answer before any text.")
                self._first.append(event)
                if isinstance(event, Finished):
                    if event.finish_reason not in COMPLETE:
                        self._raise_for_finish(event.finish_reason, before_text=True)
                    raise _Retryable("The AI service returned an empty answer.")
        except BaseException as exc:
            # Whatever went wrong, this attempt's connection is closed before the next one.
            await self._discard()
            translated = _before_text_failure(exc)
            if translated is exc:
                raise
            raise translated from exc

    def _raise_for_finish(self, reason: str, *, before_text: bool) -> None:
        if reason == "insufficient_system_resource":
            message = "The AI service ran out of capacity while answering."
            if before_text:
                raise _Retryable(message)
            raise AiUnavailable(message, details={"reason": reason})
        if reason == "content_filter":
            raise AiRejected(
                "The AI service declined to answer this request.", details={"reason": reason}
            )
        if reason == "tool_calls":  # not requested; nothing usable came back
            raise AiUnavailable(
                "The AI service answered in an unexpected form.", details={"reason": reason}
            )

    async def _next_event(self) -> StreamEvent | None:
        """The next text or the end; None when the stream stopped with no end marker."""
        assert self._chunks is not None
        while True:
            try:
                chunk = await self._chunks.__anext__()
            except StopAsyncIteration:
                return None
            if getattr(chunk, "usage", None):
                u = chunk.usage
                self._usage = Usage(u.prompt_tokens, u.completion_tokens, u.total_tokens)
            if getattr(chunk, "error", None):
                raise openai.APIError("error inside the stream", request=None, body=chunk.error)  # type: ignore[arg-type]
            for choice in chunk.choices or ():
                if choice.finish_reason:
                    self._finish = choice.finish_reason
                text = choice.delta.content if choice.delta else None
                if text:
                    if self.first_token_at is None:
                        self.first_token_at = time.monotonic()
                    self.text += text
                    return TextDelta(text)
            if self._finish is not None:
                # Usage may come on this chunk or on a separate one after it (both layouts).
                if self._usage is None:
                    await self._drain_for_usage()
                return Finished(self._finish, self._usage)

    async def _drain_for_usage(self) -> None:
        assert self._chunks is not None
        try:
            async with asyncio.timeout(self._settings.read_timeout_seconds):
                async for chunk in self._chunks:
                    if getattr(chunk, "usage", None):
                        u = chunk.usage
                        self._usage = Usage(u.prompt_tokens, u.completion_tokens, u.total_tokens)
                        return
        except Exception:  # usage is optional; the answer itself is complete
            return

    async def events(self) -> AsyncIterator[StreamEvent]:
        """The answer, after what `start` already received. Raises AiUnavailable if the stream
        breaks, stalls past the deadline or ends without a finish reason."""
        failure: BaseException | None = None
        try:
            remaining = self._settings.stream_deadline_seconds - (
                time.monotonic() - self.started_at
            )
            async with asyncio.timeout(max(remaining, 0.001)):
                for event in self._first:
                    yield event
                    if isinstance(event, Finished):
                        return
                while True:
                    try:
                        received = await self._next_event()
                    except (openai.APIError, json.JSONDecodeError, httpx2.HTTPError) as exc:
                        raise AiUnavailable(
                            "The AI answer was cut off by the service.",
                            details={"reason": type(exc).__name__},
                        ) from exc
                    if received is None:
                        raise AiUnavailable(
                            "The AI answer ended before it was complete.",
                            details={"reason": "truncated"},
                        )
                    if isinstance(received, Finished) and received.finish_reason not in COMPLETE:
                        self._raise_for_finish(received.finish_reason, before_text=False)
                    yield received
                    if isinstance(received, Finished):
                        return
        except TimeoutError as exc:
            failure = AiUnavailable(
                "The AI answer took too long and was stopped.", details={"reason": "deadline"}
            )
            raise failure from exc
        except BaseException as exc:
            failure = exc
            raise
        finally:
            await self._discard()
            await self._context.__aexit__(type(failure) if failure else None, failure, None)

    async def _discard(self) -> None:
        # Close the SDK's chunk generator explicitly, or the event loop finalizes it later.
        chunks, self._chunks = self._chunks, None
        if chunks is not None and hasattr(chunks, "aclose"):
            try:
                await chunks.aclose()
            except Exception as exc:
                log.debug("closing the AI chunk iterator failed", error=type(exc).__name__)
        if self._response is not None:
            try:
                await self._response.close()
            except Exception as exc:  # closing a broken connection may fail; nothing to do
                log.debug("closing the AI stream failed", error=type(exc).__name__)
            self._response = None
