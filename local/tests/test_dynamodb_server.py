"""The local DynamoDB-API server keeps its data across restarts (what `make run` relies on)."""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack
from pathlib import Path

from shipdeck.dynamo.table import DynamoTable, create_table, open_client
from shipdeck.settings import DynamoDBSettings
from shipdeck_local.dynamodb import LOCAL_ACCESS_KEY_ID, LOCAL_SECRET_ACCESS_KEY, DynamoDBServer


def _settings(server: DynamoDBServer) -> DynamoDBSettings:
    return DynamoDBSettings(
        table_name="persist",
        endpoint_url=server.endpoint_url,
        access_key_id=LOCAL_ACCESS_KEY_ID,
        secret_access_key=LOCAL_SECRET_ACCESS_KEY,
    )


async def _write(settings: DynamoDBSettings) -> bool:
    async with AsyncExitStack() as stack:
        client = await open_client(settings, stack)
        created = await create_table(client, settings.table_name)
        await DynamoTable(client, settings.table_name).put({"pk": "A", "sk": "B", "n": 7})
        return created


async def _read(settings: DynamoDBSettings) -> tuple[bool, dict[str, object] | None]:
    async with AsyncExitStack() as stack:
        client = await open_client(settings, stack)
        created = await create_table(client, settings.table_name)
        return created, await DynamoTable(client, settings.table_name).get("A", "B")


def test_data_survives_a_restart(tmp_path: Path) -> None:
    server = DynamoDBServer(data_dir=tmp_path / "data").start()
    try:
        assert asyncio.run(_write(_settings(server))) is True
    finally:
        server.stop()
    server.start()  # same port, same directory
    try:
        created, item = asyncio.run(_read(_settings(server)))
    finally:
        server.stop()
    assert created is False
    assert item == {"pk": "A", "sk": "B", "n": 7}


def test_in_memory_server_starts_empty(tmp_path: Path) -> None:
    with DynamoDBServer() as server:
        created, item = asyncio.run(_read(_settings(server)))
    assert created is True
    assert item is None
