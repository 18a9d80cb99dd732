"""Writing timeline events: into the outbox, in the caller's transaction."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from shipdeck.db.base import utcnow
from shipdeck.db.locking import lock_row
from shipdeck.projects.models import Project
from shipdeck.timeline.models import OutboxEvent


@dataclass(frozen=True, slots=True)
class Actor:
    id: str
    name: str


async def lock_timeline(session: AsyncSession, project_id: str) -> None:
    """Takes the project's timeline for the rest of the transaction.

    A use case that inserts rows referencing the project and then records an event calls this
    first: on MySQL the inserts take a shared lock on the project row (the foreign-key check),
    and two such transactions upgrading to the exclusive lock `record` needs would deadlock.
    """
    await lock_row(session, Project, project_id)


async def record(
    session: AsyncSession,
    *,
    project_id: str,
    type: str,
    summary: str,
    actor: Actor | None = None,
    release_id: str | None = None,
    data: dict[str, Any] | None = None,
) -> OutboxEvent:
    """Adds an event to the project's timeline as part of the current transaction.

    The project row is locked while its sequence number is taken, so a project's events are
    numbered in the order their transactions commit; readers resume after a number and never
    miss an event committed later with a smaller one.
    """
    await lock_timeline(session, project_id)
    await session.execute(
        update(Project).where(Project.id == project_id).values(event_seq=Project.event_seq + 1)
    )
    seq = (
        await session.execute(select(Project.event_seq).where(Project.id == project_id))
    ).scalar_one()
    at = utcnow()
    payload = {
        "id": str(seq),
        "project_id": project_id,
        "type": type,
        "at": at.isoformat(),
        "actor": {"id": actor.id, "name": actor.name} if actor else None,
        "release_id": release_id,
        "summary": summary,
        "data": data or {},
    }
    event = OutboxEvent(
        project_id=project_id, seq=seq, type=type, payload=json.dumps(payload), created_at=at
    )
    session.add(event)
    await session.flush()
    return event
