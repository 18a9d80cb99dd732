from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query
from sse_starlette import EventSourceResponse, ServerSentEvent

from shipdeck.deps import ResourcesDep
from shipdeck.dynamo.table import Table
from shipdeck.errors import BadRequest, InvalidCursor, error_responses
from shipdeck.http.pagination import Page, PageParams, decode_cursor, encode_cursor, page_params
from shipdeck.lifecycle import Lifecycle
from shipdeck.observability.logs import get_logger
from shipdeck.projects.deps import ProjectViewer
from shipdeck.settings import TimelineSettings
from shipdeck.timeline import repository
from shipdeck.timeline.hub import SubscriberTooSlow, TimelineHub
from shipdeck.timeline.schemas import EventOut

router = APIRouter(tags=["timeline"])
log = get_logger(__name__)
Paging = Annotated[PageParams, Depends(page_params)]
_EVENT_ID = re.compile(r"^\d{1,18}$")
# How often a stream checks whether the server is shutting down.
STOP_CHECK_SECONDS = 1.0


class InvalidLastEventId(BadRequest):
    code = "invalid_last_event_id"
    message = "Last-Event-ID must be an event id from this timeline."


@router.get("/api/projects/{project_id}/events", responses=error_responses(400, 401, 404, 503))
async def list_events(
    access: ProjectViewer, resources: ResourcesDep, paging: Paging
) -> Page[EventOut]:
    """The project's timeline, newest first."""
    before = None
    if paging.cursor:
        value = decode_cursor(paging.cursor, arity=1)[0]
        if not isinstance(value, int) or value < 0:
            raise InvalidCursor
        before = value
    events = await repository.page(
        resources.table, access.project.id, before=before, limit=paging.limit + 1
    )
    items = [EventOut.model_validate(e) for e in events[: paging.limit]]
    more = len(events) > paging.limit
    return Page(items=items, next_cursor=encode_cursor([int(items[-1].id)]) if more else None)


@router.get(
    "/api/projects/{project_id}/events/stream",
    responses={
        200: {"content": {"text/event-stream": {}}, "description": "Server-Sent Events"},
        **error_responses(400, 401, 404, 503),
    },
)
async def stream_events(
    access: ProjectViewer,
    resources: ResourcesDep,
    last_event_id: Annotated[str | None, Header(alias="Last-Event-ID")] = None,
    resume_after: Annotated[
        str | None, Query(alias="last_event_id", description="Same as the Last-Event-ID header.")
    ] = None,
) -> EventSourceResponse:
    """Live timeline. Each event carries `id:`; a reconnecting client sends the last one it saw
    (`Last-Event-ID`) and receives everything after it. Comments keep idle connections open."""
    raw = last_event_id or resume_after
    if raw is not None and not _EVENT_ID.match(raw.strip()):
        raise InvalidLastEventId
    table = resources.table
    project_id = access.project.id
    # Read before the response starts, so an unreachable DynamoDB is a clean 503.
    newest = await repository.latest_seq(table, project_id)
    start = int(raw) if raw is not None else newest
    settings = resources.settings.timeline
    return EventSourceResponse(
        _events(
            resources.timeline, table, settings, resources.lifecycle, project_id, start, newest
        ),
        ping=settings.heartbeat_seconds,
        ping_message_factory=lambda: ServerSentEvent(comment="heartbeat", sep="\n"),
        sep="\n",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


def _sse(event: dict[str, Any]) -> ServerSentEvent:
    body = EventOut.model_validate(event).model_dump(mode="json")
    return ServerSentEvent(data=json.dumps(body), id=body["id"], sep="\n")


async def _events(
    hub: TimelineHub,
    table: Table,
    settings: TimelineSettings,
    lifecycle: Lifecycle,
    project_id: str,
    last: int,
    newest: int,
) -> AsyncIterator[ServerSentEvent]:
    # Subscribe first, then replay: whatever commits during the replay arrives through the
    # subscription, and duplicates are dropped by number.
    subscription = hub.subscribe(project_id, newest=newest)
    try:
        yield ServerSentEvent(retry=settings.retry_milliseconds, comment="connected", sep="\n")
        while True:
            replay = await repository.after(table, project_id, seq=last)
            for event in replay:
                last = int(event["id"])
                yield _sse(event)
            if len(replay) < 100:
                break
        while not lifecycle.stopping.is_set():
            live = await subscription.next(STOP_CHECK_SECONDS)
            if live is not None and int(live["id"]) > last:
                last = int(live["id"])
                yield _sse(live)
        # The server is stopping: tell the browser to come back soon (to another server).
        yield ServerSentEvent(
            event="reconnect", data="{}", retry=settings.retry_milliseconds, sep="\n"
        )
    except SubscriberTooSlow:
        log.info("slow timeline subscriber dropped", project_id=project_id)
    except asyncio.CancelledError:
        raise
    except Exception as exc:
        log.warning("timeline stream ended", project_id=project_id, error=type(exc).__name__)
        yield ServerSentEvent(
            event="error",
            data=json.dumps({"error": {"code": "stream_interrupted", "message": "Reconnecting."}}),
            retry=settings.retry_milliseconds,
            sep="\n",
        )
    finally:
        hub.unsubscribe(subscription)
