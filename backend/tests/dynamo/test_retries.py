"""A failing DynamoDB endpoint is tried exactly as often as the settings say, then answered
with a clear `DynamoUnavailable` (503)."""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack

import pytest

from shipdeck.dynamo.table import DynamoTable, open_client
from shipdeck.errors import DynamoUnavailable
from shipdeck.settings import DynamoDBSettings

BODY = b'{"__type":"com.amazonaws.dynamodb.v20120810#InternalServerError","message":"down"}'


async def test_a_failing_endpoint_gets_the_configured_number_of_tries() -> None:
    requests = 0

    async def answer_500(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal requests
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            length = next(
                int(line.split(b":")[1])
                for line in head.lower().split(b"\r\n")
                if line.startswith(b"content-length:")
            )
            await reader.readexactly(length)
            requests += 1
            writer.write(
                b"HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/x-amz-json-1.0"
                b"\r\nContent-Length: " + str(len(BODY)).encode() + b"\r\n\r\n" + BODY
            )
            await writer.drain()

    server = await asyncio.start_server(answer_500, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    settings = DynamoDBSettings(
        endpoint_url=f"http://127.0.0.1:{port}",
        access_key_id="test",
        secret_access_key="test",  # type: ignore[arg-type]
        max_attempts=2,
    )
    try:
        async with AsyncExitStack() as stack:
            table = DynamoTable(await open_client(settings, stack), "shipdeck")
            with pytest.raises(DynamoUnavailable):
                await table.get("pk", "sk")
    finally:
        server.close()
    assert requests == 2
