"""Engine and session factory, built from settings; owned by the app's lifespan."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.ext.asyncio import AsyncSession as AsyncSession

from shipdeck.settings import DatabaseSettings


def create_engine(url: str, settings: DatabaseSettings) -> AsyncEngine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url, settings)
    connect_args: dict[str, Any] = {
        "connect_timeout": max(1, round(settings.connect_timeout_seconds)),
        # A statement (or a dead connection) that outlives this fails instead of hanging.
        "read_timeout": settings.statement_timeout_seconds,
    }
    return create_async_engine(
        url,
        echo=settings.echo,
        # Pre-ping and recycle let the pool recover by itself after a failover or restart.
        pool_pre_ping=True,
        pool_recycle=settings.pool_recycle_seconds,
        pool_size=settings.pool_size,
        max_overflow=settings.max_overflow,
        pool_timeout=settings.pool_timeout_seconds,
        connect_args=connect_args,
        # Each statement sees what others have committed, so a check made after taking a row
        # lock (shipdeck.db.locking) sees the previous holder's writes.
        isolation_level="READ COMMITTED",
    )


def _sqlite_engine(url: str, settings: DatabaseSettings) -> AsyncEngine:
    database = make_url(url).database
    if database and database != ":memory:":
        from pathlib import Path

        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_async_engine(
        url,
        echo=settings.echo,
        pool_pre_ping=True,
        pool_size=settings.pool_size,
        max_overflow=settings.max_overflow,
        pool_timeout=settings.pool_timeout_seconds,
        connect_args={"timeout": settings.statement_timeout_seconds},
    )

    @event.listens_for(engine.sync_engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        # WAL lets readers proceed while one writer commits; foreign keys are off by default.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    return engine


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)
