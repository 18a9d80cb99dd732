"""`TeamViewer`, `TeamMaintainer`, `TeamOwner`: the team in the path, with the caller's role
checked (404 for non-members, 403 below the role)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request

from shipdeck.auth.deps import CurrentUser
from shipdeck.deps import SessionDep
from shipdeck.teams import service
from shipdeck.teams.models import Role
from shipdeck.teams.service import TeamAccess


def team_member(minimum: Role) -> Callable[..., Awaitable[TeamAccess]]:
    async def dependency(
        team_id: str, request: Request, user: CurrentUser, db: SessionDep
    ) -> TeamAccess:
        # Writes to membership lock the team row so concurrent role changes cannot both pass
        # the last-owner check.
        lock = request.method not in ("GET", "HEAD")
        return await service.access(db, user, team_id, minimum, lock=lock)

    return dependency


TeamViewer = Annotated[TeamAccess, Depends(team_member(Role.viewer))]
TeamMaintainer = Annotated[TeamAccess, Depends(team_member(Role.maintainer))]
TeamOwner = Annotated[TeamAccess, Depends(team_member(Role.owner))]
