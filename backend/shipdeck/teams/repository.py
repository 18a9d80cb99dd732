from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from shipdeck.auth.models import User
from shipdeck.db.locking import lock_row
from shipdeck.teams.models import Membership, Role, Team


async def get_team_with_role(
    session: AsyncSession, team_id: str, user_id: str, *, lock: bool = False
) -> tuple[Team, Role] | None:
    if lock:
        # Serializes membership changes of one team (the last-owner rule counts owners).
        await lock_row(session, Team, team_id)
    query = (
        select(Team, Membership.role)
        .join(Membership, Membership.team_id == Team.id)
        .where(Team.id == team_id, Membership.user_id == user_id)
    )
    row = (await session.execute(query)).one_or_none()
    return (row[0], Role(row[1])) if row else None


async def list_teams_of_user(
    session: AsyncSession, user_id: str, *, after: str | None, limit: int
) -> list[tuple[Team, str]]:
    query = (
        select(Team, Membership.role)
        .join(Membership, Membership.team_id == Team.id)
        .where(Membership.user_id == user_id)
        .order_by(Team.id)
        .limit(limit)
    )
    if after is not None:
        query = query.where(Team.id > after)
    return [(team, role) for team, role in (await session.execute(query)).all()]


async def add_team(session: AsyncSession, team: Team, owner_id: str) -> Team:
    session.add(team)
    await session.flush()
    session.add(Membership(team_id=team.id, user_id=owner_id, role=Role.owner.value))
    await session.flush()
    return team


async def get_membership(session: AsyncSession, team_id: str, user_id: str) -> Membership | None:
    return await session.get(Membership, (team_id, user_id))


async def list_members(
    session: AsyncSession, team_id: str, *, after: tuple[str, str] | None, limit: int
) -> list[tuple[Membership, User]]:
    query = (
        select(Membership, User)
        .join(User, User.id == Membership.user_id)
        .where(Membership.team_id == team_id)
        .order_by(Membership.created_at, Membership.user_id)
        .limit(limit)
    )
    if after is not None:
        created, user_id = datetime.fromisoformat(after[0]), after[1]
        query = query.where(
            or_(
                Membership.created_at > created,
                and_(Membership.created_at == created, Membership.user_id > user_id),
            )
        )
    return [(membership, user) for membership, user in (await session.execute(query)).all()]


async def count_owners(session: AsyncSession, team_id: str) -> int:
    query = select(func.count()).where(
        Membership.team_id == team_id, Membership.role == Role.owner.value
    )
    return int((await session.execute(query)).scalar_one())


async def add_membership(session: AsyncSession, membership: Membership) -> Membership:
    session.add(membership)
    await session.flush()
    return membership


async def delete_membership(session: AsyncSession, membership: Membership) -> None:
    await session.delete(membership)
    await session.flush()
