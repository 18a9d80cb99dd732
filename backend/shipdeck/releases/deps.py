from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Header

from shipdeck.auth.deps import CurrentUser
from shipdeck.deps import ResourcesDep, SessionDep
from shipdeck.releases import service
from shipdeck.releases.errors import IdempotencyKeyRequired
from shipdeck.releases.service import ReleaseAccess, Starter
from shipdeck.teams.models import Role
from shipdeck.validation import IdempotencyKey


def release_member(minimum: Role) -> Callable[..., Awaitable[ReleaseAccess]]:
    async def dependency(release_id: str, user: CurrentUser, db: SessionDep) -> ReleaseAccess:
        return await service.release_access(db, user, release_id, minimum)

    return dependency


ReleaseViewer = Annotated[ReleaseAccess, Depends(release_member(Role.viewer))]


async def get_starter(resources: ResourcesDep, db: SessionDep) -> Starter:
    return Starter(
        session=db,
        sleakops=resources.sleakops,
        relay=resources.relay,
        settings=resources.settings.releases,
    )


StarterDep = Annotated[Starter, Depends(get_starter)]


async def idempotency_key(
    key: Annotated[
        IdempotencyKey | None,
        Header(
            alias="Idempotency-Key",
            description="Unique per action; send the same value when retrying it.",
        ),
    ] = None,
) -> str:
    if key is None:
        raise IdempotencyKeyRequired
    return key


IdempotencyKeyDep = Annotated[str, Depends(idempotency_key)]
