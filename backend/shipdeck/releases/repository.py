from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, Select, and_, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from shipdeck.auth.models import User
from shipdeck.db.locking import lock_row
from shipdeck.releases.errors import ReleaseNotFound
from shipdeck.releases.models import Release, ReleaseKind, ReleaseState


def _with_requester() -> Select[Release, str]:
    return select(Release, User.name).join(User, User.id == Release.requested_by)


async def get(session: AsyncSession, release_id: str) -> tuple[Release, str] | None:
    row = (await session.execute(_with_requester().where(Release.id == release_id))).one_or_none()
    return (row[0], row[1]) if row else None


async def get_locked(session: AsyncSession, release_id: str) -> tuple[Release, str]:
    """The release, locked until the transaction ends, as last committed."""
    await lock_row(session, Release, release_id)
    found = await get(session, release_id)
    if found is None:
        raise ReleaseNotFound
    await session.refresh(found[0])
    return found


async def by_idempotency_key(
    session: AsyncSession, project_id: str, key: str
) -> tuple[Release, str] | None:
    query = _with_requester().where(
        Release.project_id == project_id, Release.idempotency_key == key
    )
    row = (await session.execute(query)).one_or_none()
    return (row[0], row[1]) if row else None


async def list_for_project(
    session: AsyncSession,
    project_id: str,
    *,
    before: str | None,
    limit: int,
    kind: ReleaseKind | None = None,
    environment_id: str | None = None,
) -> list[tuple[Release, str]]:
    query = _with_requester().order_by(Release.id.desc()).limit(limit)
    if environment_id is not None:
        query = query.where(Release.environment_id == environment_id)
    query = query.where(Release.project_id == project_id)
    if kind is not None:
        query = query.where(Release.kind == kind.value)
    if before is not None:
        query = query.where(Release.id < before)
    return [(r, name) for r, name in (await session.execute(query)).all()]


async def latest_per_environment(
    session: AsyncSession, environment_ids: Sequence[str], *, successful_deploys: bool
) -> dict[str, Release]:
    """The newest release of each environment (or its newest successful deployment)."""
    if not environment_ids:
        return {}
    conditions: list[ColumnElement[bool]] = [Release.environment_id.in_(environment_ids)]
    if successful_deploys:
        conditions += [
            Release.kind == ReleaseKind.deploy.value,
            Release.state == ReleaseState.created.value,
        ]
    newest = (
        select(Release.environment_id, func.max(Release.id).label("id"))
        .where(and_(*conditions))
        .group_by(Release.environment_id)
        .subquery()
    )
    rows = (
        await session.execute(select(Release).join(newest, newest.c.id == Release.id))
    ).scalars()
    return {r.environment_id: r for r in rows if r.environment_id}


async def due_for_poll(
    session: AsyncSession, now: datetime, *, limit: int, skip_locked: bool
) -> list[tuple[str, datetime]]:
    query = (
        select(Release.id, Release.next_poll_at)
        .where(Release.polling.is_(True), Release.next_poll_at <= now)
        .order_by(Release.next_poll_at)
        .limit(limit)
    )
    if skip_locked:
        # Processes polling together each take different rows instead of queueing on them.
        query = query.with_for_update(skip_locked=True)
    return [(rid, at) for rid, at in (await session.execute(query)).all() if at is not None]


async def claim(session: AsyncSession, release_id: str, seen: datetime, until: datetime) -> bool:
    """Takes a release for one poll: succeeds only if nobody else moved its schedule since."""
    result = await session.execute(
        update(Release)
        .where(Release.id == release_id, Release.next_poll_at == seen, Release.polling.is_(True))
        .values(next_poll_at=until)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]
