from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from shipdeck.deps import SessionDep
from shipdeck.errors import error_responses
from shipdeck.http.pagination import Page, PageParams, decode_cursor, encode_cursor, page_params
from shipdeck.projects.deps import EnvironmentMaintainer, ProjectMaintainer, ProjectViewer
from shipdeck.releases import repository, service
from shipdeck.releases.deps import IdempotencyKeyDep, ReleaseViewer, StarterDep
from shipdeck.releases.models import ReleaseKind
from shipdeck.releases.schemas import BuildRequest, DeploymentRequest, ReleaseOut

router = APIRouter(tags=["releases"])
Paging = Annotated[PageParams, Depends(page_params)]
START_ERRORS = error_responses(400, 401, 403, 404, 409, 422, 503)


@router.post(
    "/api/projects/{project_id}/builds",
    status_code=status.HTTP_202_ACCEPTED,
    responses=START_ERRORS,
)
async def start_build(
    body: BuildRequest, access: ProjectMaintainer, starter: StarterDep, key: IdempotencyKeyDep
) -> ReleaseOut:
    """Starts a build on SleakOps. Repeating the request with the same Idempotency-Key returns
    the same release and never starts a second build."""
    return await service.start_build(
        starter, user=access.user, project=access.project, body=body, key=key
    )


@router.post(
    "/api/environments/{environment_id}/deployments",
    status_code=status.HTTP_202_ACCEPTED,
    responses=START_ERRORS,
)
async def start_deployment(
    body: DeploymentRequest,
    access: EnvironmentMaintainer,
    starter: StarterDep,
    key: IdempotencyKeyDep,
) -> ReleaseOut:
    """Deploys a build (or an image tag, `latest` by default) to the environment on SleakOps."""
    return await service.start_deployment(
        starter,
        user=access.user,
        project=access.project,
        environment=access.environment,
        body=body,
        key=key,
    )


@router.get("/api/projects/{project_id}/releases", responses=error_responses(400, 401, 404))
async def list_releases(
    access: ProjectViewer,
    db: SessionDep,
    paging: Paging,
    kind: Annotated[ReleaseKind | None, Query()] = None,
    environment_id: Annotated[str | None, Query(max_length=26)] = None,
) -> Page[ReleaseOut]:
    """Release history, newest first."""
    before = str(decode_cursor(paging.cursor, arity=1)[0]) if paging.cursor else None
    rows = await repository.list_for_project(
        db,
        access.project.id,
        before=before,
        limit=paging.limit + 1,
        kind=kind,
        environment_id=environment_id,
    )
    items = [service.release_out(r, name) for r, name in rows[: paging.limit]]
    more = len(rows) > paging.limit
    return Page(items=items, next_cursor=encode_cursor([items[-1].id]) if more else None)


@router.get("/api/releases/{release_id}", responses=error_responses(401, 404))
async def get_release(access: ReleaseViewer) -> ReleaseOut:
    return service.release_out(access.release, access.requester_name)
