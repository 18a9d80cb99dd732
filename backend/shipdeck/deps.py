"""Named dependencies for what every feature needs: the database session, the table, settings.

Dependencies are `async def` even when they do not await: FastAPI runs a plain `def` dependency
in a worker thread, a thread hop per request for what is an attribute lookup."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from shipdeck.dynamo.table import Table
from shipdeck.resources import Resources
from shipdeck.settings import Settings


async def get_resources(request: Request) -> Resources:
    resources: Resources = request.app.state.resources
    return resources


ResourcesDep = Annotated[Resources, Depends(get_resources)]


async def get_db(resources: ResourcesDep) -> AsyncIterator[AsyncSession]:
    """One transaction per request: committed when the handler returns, rolled back if it
    raises. Services only flush. Ends before the response is sent, so a failed commit is an
    error response, not a silent loss."""
    async with resources.sessions() as session:
        try:
            yield session
            await session.commit()
        except BaseException:
            await session.rollback()
            raise


SessionDep = Annotated[AsyncSession, Depends(get_db, scope="function")]


async def get_table(resources: ResourcesDep) -> Table:
    return resources.table


TableDep = Annotated[Table, Depends(get_table)]


async def get_settings(resources: ResourcesDep) -> Settings:
    return resources.settings


SettingsDep = Annotated[Settings, Depends(get_settings)]


async def client_address(request: Request) -> str:
    # Behind the load balancer, uvicorn's proxy-header support has already replaced this with
    # the X-Forwarded-For address, but only for trusted proxies (settings.http.trusted_proxies).
    return request.client.host if request.client else "unknown"


ClientAddress = Annotated[str, Depends(client_address)]
