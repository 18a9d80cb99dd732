"""Schema migrations, safe when several replicas start at once.

Each replica takes a lock before asking Alembic to upgrade: MySQL's `GET_LOCK` (held by the very
connection that migrates), or an exclusive file lock beside an SQLite database. The first one in
migrates; the others wait, then find nothing left to do.
"""

from __future__ import annotations

import fcntl
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Connection, make_url

from shipdeck.db.engine import create_engine
from shipdeck.db.locking import named_lock
from shipdeck.observability.logs import get_logger
from shipdeck.settings import Settings

LOCK_WAIT_SECONDS = 300
log = get_logger(__name__)


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    config.set_main_option("file_template", "%%(year)d%%(month).2d%%(day).2d_%%(rev)s_%%(slug)s")
    return config


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


async def upgrade(settings: Settings, revision: str = "head") -> None:
    url = settings.database_url
    engine = create_engine(url, settings.database)
    started = time.monotonic()
    try:
        if make_url(url).get_backend_name() == "sqlite":
            with _file_lock(Path(str(make_url(url).database) + ".migrate.lock")):
                async with engine.connect() as conn:
                    await conn.run_sync(_upgrade, revision)
        else:
            lock = named_lock("migrations", engine.url)
            async with engine.connect() as conn:
                got = (
                    await conn.execute(
                        text("SELECT GET_LOCK(:name, :wait)"),
                        {"name": lock, "wait": LOCK_WAIT_SECONDS},
                    )
                ).scalar()
                if got != 1:
                    raise RuntimeError(f"could not take the migration lock in {LOCK_WAIT_SECONDS}s")
                try:
                    await conn.run_sync(_upgrade, revision)
                finally:
                    await conn.execute(text("SELECT RELEASE_LOCK(:name)"), {"name": lock})
    finally:
        await engine.dispose()
    log.info("migrations applied", revision=revision, seconds=round(time.monotonic() - started, 3))


def _upgrade(connection: Connection, revision: str) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, revision)
    connection.commit()


async def current_revision(settings: Settings) -> str | None:
    engine = create_engine(settings.database_url, settings.database)
    try:
        async with engine.connect() as conn:
            return await conn.run_sync(
                lambda sync: MigrationContext.configure(sync).get_current_revision()
            )
    finally:
        await engine.dispose()


@contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
