"""A fresh, migrated relational database for every test.

The schema is migrated once per run into a template; each test then gets its own copy: a copied
file for SQLite, a new database built from the template's DDL for MySQL/MariaDB. No test ever
sees another's rows, and nothing depends on clean-up.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import shutil
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from shipdeck.db import migrate
from shipdeck.db.models import Base
from shipdeck.settings import DatabaseSettings, Settings

DEFAULT_MYSQL_URL = "mysql+asyncmy://root@127.0.0.1:3306/test?charset=utf8mb4"


def backend_name() -> str:
    return os.environ.get("SHIPDECK_TEST_DATABASE", "sqlite")


class SqliteDatabases:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.template = root / "template.sqlite3"
        self._counter = itertools.count()

    def prepare(self) -> None:
        settings = Settings(database=DatabaseSettings(url=self.url_for(self.template)))
        asyncio.run(migrate.upgrade(settings))

    @staticmethod
    def url_for(path: Path) -> str:
        return f"sqlite+aiosqlite:///{path}"

    async def create(self) -> str:
        path = self.root / f"test_{next(self._counter)}.sqlite3"
        shutil.copyfile(self.template, path)
        return self.url_for(path)

    async def drop(self, url: str) -> None:
        Path(str(make_url(url).database)).unlink(missing_ok=True)


class MysqlDatabases:
    def __init__(self, server_url: str) -> None:
        self.server = make_url(server_url)
        self.prefix = f"sdt_{os.getpid()}"
        self.template = f"{self.prefix}_tpl"
        self._counter = itertools.count()
        self._ddl: list[str] = []
        self._version: str | None = None

    def url_for(self, database: str) -> str:
        return self.server.set(database=database).render_as_string(hide_password=False)

    def prepare(self) -> None:
        asyncio.run(self._prepare())

    async def _prepare(self) -> None:
        await self._admin(f"DROP DATABASE IF EXISTS `{self.template}`")
        await self._admin(
            f"CREATE DATABASE `{self.template}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
        )
        settings = Settings(database=DatabaseSettings(url=self.url_for(self.template)))
        await migrate.upgrade(settings)
        engine = create_async_engine(self.url_for(self.template))
        async with engine.connect() as conn:
            for table in [t.name for t in Base.metadata.sorted_tables] + ["alembic_version"]:
                row = (await conn.execute(text(f"SHOW CREATE TABLE `{table}`"))).one()
                self._ddl.append(row[1])
            self._version = (
                await conn.execute(text("SELECT version_num FROM alembic_version"))
            ).scalar_one()
        await engine.dispose()

    async def _admin(self, statement: str) -> None:
        engine = create_async_engine(self.url_for(""))
        async with engine.begin() as conn:
            await conn.execute(text(statement))
        await engine.dispose()

    async def create(self) -> str:
        name = f"{self.prefix}_{next(self._counter)}"
        engine = create_async_engine(self.url_for(""))
        async with engine.begin() as conn:
            await conn.execute(text(f"DROP DATABASE IF EXISTS `{name}`"))
            await conn.execute(
                text(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
            )
            await conn.execute(text(f"USE `{name}`"))
            for ddl in self._ddl:
                await conn.execute(text(ddl))
            await conn.execute(
                text("INSERT INTO alembic_version (version_num) VALUES (:v)"), {"v": self._version}
            )
        await engine.dispose()
        return self.url_for(name)

    async def drop(self, url: str) -> None:
        await self._admin(f"DROP DATABASE IF EXISTS `{make_url(url).database}`")

    def finish(self) -> None:
        asyncio.run(self._admin(f"DROP DATABASE IF EXISTS `{self.template}`"))
