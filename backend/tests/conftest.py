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
from fastapi import FastAPI

from shipdeck.app import create_app
from shipdeck.dynamo.table import create_table, open_client
from shipdeck.resources import Resources
from shipdeck.settings import (
    AuthSettings,
    DatabaseSettings,
    DeepSeekSettings,
    DynamoDBSettings,
    HttpSettings,
    LogSettings,
    ReleaseSettings,
    Settings,
    SleakOpsSettings,
    TimelineSettings,
)
from shipdeck_local.dynamodb import LOCAL_ACCESS_KEY_ID, LOCAL_SECRET_ACCESS_KEY, DynamoDBServer
from shipdeck_local.serve import ServedApp, serve_in_thread
from shipdeck_local.simulators import deepseek as deepseek_sim
from shipdeck_local.simulators import sleakops as sleakops_sim
from shipdeck_local.simulators.deepseek.control import DeepSeekControl
from shipdeck_local.simulators.sleakops.control import SleakOpsControl
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
def deepseek_url() -> Iterator[str]:
    app = deepseek_sim.create_app(deepseek_sim.DeepSeekConfig(chunk_delay_s=0))
    with serve_in_thread(app) as url:
        yield url


@pytest.fixture(scope="session")
def sleakops_url() -> Iterator[str]:
    with serve_in_thread(sleakops_sim.create_app()) as url:
        yield url


@pytest.fixture
def deepseek(deepseek_url: str) -> DeepSeekControl:
    """The DeepSeek simulator, reset: no faults, no scripted replies, an empty request log."""
    control = DeepSeekControl(deepseek_url)
    control.reset()
    return control


@pytest.fixture
def sleakops(sleakops_url: str) -> SleakOpsControl:
    control = SleakOpsControl(sleakops_url)
    control.reset()
    return control


# Tight bounds so that failure tests finish quickly; the production values are in settings.py.
TEST_RESILIENCE = {
    "connect_timeout_seconds": 1.0,
    "read_timeout_seconds": 2.0,
    "total_timeout_seconds": 3.0,
    "retry_attempts": 2,
    "retry_initial_wait_seconds": 0.01,
    "retry_max_wait_seconds": 0.05,
    "breaker_threshold": 3,
    "breaker_open_seconds": 1.0,
}


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
    *,
    database_url: str,
    dynamodb: DynamoDBSettings,
    data_dir: Path,
    deepseek_url: str = "http://127.0.0.1:9",
    sleakops_url: str = "http://127.0.0.1:9",
    **overrides: object,
) -> Settings:
    values: dict[str, object] = {
        "deepseek": DeepSeekSettings(
            api_key=deepseek_sim.LOCAL_API_KEY,
            base_url=deepseek_url,
            first_token_timeout_seconds=3.0,
            stream_deadline_seconds=10.0,
            **TEST_RESILIENCE,
        ),
        "sleakops": SleakOpsSettings(
            api_key=sleakops_sim.LOCAL_API_KEY, base_url=f"{sleakops_url}/api/", **TEST_RESILIENCE
        ),
        # Tests drive the reconciler and the relay themselves, one step at a time.
        "releases": ReleaseSettings(background_workers=False, poll_interval_seconds=0.0),
        "timeline": TimelineSettings(heartbeat_seconds=0.5, poll_interval_seconds=0.05),
        "environment": "test",
        "data_dir": data_dir,
        "database": DatabaseSettings(url=database_url, pool_timeout_seconds=2),
        "dynamodb": dynamodb,
        "http": HttpSettings(public_url=BASE_URL, drain_seconds=0),
        # Cheap hashes keep the suite fast; production uses the defaults.
        "auth": AuthSettings(
            cookie_secure=False,
            argon2_time_cost=1,
            argon2_memory_kib=1024,
            argon2_parallelism=1,
            # Every live-server test signs up from 127.0.0.1; the limit has its own test.
            signups_per_address_per_hour=100_000,
        ),
        "log": LogSettings(level="WARNING"),
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


@pytest.fixture
def settings(
    database_url: str,
    dynamodb_settings: DynamoDBSettings,
    tmp_path: Path,
    deepseek: DeepSeekControl,
    sleakops: SleakOpsControl,
) -> Settings:
    return make_settings(
        database_url=database_url,
        dynamodb=dynamodb_settings,
        data_dir=tmp_path,
        deepseek_url=deepseek.base_url,
        sleakops_url=sleakops.base_url,
    )


def client_address() -> str:
    # Each test signs in from its own address, so per-address limits never leak across tests.
    return f"10.{random.randint(0, 255)}.{random.randint(0, 255)}.{random.randint(1, 254)}"


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[FastAPI]:
    application = create_app(settings)
    async with LifespanManager(application):
        yield application


@pytest.fixture
def resources(app: FastAPI) -> Resources:
    """The running app's clients and workers (to run the reconciler or the relay by hand)."""
    found: Resources = app.state.resources
    return found


@pytest.fixture
async def app_client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, client=(client_address(), 40000))
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as http:
        yield http


@pytest.fixture
async def own_dynamodb(tmp_path: Path) -> AsyncIterator[tuple[DynamoDBServer, DynamoDBSettings]]:
    """A DynamoDB-API server of the test's own (on disk), which the test may stop and restart."""
    server = DynamoDBServer(data_dir=tmp_path / "dynamo").start()
    settings = DynamoDBSettings(
        table_name="own-table",
        endpoint_url=server.endpoint_url,
        access_key_id=LOCAL_ACCESS_KEY_ID,
        secret_access_key=LOCAL_SECRET_ACCESS_KEY,
        read_timeout_seconds=1,
        connect_timeout_seconds=0.5,
    )
    async with AsyncExitStack() as stack:
        await create_table(await open_client(settings, stack), settings.table_name)
    yield server, settings
    server.stop()


@pytest.fixture
def live(settings: Settings) -> Iterator[tuple[str, FastAPI]]:
    """The API on a real port, with its reconciler and relay running."""
    fast = settings.model_copy(
        update={
            "releases": ReleaseSettings(
                poll_interval_seconds=0.05,
                reconcile_interval_seconds=0.05,
                relay_interval_seconds=0.05,
            ),
            "timeline": TimelineSettings(heartbeat_seconds=0.3, poll_interval_seconds=0.05),
        }
    )
    app = create_app(fast)
    with ServedApp(app) as served:
        yield served.base_url, app


@pytest.fixture
async def http(live: tuple[str, FastAPI]) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=live[0], timeout=10) as client:
        yield client
