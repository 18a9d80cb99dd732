"""Alembic environment: runs on the connection `shipdeck.db.migrate` hands over (which holds the
migration lock), or on one opened from settings for `alembic` commands during development."""

from __future__ import annotations

import asyncio
from typing import Any

from alembic import context
from sqlalchemy.engine import Connection

from shipdeck.db.models import Base

target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def _run_online() -> None:
    connection: Any = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    from shipdeck.db.engine import create_engine
    from shipdeck.settings import Settings

    settings = Settings()

    async def run() -> None:
        engine = create_engine(settings.database_url, settings.database)
        async with engine.connect() as conn:
            await conn.run_sync(_run)
        await engine.dispose()

    asyncio.run(run())


if context.is_offline_mode():
    raise SystemExit("offline SQL generation is not supported; run against a database")
_run_online()
