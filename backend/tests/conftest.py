"""Shared fixtures: a real DynamoDB-API server for the run, a fresh relational database per test
(SQLite by default, MySQL/MariaDB with SHIPDECK_TEST_DATABASE=mysql), and the app under test."""

from __future__ import annotations

import asyncio
import os
import random
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import AsyncExitStack
from pathlib import Path

import httpx
import pytest
from asgi_lifespan import LifespanManager

from shipdeck.app import create_app
from shipdeck.dynamo.table import create_table, open_client
from shipdeck.settings import (
    AuthSettings,
    DatabaseSettings,
    DynamoDBSettings,
    HttpSettings,
    LogSettings,
    Settings,
)
from shipdeck_local.dynamodb import LOCAL_ACCESS_KEY_ID, LOCAL_SECRET_ACCESS_KEY, DynamoDBServer
from tests.support.databases import (
    DEFAULT_MYSQL_URL,
    MysqlDatabases,
    SqliteDatabases,
    backend_name,
)

BASE_URL = "http://testserver"


@pytest.fixture(scope="session")
def dynamodb_server() -> Iterator[DynamoDBServer]:
    with DynamoDBServer() as server:
        yield server


@pytest.fixture(scope="session")
def dynamodb_settings(dynamodb_server: DynamoDBServer) -> DynamoDBSettings:
    settings = DynamoDBSettings(
        table_name=f"shipdeck-test-{uuid.uuid4().hex[:8]}",
        endpoint_url=dynamodb_server.endpoint_url,
        access_key_id=LOCAL_ACCESS_KEY_ID,
        secret_access_key=LOCAL_SECRET_ACCESS_KEY,
    )

    async def make() -> None:
        async with AsyncExitStack() as stack:
            await create_table(await open_client(settings, stack), settings.table_name)

    asyncio.run(make())
    return settings


@pytest.fixture(scope="session")
def databases(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[SqliteDatabases | MysqlDatabases]:
    dbs: SqliteDatabases | MysqlDatabases
    if backend_name() == "mysql":
        dbs = MysqlDatabases(os.environ.get("SHIPDECK_TEST_MYSQL_URL", DEFAULT_MYSQL_URL))
    else:
        dbs = SqliteDatabases(tmp_path_factory.mktemp("sqlite"))
    dbs.prepare()
    yield dbs
    if isinstance(dbs, MysqlDatabases):
        dbs.finish()


@pytest.fixture
async def database_url(databases: SqliteDatabases | MysqlDatabases) -> AsyncIterator[str]:
    url = await databases.create()
    yield url
    await databases.drop(url)


def make_settings(
    *, database_url: str, dynamodb: DynamoDBSettings, data_dir: Path, **overrides: object
) -> Settings:
    values: dict[str, object] = {
        "environment": "test",
        "data_dir": data_dir,
        "database": DatabaseSettings(url=database_url, pool_timeout_seconds=2),
        "dynamodb": dynamodb,
        "http": HttpSettings(public_url=BASE_URL, drain_seconds=0),
        # Cheap hashes keep the suite fast; production uses the defaults.
        "auth": AuthSettings(
            cookie_secure=False, argon2_time_cost=1, argon2_memory_kib=1024, argon2_parallelism=1
        ),
        "log": LogSettings(level="WARNING"),
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


@pytest.fixture
def settings(database_url: str, dynamodb_settings: DynamoDBSettings, tmp_path: Path) -> Settings:
    return make_settings(database_url=database_url, dynamodb=dynamodb_settings, data_dir=tmp_path)


def client_address() -> str:
    # Each test signs in from its own address, so per-address limits never leak across tests.
    return f"10.{random.randint(0, 255)}.{random.randint(0, 255)}.{random.randint(1, 254)}"


@pytest.fixture
async def app_client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings)
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app, client=(client_address(), 40000))
        async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as http:
            yield http
