"""Several replicas migrating at once: one applies the migrations, the others wait and find
nothing to do; the schema ends at head exactly once."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from shipdeck.db.migrate import head_revision
from shipdeck.settings import DynamoDBSettings
from tests.support.databases import DEFAULT_MYSQL_URL, MysqlDatabases, SqliteDatabases
from tests.support.processes import shipdeck, shipdeck_env

REPLICAS = 4


@pytest.mark.parametrize("backend", ["sqlite", "mysql"])
async def test_replicas_starting_together_do_not_race(
    backend: str, tmp_path: Path, dynamodb_settings: DynamoDBSettings
) -> None:
    mysql = MysqlDatabases(DEFAULT_MYSQL_URL)
    if backend == "mysql":
        mysql.prefix += "_race"
        name = f"{mysql.prefix}_empty"
        await mysql._admin(f"DROP DATABASE IF EXISTS `{name}`")
        await mysql._admin(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4")
        url = mysql.url_for(name)
    else:
        url = SqliteDatabases.url_for(tmp_path / "race.sqlite3")
    env = shipdeck_env(database_url=url, dynamodb=dynamodb_settings, data_dir=tmp_path)
    try:
        processes = [shipdeck("db", "upgrade", env=env) for _ in range(REPLICAS)]
        outputs = [p.communicate(timeout=120)[0].decode() for p in processes]
        assert [p.returncode for p in processes] == [0] * REPLICAS, outputs

        engine = create_async_engine(url)
        async with engine.connect() as conn:
            versions = (await conn.execute(text("SELECT version_num FROM alembic_version"))).all()
            assert [v[0] for v in versions] == [head_revision()]
            assert (await conn.execute(text("SELECT COUNT(*) FROM users"))).scalar() == 0
        await engine.dispose()
        # Exactly one replica ran each migration step; the others found the schema current.
        assert sum("Running upgrade" in out for out in outputs) == 1, outputs
    finally:
        if backend == "mysql":
            await mysql._admin(f"DROP DATABASE IF EXISTS `{mysql.prefix}_empty`")
