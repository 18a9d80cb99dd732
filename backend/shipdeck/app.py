"""The application factory. The lifespan opens the pools and clients once and closes them."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from sqlalchemy import exc as sa_exc
from starlette.exceptions import HTTPException as StarletteHTTPException

from shipdeck.assistant.router import router as assistant_router
from shipdeck.auth.passwords import make_hasher
from shipdeck.auth.router import router as auth_router
from shipdeck.db import migrate
from shipdeck.db.engine import create_engine, create_session_factory
from shipdeck.dynamo.table import DynamoTable, create_table, open_client
from shipdeck.errors import (
    Conflict,
    DatabaseUnavailable,
    InvalidJson,
    MethodNotAllowed,
    NotFound,
    ShipdeckError,
    ValidationFailed,
    error_payload,
    validation_details,
)
from shipdeck.health.router import router as health_router
from shipdeck.http.middleware import BodySizeLimitMiddleware, RequestContextMiddleware
from shipdeck.integrations.deepseek.client import DeepSeekClient
from shipdeck.integrations.sleakops.client import SleakOpsClient
from shipdeck.lifecycle import Lifecycle
from shipdeck.observability.logs import configure_logging, get_logger
from shipdeck.observability.metrics import MetricsEmitter
from shipdeck.projects.router import router as projects_router
from shipdeck.releases.reconciler import Reconciler
from shipdeck.releases.router import router as releases_router
from shipdeck.resources import Resources
from shipdeck.settings import Settings
from shipdeck.teams.router import router as teams_router
from shipdeck.timeline.hub import TimelineHub
from shipdeck.timeline.relay import OutboxRelay
from shipdeck.timeline.router import router as timeline_router

log = get_logger(__name__)
WORKER_STOP_SECONDS = 5.0


def operation_id(route: APIRoute) -> str:
    """Operation ids are the handler names (`list_teams`, `create_project`…): stable, so the
    web app's generated client does not churn."""
    return route.name


@asynccontextmanager
async def open_resources(settings: Settings) -> AsyncIterator[Resources]:
    async with AsyncExitStack() as stack:
        if settings.database.migrate_on_start:
            await migrate.upgrade(settings)
        engine = create_engine(settings.database_url, settings.database)
        stack.push_async_callback(engine.dispose)
        client = await open_client(settings.dynamodb, stack)
        if settings.dynamodb.create_table:
            await create_table(client, settings.dynamodb.table_name)
        metrics = MetricsEmitter()
        sessions = create_session_factory(engine)
        table = DynamoTable(client, settings.dynamodb.table_name)
        sleakops = SleakOpsClient(settings.sleakops, metrics)
        stack.push_async_callback(sleakops.aclose)
        deepseek = DeepSeekClient(settings.deepseek, metrics)
        stack.push_async_callback(deepseek.aclose)
        relay = OutboxRelay(
            engine=engine,
            sessions=sessions,
            table=table,
            settings=settings.releases,
            metrics=metrics,
        )
        timeline = TimelineHub(table, settings.timeline)
        stack.push_async_callback(timeline.close)
        yield Resources(
            settings=settings,
            engine=engine,
            sessions=sessions,
            table=table,
            hasher=make_hasher(settings.auth),
            metrics=metrics,
            lifecycle=Lifecycle(),
            sleakops=sleakops,
            deepseek=deepseek,
            relay=relay,
            reconciler=Reconciler(
                engine=engine,
                sessions=sessions,
                sleakops=sleakops,
                relay=relay,
                settings=settings.releases,
            ),
            timeline=timeline,
        )


@asynccontextmanager
async def background_workers(resources: Resources) -> AsyncIterator[None]:
    """The outbox relay and the reconciler, for as long as the app runs."""
    if not resources.settings.releases.background_workers:
        yield
        return
    stop = asyncio.Event()
    tasks = [
        asyncio.create_task(resources.relay.run(stop), name="outbox-relay"),
        asyncio.create_task(resources.reconciler.run(stop), name="reconciler"),
    ]
    try:
        yield
    finally:
        stop.set()
        _, pending = await asyncio.wait(tasks, timeout=WORKER_STOP_SECONDS)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    configure_logging(settings.log)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with open_resources(settings) as resources, background_workers(resources):
            app.state.resources = resources
            log.info("started", environment=settings.environment)
            yield
            resources.lifecycle.begin_drain()
        log.info("stopped")

    app = FastAPI(
        title="Shipdeck API",
        version="1.0.0",
        summary="Release console with an AI co-pilot: ship on SleakOps, understand with DeepSeek.",
        lifespan=lifespan,
        generate_unique_id_function=operation_id,
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    for router in (
        health_router,
        auth_router,
        teams_router,
        projects_router,
        releases_router,
        timeline_router,
        assistant_router,
    ):
        app.include_router(router)
    _install_error_handlers(app)

    origins = [o.rstrip("/") for o in settings.http.allowed_origins]
    if origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=origins,
            allow_credentials=True,
            allow_methods=["GET", "POST", "PATCH", "DELETE"],
            allow_headers=[
                "Authorization",
                "Content-Type",
                "Idempotency-Key",
                "Last-Event-ID",
                "X-Request-ID",
            ],
            expose_headers=["X-Request-ID", "Retry-After"],
            max_age=600,
        )
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=settings.http.max_body_bytes)
    app.add_middleware(
        RequestContextMiddleware, hsts=settings.http.public_url.startswith("https://")
    )
    if settings.http.static_dir:
        _mount_web_app(app, Path(settings.http.static_dir))
    return app


def _mount_web_app(app: FastAPI, directory: Path) -> None:
    if not (directory / "index.html").exists():
        log.warning("web app not built; serving the API only", directory=str(directory))
        return
    app.mount("/", StaticFiles(directory=directory, html=True), name="web")


def _render(exc: ShipdeckError) -> JSONResponse:
    return JSONResponse(
        error_payload(exc.code, exc.detail_message, exc.details),
        status_code=exc.status_code,
        headers=exc.headers or None,
    )


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ShipdeckError)
    async def shipdeck_error(_: Request, exc: ShipdeckError) -> JSONResponse:
        return _render(exc)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = list(exc.errors())
        if any(e.get("type") == "json_invalid" for e in errors):
            return _render(InvalidJson())
        return _render(ValidationFailed(details=validation_details(errors)))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 404:
            return _render(NotFound("No such endpoint."))
        if exc.status_code == 405:
            return _render(MethodNotAllowed())
        error = ShipdeckError(str(exc.detail))
        response = _render(error)
        response.status_code = exc.status_code
        return response

    @app.exception_handler(sa_exc.IntegrityError)
    async def integrity_error(_: Request, exc: sa_exc.IntegrityError) -> JSONResponse:
        log.warning("integrity error", error=str(exc.orig)[:200])
        return _render(Conflict())

    async def database_unavailable(_: Request, exc: Exception) -> JSONResponse:
        log.warning("database unavailable", error=type(exc).__name__, detail=str(exc)[:200])
        return _render(DatabaseUnavailable(headers={"Retry-After": "5"}))

    for error_type in _DATABASE_UNAVAILABLE:
        app.add_exception_handler(error_type, database_unavailable)


# Failures that mean "the database cannot be reached or is busy right now", not "bad request":
# a refused or dropped connection, a pool with no free connection in time, a statement timeout.
_DATABASE_UNAVAILABLE: tuple[type[Exception], ...] = (
    sa_exc.OperationalError,
    sa_exc.InterfaceError,
    sa_exc.TimeoutError,
    sa_exc.DisconnectionError,
    sa_exc.PendingRollbackError,
    ConnectionError,
    asyncio.TimeoutError,
    OSError,
)


def openapi_document(settings: Settings | None = None) -> dict[str, Any]:
    return create_app(settings or Settings()).openapi()
