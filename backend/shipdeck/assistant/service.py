"""Gathering what the co-pilot needs to know, before the answer starts streaming."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from shipdeck.assistant import conversations, prompts
from shipdeck.assistant.errors import ConversationNotFound
from shipdeck.auth.models import User
from shipdeck.dynamo.table import Table
from shipdeck.ids import is_valid_id
from shipdeck.projects import service as projects
from shipdeck.projects.errors import ProjectNotFound
from shipdeck.projects.models import Environment, Project
from shipdeck.projects.service import ProjectAccess
from shipdeck.releases import repository as releases
from shipdeck.releases.models import Release
from shipdeck.settings import AssistantSettings
from shipdeck.teams.models import Role
from shipdeck.timeline import repository as timeline

RECENT_RELEASES = 10
# How far back the timeline is searched for a release's own events.
EVENTS_SCANNED = 200
RELEASE_NOTES_MAX = 50


async def environments(session: AsyncSession, project_id: str) -> list[Environment]:
    query = (
        select(Environment).where(Environment.project_id == project_id).order_by(Environment.name)
    )
    return list((await session.execute(query)).scalars())


async def context(
    session: AsyncSession,
    project: Project,
    settings: AssistantSettings,
    *,
    with_recent_releases: bool = True,
) -> str:
    envs = await environments(session, project.id)
    ids = [e.id for e in envs]
    latest = await releases.latest_per_environment(session, ids, successful_deploys=False)
    deployed = await releases.latest_per_environment(session, ids, successful_deploys=True)
    statuses = [prompts.EnvironmentStatus(e, latest.get(e.id), deployed.get(e.id)) for e in envs]
    recent = []
    if with_recent_releases:
        rows = await releases.list_for_project(
            session, project.id, before=None, limit=RECENT_RELEASES
        )
        recent = [r for r, _ in rows]
    return prompts.project_context(project, statuses, recent, budget=settings.max_prompt_chars // 3)


async def release_events(table: Table, release: Release) -> list[dict[str, Any]]:
    recent = await timeline.page(table, release.project_id, before=None, limit=EVENTS_SCANNED)
    return [e for e in reversed(recent) if e.get("release_id") == release.id]


async def releases_in_range(
    session: AsyncSession,
    project: Project,
    *,
    from_id: str | None,
    to_id: str | None,
    environment_id: str | None,
) -> list[Release]:
    query = select(Release).where(Release.project_id == project.id)
    if from_id:
        query = query.where(Release.id >= from_id)
    if to_id:
        query = query.where(Release.id <= to_id)
    if environment_id:
        query = query.where(Release.environment_id == environment_id)
    query = query.order_by(Release.id.desc()).limit(RELEASE_NOTES_MAX)
    return list((await session.execute(query)).scalars())


async def conversation_access(
    session: AsyncSession, table: Table, user: User, conversation_id: str, minimum: Role
) -> tuple[dict[str, Any], ProjectAccess]:
    """A conversation of another team answers 404, like one that does not exist."""
    item = await conversations.get(table, conversation_id) if is_valid_id(conversation_id) else None
    if item is None:
        raise ConversationNotFound
    try:
        access = await projects.project_access(session, user, item["project_id"], minimum)
    except ProjectNotFound as exc:
        raise ConversationNotFound from exc
    return item, access
