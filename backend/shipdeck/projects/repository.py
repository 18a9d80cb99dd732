from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from shipdeck.projects.models import Environment, Project


async def get_project(session: AsyncSession, project_id: str) -> Project | None:
    return await session.get(Project, project_id)


async def get_environment(session: AsyncSession, environment_id: str) -> Environment | None:
    return await session.get(Environment, environment_id)


async def slug_exists(session: AsyncSession, team_id: str, slug: str) -> bool:
    query = select(Project.id).where(Project.team_id == team_id, Project.slug == slug)
    return (await session.execute(query)).first() is not None


async def environment_name_exists(session: AsyncSession, project_id: str, name: str) -> bool:
    query = select(Environment.id).where(
        Environment.project_id == project_id, Environment.name == name
    )
    return (await session.execute(query)).first() is not None


async def list_projects(
    session: AsyncSession, team_id: str, *, after: str | None, limit: int
) -> Sequence[Project]:
    query = select(Project).where(Project.team_id == team_id).order_by(Project.id).limit(limit)
    if after is not None:
        query = query.where(Project.id > after)
    return (await session.execute(query)).scalars().all()


async def list_environments(
    session: AsyncSession, project_id: str, *, after: str | None, limit: int
) -> Sequence[Environment]:
    query = (
        select(Environment)
        .where(Environment.project_id == project_id)
        .order_by(Environment.id)
        .limit(limit)
    )
    if after is not None:
        query = query.where(Environment.id > after)
    return (await session.execute(query)).scalars().all()
