"""Teams and membership: who may see and do what."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from shipdeck.auth import repository as users
from shipdeck.auth.models import User
from shipdeck.auth.service import normalize_email
from shipdeck.errors import Forbidden
from shipdeck.ids import is_valid_id
from shipdeck.teams import repository
from shipdeck.teams.errors import (
    AlreadyMember,
    LastOwner,
    MemberNotFound,
    TeamNotFound,
    UserNotFound,
)
from shipdeck.teams.models import Membership, Role, Team


@dataclass(frozen=True, slots=True)
class TeamAccess:
    team: Team
    role: Role
    user: User


async def access(
    session: AsyncSession, user: User, team_id: str, minimum: Role, *, lock: bool = False
) -> TeamAccess:
    """The caller's access to a team. Not a member: 404, so a team's existence never leaks.
    A member below the required role: 403."""
    found = (
        await repository.get_team_with_role(session, team_id, user.id, lock=lock)
        if is_valid_id(team_id)
        else None
    )
    if found is None:
        raise TeamNotFound
    team, role = found
    require(role, minimum)
    return TeamAccess(team=team, role=role, user=user)


def require(role: Role, minimum: Role) -> None:
    if not role.at_least(minimum):
        raise Forbidden(f"This needs the {minimum.value} role or higher; you are {role.value}.")


async def create_team(session: AsyncSession, user: User, name: str) -> Team:
    return await repository.add_team(session, Team(name=name, created_by=user.id), user.id)


async def add_member(
    session: AsyncSession, team: Team, email: str, role: Role
) -> tuple[Membership, User]:
    user = await users.get_by_email(session, normalize_email(email))
    if user is None:
        raise UserNotFound
    if await repository.get_membership(session, team.id, user.id) is not None:
        raise AlreadyMember
    try:
        membership = await repository.add_membership(
            session, Membership(team_id=team.id, user_id=user.id, role=role.value)
        )
    except IntegrityError as exc:  # added concurrently
        raise AlreadyMember from exc
    return membership, user


async def _member(session: AsyncSession, team: Team, user_id: str) -> tuple[Membership, User]:
    membership = (
        await repository.get_membership(session, team.id, user_id) if is_valid_id(user_id) else None
    )
    user = await users.get_by_id(session, user_id) if membership else None
    if membership is None or user is None:
        raise MemberNotFound
    return membership, user


async def change_role(
    session: AsyncSession, team: Team, user_id: str, role: Role
) -> tuple[Membership, User]:
    membership, user = await _member(session, team, user_id)
    if membership.role == Role.owner.value and role != Role.owner:
        await _ensure_another_owner(session, team)
    membership.role = role.value
    await session.flush()
    return membership, user


async def remove_member(session: AsyncSession, team: Team, user_id: str) -> None:
    membership, _ = await _member(session, team, user_id)
    if membership.role == Role.owner.value:
        await _ensure_another_owner(session, team)
    await repository.delete_membership(session, membership)


async def _ensure_another_owner(session: AsyncSession, team: Team) -> None:
    if await repository.count_owners(session, team.id) <= 1:
        raise LastOwner
