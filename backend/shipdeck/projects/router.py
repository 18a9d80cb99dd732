from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response, status

from shipdeck.auth.models import User
from shipdeck.deps import SessionDep
from shipdeck.errors import error_responses
from shipdeck.http.pagination import Page, PageParams, decode_cursor, encode_cursor, page_params
from shipdeck.projects import repository, service
from shipdeck.projects.deps import (
    EnvironmentMaintainer,
    EnvironmentOwner,
    ProjectMaintainer,
    ProjectOwner,
    ProjectViewer,
)
from shipdeck.projects.schemas import (
    EnvironmentCreate,
    EnvironmentOut,
    EnvironmentUpdate,
    ProjectCreate,
    ProjectOut,
    ProjectUpdate,
)
from shipdeck.releases import repository as releases
from shipdeck.releases.schemas import ReleaseSummary
from shipdeck.teams.deps import TeamMaintainer, TeamViewer
from shipdeck.timeline.service import Actor

router = APIRouter(tags=["projects"])
Paging = Annotated[PageParams, Depends(page_params)]


def project_out(project: object) -> ProjectOut:
    return ProjectOut.model_validate(project, from_attributes=True)


def environment_out(environment: object) -> EnvironmentOut:
    return EnvironmentOut.model_validate(environment, from_attributes=True)


def _actor(user: User) -> Actor:
    return Actor(user.id, user.name)


def _summary(release: object | None) -> ReleaseSummary | None:
    return ReleaseSummary.model_validate(release, from_attributes=True) if release else None


def _after(paging: PageParams) -> str | None:
    return str(decode_cursor(paging.cursor, arity=1)[0]) if paging.cursor else None


@router.get("/api/teams/{team_id}/projects", responses=error_responses(400, 401, 404))
async def list_projects(access: TeamViewer, db: SessionDep, paging: Paging) -> Page[ProjectOut]:
    rows = await repository.list_projects(
        db, access.team.id, after=_after(paging), limit=paging.limit + 1
    )
    items = [project_out(p) for p in rows[: paging.limit]]
    more = len(rows) > paging.limit
    return Page(items=items, next_cursor=encode_cursor([items[-1].id]) if more else None)


@router.post(
    "/api/teams/{team_id}/projects",
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(401, 403, 404, 409, 422),
)
async def create_project(body: ProjectCreate, access: TeamMaintainer, db: SessionDep) -> ProjectOut:
    return project_out(
        await service.create_project(db, access.team.id, body, actor=_actor(access.user))
    )


@router.get("/api/projects/{project_id}", responses=error_responses(401, 404))
async def get_project(access: ProjectViewer) -> ProjectOut:
    return project_out(access.project)


@router.patch("/api/projects/{project_id}", responses=error_responses(401, 403, 404, 409, 422))
async def update_project(
    body: ProjectUpdate, access: ProjectMaintainer, db: SessionDep
) -> ProjectOut:
    return project_out(
        await service.update_project(db, access.project, body, actor=_actor(access.user))
    )


@router.delete(
    "/api/projects/{project_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(401, 403, 404),
)
async def delete_project(access: ProjectOwner, db: SessionDep) -> Response:
    await service.delete_project(db, access.project)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/api/projects/{project_id}/environments", responses=error_responses(400, 401, 404))
async def list_environments(
    access: ProjectViewer, db: SessionDep, paging: Paging
) -> Page[EnvironmentOut]:
    rows = await repository.list_environments(
        db, access.project.id, after=_after(paging), limit=paging.limit + 1
    )
    page = rows[: paging.limit]
    ids = [e.id for e in page]
    latest = await releases.latest_per_environment(db, ids, successful_deploys=False)
    deployed = await releases.latest_per_environment(db, ids, successful_deploys=True)
    items = [
        environment_out(e).model_copy(
            update={
                "last_release": _summary(latest.get(e.id)),
                "last_successful_deployment": _summary(deployed.get(e.id)),
            }
        )
        for e in page
    ]
    more = len(rows) > paging.limit
    return Page(items=items, next_cursor=encode_cursor([items[-1].id]) if more else None)


@router.post(
    "/api/projects/{project_id}/environments",
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(401, 403, 404, 409, 422),
)
async def create_environment(
    body: EnvironmentCreate, access: ProjectMaintainer, db: SessionDep
) -> EnvironmentOut:
    return environment_out(
        await service.create_environment(db, access.project, body, actor=_actor(access.user))
    )


@router.patch(
    "/api/environments/{environment_id}", responses=error_responses(401, 403, 404, 409, 422)
)
async def update_environment(
    body: EnvironmentUpdate, access: EnvironmentMaintainer, db: SessionDep
) -> EnvironmentOut:
    return environment_out(
        await service.update_environment(db, access.environment, body, actor=_actor(access.user))
    )


@router.delete(
    "/api/environments/{environment_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(401, 403, 404),
)
async def delete_environment(access: EnvironmentOwner, db: SessionDep) -> Response:
    await service.delete_environment(db, access.environment, actor=_actor(access.user))
    return Response(status_code=status.HTTP_204_NO_CONTENT)
