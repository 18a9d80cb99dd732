"""Row locks that mean the same thing on MySQL and SQLite.

MySQL: `SELECT … FOR UPDATE` locks the row until the transaction ends (the engine runs READ
COMMITTED, so reads after the lock see what the previous holder committed). SQLite has no row
locks: a no-op UPDATE takes its single database-wide write lock instead, which serializes the
same way (a writer that started reading before the holder committed gets "database is locked",
answered as a retryable 503).
"""

from __future__ import annotations

from sqlalchemy import URL, Column, Table, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase


async def lock_row(session: AsyncSession, model: type[DeclarativeBase], row_id: str) -> bool:
    """Locks one row by primary key `id` until the transaction ends; False if it does not exist."""
    table: Table = model.__table__  # type: ignore[assignment]
    id_column: Column[str] = table.c.id
    if session.get_bind().dialect.name == "sqlite":
        result = await session.execute(
            update(table).where(id_column == row_id).values(id=id_column)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]
    found = await session.execute(select(id_column).where(id_column == row_id).with_for_update())
    return found.first() is not None


def named_lock(purpose: str, url: URL) -> str:
    """A MySQL named lock for `purpose` in this database. Named locks are server-wide, so the
    database name is part of the name: two Shipdeck databases on one server never contend.
    (MySQL caps lock names at 64 characters.)"""
    return f"shipdeck.{purpose}.{url.database or ''}"[:64]
