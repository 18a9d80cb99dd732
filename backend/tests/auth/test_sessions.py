"""The session store against the real DynamoDB-API server, with a controlled clock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack

import pytest

from shipdeck.auth.sessions import TOUCH_INTERVAL_SECONDS, SessionStore, hash_token
from shipdeck.dynamo.table import DynamoTable, open_client
from shipdeck.settings import AuthSettings, DynamoDBSettings


@pytest.fixture
async def table(dynamodb_settings: DynamoDBSettings) -> AsyncIterator[DynamoTable]:
    async with AsyncExitStack() as stack:
        client = await open_client(dynamodb_settings, stack)
        yield DynamoTable(client, dynamodb_settings.table_name)


async def test_tokens_are_stored_only_as_hashes(table: DynamoTable) -> None:
    store = SessionStore(table, AuthSettings())
    token, record = await store.create("01HUSER0000000000000000000")
    assert record.token_hash == hash_token(token)
    assert await table.get(f"SESSION#{token}", "SESSION") is None
    stored = await table.get(f"SESSION#{record.token_hash}", "SESSION")
    assert stored is not None and token not in str(stored)


async def test_idle_expiry_is_extended_by_use_but_not_past_the_absolute_expiry(
    table: DynamoTable,
) -> None:
    store = SessionStore(table, AuthSettings(session_idle_minutes=10, session_absolute_hours=1))
    t0 = 1_800_000_000
    token, _ = await store.create("01HUSER0000000000000000001", now=t0)
    # Used every 9 minutes, it stays alive...
    now = t0
    for _ in range(6):
        now += 9 * 60
        assert await store.resolve(token, now=now) is not None
    # ...until the absolute expiry, however active it is.
    assert await store.resolve(token, now=t0 + 3600) is None


async def test_idle_session_expires(table: DynamoTable) -> None:
    store = SessionStore(table, AuthSettings(session_idle_minutes=10))
    t0 = 1_800_000_000
    token, _ = await store.create("01HUSER0000000000000000002", now=t0)
    assert await store.resolve(token, now=t0 + 599) is not None
    assert await store.resolve(token, now=t0 + 599 + 601) is None


async def test_touch_is_rate_limited(table: DynamoTable) -> None:
    store = SessionStore(table, AuthSettings(session_idle_minutes=10))
    t0 = 1_800_000_000
    token, _ = await store.create("01HUSER0000000000000000003", now=t0)
    first = await store.resolve(token, now=t0 + TOUCH_INTERVAL_SECONDS - 1)
    assert first is not None and first.last_seen_at == t0
    second = await store.resolve(token, now=t0 + TOUCH_INTERVAL_SECONDS)
    assert second is not None and second.last_seen_at == t0 + TOUCH_INTERVAL_SECONDS


async def test_revoke_all_ends_every_session_of_a_user(table: DynamoTable) -> None:
    store = SessionStore(table, AuthSettings())
    tokens = [(await store.create("01HUSER0000000000000000004"))[0] for _ in range(3)]
    other, _ = await store.create("01HUSER0000000000000000005")
    assert await store.revoke_all("01HUSER0000000000000000004") == 3
    assert all([await store.resolve(t) is None for t in tokens])
    assert await store.resolve(other) is not None
