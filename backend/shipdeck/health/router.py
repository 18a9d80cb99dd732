"""`/healthz`: the process answers. `/readyz`: it can serve — both databases answer within a
short deadline and it is not draining. The load balancer routes by readiness only."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Literal

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import text

from shipdeck.deps import ResourcesDep
from shipdeck.observability.logs import get_logger
from shipdeck.resources import Resources
from shipdeck.runtime_contract import LIVENESS_PATH, READINESS_PATH

CHECK_TIMEOUT_SECONDS = 1.5
router = APIRouter(tags=["health"])
log = get_logger(__name__)

CheckState = Literal["ok", "unavailable", "skipped"]


class Liveness(BaseModel):
    status: Literal["ok"]


class Readiness(BaseModel):
    status: Literal["ready", "unavailable", "draining"]
    checks: dict[str, CheckState]


@router.get(LIVENESS_PATH)
async def liveness() -> Liveness:
    return Liveness(status="ok")


async def _database(resources: Resources) -> None:
    async with resources.engine.connect() as conn:
        await conn.execute(text("SELECT 1"))


async def _check(name: str, probe: Awaitable[None]) -> CheckState:
    try:
        await asyncio.wait_for(probe, CHECK_TIMEOUT_SECONDS)
        return "ok"
    except Exception as exc:
        log.warning("readiness check failed", check=name, error=type(exc).__name__)
        return "unavailable"


@router.get(READINESS_PATH, responses={503: {"model": Readiness}})
async def readiness(resources: ResourcesDep) -> JSONResponse:
    if resources.lifecycle.draining:
        body = Readiness(status="draining", checks={"database": "skipped", "dynamodb": "skipped"})
        return JSONResponse(body.model_dump(), status_code=503)
    database, dynamodb = await asyncio.gather(
        _check("database", _database(resources)), _check("dynamodb", resources.table.ping())
    )
    checks: dict[str, CheckState] = {"database": database, "dynamodb": dynamodb}
    ok = all(state == "ok" for state in checks.values())
    body = Readiness(status="ready" if ok else "unavailable", checks=checks)
    return JSONResponse(body.model_dump(), status_code=200 if ok else 503)
