"""`ProjectViewer`/`ProjectMaintainer`/`ProjectOwner` and the same for environments: the
resource in the path, checked against the caller's role in its team."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends

from shipdeck.auth.deps import CurrentUser
from shipdeck.deps import SessionDep
from shipdeck.projects import service
from shipdeck.projects.service import EnvironmentAccess, ProjectAccess
from shipdeck.teams.models import Role


def project_member(minimum: Role) -> Callable[..., Awaitable[ProjectAccess]]:
    async def dependency(project_id: str, user: CurrentUser, db: SessionDep) -> ProjectAccess:
        return await service.project_access(db, user, project_id, minimum)

    return dependency


def environment_member(minimum: Role) -> Callable[..., Awaitable[EnvironmentAccess]]:
    async def dependency(
        environment_id: str, user: CurrentUser, db: SessionDep
    ) -> EnvironmentAccess:
        return await service.environment_access(db, user, environment_id, minimum)

    return dependency


ProjectViewer = Annotated[ProjectAccess, Depends(project_member(Role.viewer))]
ProjectMaintainer = Annotated[ProjectAccess, Depends(project_member(Role.maintainer))]
ProjectOwner = Annotated[ProjectAccess, Depends(project_member(Role.owner))]
EnvironmentViewer = Annotated[EnvironmentAccess, Depends(environment_member(Role.viewer))]
EnvironmentMaintainer = Annotated[EnvironmentAccess, Depends(environment_member(Role.maintainer))]
EnvironmentOwner = Annotated[EnvironmentAccess, Depends(environment_member(Role.owner))]
