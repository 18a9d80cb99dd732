"""The databases go away and come back: readiness says which one, requests fail fast with 503,
and the app recovers by itself, without a restart."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from asgi_lifespan import LifespanManager

from shipdeck.app import create_app
from shipdeck.settings import DatabaseSettings, DynamoDBSettings
from shipdeck_local.dynamodb import DynamoDBServer
from tests.conftest import BASE_URL, client_address, make_settings
from tests.support.api import register
from tests.support.databases import DEFAULT_MYSQL_URL, MysqlDatabases
from tests.support.tcp_proxy import TcpProxy

FAST = 3.0  # seconds: an outage answer must come well inside this


async def _client(settings: object) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings)  # type: ignore[arg-type]
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app, client=(client_address(), 40000))
        async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as http:
            yield http


async def timed(call: object) -> tuple[httpx.Response, float]:
    started = time.monotonic()
    response = await call  # type: ignore[misc]
    return response, time.monotonic() - started


async def test_dynamodb_outage_and_recovery(
    own_dynamodb: tuple[DynamoDBServer, DynamoDBSettings], database_url: str, tmp_path: Path
) -> None:
    server, dynamodb = own_dynamodb
    settings = make_settings(database_url=database_url, dynamodb=dynamodb, data_dir=tmp_path)
    async for http in _client(settings):
        account = await register(http)
        server.stop()

        ready, _ = await timed(http.get("/readyz"))
        assert ready.status_code == 503
        assert ready.json()["checks"] == {"database": "ok", "dynamodb": "unavailable"}

        me, elapsed = await timed(http.get("/api/me", headers=account.headers))
        assert me.status_code == 503 and elapsed < FAST
        assert me.json()["error"]["code"] == "dynamodb_unavailable"
        # Signing in needs the session store too: a clear 503, not a wrong-password answer.
        login = await http.post(
            "/api/auth/login", json={"email": account.email, "password": "x" * 12}
        )
        assert login.status_code == 503

        server.start()  # same port, same data directory: the session survived
        assert (await http.get("/readyz")).status_code == 200
        assert (await http.get("/api/me", headers=account.headers)).status_code == 200


@pytest.fixture
async def proxied_mysql() -> AsyncIterator[tuple[TcpProxy, str]]:
    """A real MariaDB/MySQL database reached through a proxy the test can break."""
    dbs = MysqlDatabases(DEFAULT_MYSQL_URL)
    dbs.prefix += "_outage"
    await dbs._prepare()
    url = await dbs.create()
    proxy = await TcpProxy("127.0.0.1", 3306).start()
    proxied = url.replace("127.0.0.1:3306", f"127.0.0.1:{proxy.port}")
    yield proxy, proxied
    await proxy.stop()
    await dbs.drop(url)
    await dbs._admin(f"DROP DATABASE IF EXISTS `{dbs.template}`")


@pytest.mark.parametrize("outage", ["refuse", "blackhole"])
async def test_database_outage_and_recovery(
    proxied_mysql: tuple[TcpProxy, str],
    dynamodb_settings: DynamoDBSettings,
    tmp_path: Path,
    outage: str,
) -> None:
    proxy, url = proxied_mysql
    settings = make_settings(
        database_url=url,
        dynamodb=dynamodb_settings,
        data_dir=tmp_path,
        database=DatabaseSettings(
            url=url, pool_timeout_seconds=1, connect_timeout_seconds=1, statement_timeout_seconds=2
        ),
    )
    async for http in _client(settings):
        account = await register(http)
        assert (await http.get("/api/teams", headers=account.headers)).status_code == 200

        await proxy.set_mode(outage)  # type: ignore[arg-type]
        ready, _ = await timed(http.get("/readyz"))
        assert ready.status_code == 503
        assert ready.json()["checks"] == {"database": "unavailable", "dynamodb": "ok"}

        for _ in range(3):
            teams, elapsed = await timed(http.get("/api/teams", headers=account.headers))
            assert teams.status_code == 503, teams.text
            assert teams.json()["error"]["code"] == "database_unavailable"
            assert teams.headers["retry-after"]
            assert elapsed < FAST
        write, _ = await timed(http.post("/api/teams", json={"name": "x"}, headers=account.headers))
        assert write.status_code == 503

        await proxy.set_mode("forward")
        assert (await http.get("/readyz")).status_code == 200
        listing = await http.get("/api/teams", headers=account.headers)
        assert listing.status_code == 200
        assert listing.json()["items"] == []  # the write during the outage did not half-happen
