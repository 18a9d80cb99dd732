from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response, status

from shipdeck.auth.deps import CurrentUser
from shipdeck.auth.models import User
from shipdeck.deps import SessionDep
from shipdeck.errors import error_responses
from shipdeck.http.pagination import Page, PageParams, decode_cursor, encode_cursor, page_params
from shipdeck.teams import repository, service
from shipdeck.teams.deps import TeamOwner, TeamViewer
from shipdeck.teams.models import Membership, Role, Team
from shipdeck.teams.schemas import MemberAdd, MemberOut, MemberUpdate, TeamCreate, TeamOut

router = APIRouter(tags=["teams"])
Paging = Annotated[PageParams, Depends(page_params)]


def team_out(team: Team, role: Role) -> TeamOut:
    return TeamOut(id=team.id, name=team.name, role=role, created_at=team.created_at)


def member_out(membership: Membership, user: User) -> MemberOut:
    return MemberOut(
        user_id=user.id,
        email=user.email,
        name=user.name,
        role=Role(membership.role),
        joined_at=membership.created_at,
    )


@router.get("/api/teams", responses=error_responses(400, 401))
async def list_teams(user: CurrentUser, db: SessionDep, paging: Paging) -> Page[TeamOut]:
    after = decode_cursor(paging.cursor, arity=1)[0] if paging.cursor else None
    rows = await repository.list_teams_of_user(db, user.id, after=after, limit=paging.limit + 1)
    items = [team_out(team, Role(role)) for team, role in rows[: paging.limit]]
    more = len(rows) > paging.limit
    return Page(items=items, next_cursor=encode_cursor([items[-1].id]) if more else None)


@router.post(
    "/api/teams", status_code=status.HTTP_201_CREATED, responses=error_responses(401, 403, 422)
)
async def create_team(body: TeamCreate, user: CurrentUser, db: SessionDep) -> TeamOut:
    team = await service.create_team(db, user, body.name)
    return team_out(team, Role.owner)


@router.get("/api/teams/{team_id}", responses=error_responses(401, 404))
async def get_team(access: TeamViewer) -> TeamOut:
    return team_out(access.team, access.role)


@router.get("/api/teams/{team_id}/members", responses=error_responses(400, 401, 404))
async def list_members(access: TeamViewer, db: SessionDep, paging: Paging) -> Page[MemberOut]:
    after = None
    if paging.cursor:
        created, user_id = decode_cursor(paging.cursor, arity=2)
        after = (str(created), str(user_id))
    rows = await repository.list_members(db, access.team.id, after=after, limit=paging.limit + 1)
    page = rows[: paging.limit]
    items = [member_out(m, u) for m, u in page]
    next_cursor = None
    if len(rows) > paging.limit:
        last = page[-1][0]
        next_cursor = encode_cursor([last.created_at.isoformat(), last.user_id])
    return Page(items=items, next_cursor=next_cursor)


@router.post(
    "/api/teams/{team_id}/members",
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(401, 403, 404, 409, 422),
)
async def add_member(body: MemberAdd, access: TeamOwner, db: SessionDep) -> MemberOut:
    membership, user = await service.add_member(db, access.team, body.email, body.role)
    return member_out(membership, user)


@router.patch(
    "/api/teams/{team_id}/members/{user_id}",
    responses=error_responses(401, 403, 404, 409, 422),
)
async def update_member(
    user_id: str, body: MemberUpdate, access: TeamOwner, db: SessionDep
) -> MemberOut:
    membership, user = await service.change_role(db, access.team, user_id, body.role)
    return member_out(membership, user)


@router.delete(
    "/api/teams/{team_id}/members/{user_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(401, 403, 404, 409),
)
async def remove_member(user_id: str, access: TeamViewer, db: SessionDep) -> Response:
    """Owners remove anyone; any member may remove themselves (leave the team)."""
    if user_id != access.user.id:
        service.require(access.role, Role.owner)
    await service.remove_member(db, access.team, user_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
