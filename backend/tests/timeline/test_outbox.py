"""DynamoDB down: timeline events wait in the outbox; back up: every one arrives, once."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from asgi_lifespan import LifespanManager
from sqlalchemy import func, select

from shipdeck.app import create_app
from shipdeck.errors import DynamoUnavailable
from shipdeck.resources import Resources
from shipdeck.settings import DynamoDBSettings
from shipdeck.timeline import repository
from shipdeck.timeline.models import OutboxEvent
from shipdeck_local.dynamodb import DynamoDBServer
from shipdeck_local.simulators.deepseek.control import DeepSeekControl
from shipdeck_local.simulators.sleakops.control import SleakOpsControl
from tests.conftest import BASE_URL, client_address, make_settings
from tests.support.api import demo_project, start_deployment
from tests.support.drive import follow, relay_all

N = 4


async def backlog(resources: Resources) -> int:
    async with resources.sessions() as session:
        return int(
            (await session.execute(select(func.count()).select_from(OutboxEvent))).scalar_one()
        )


async def test_events_wait_in_the_outbox_and_arrive_exactly_once(
    own_dynamodb: tuple[DynamoDBServer, DynamoDBSettings],
    database_url: str,
    tmp_path: Path,
    deepseek: DeepSeekControl,
    sleakops: SleakOpsControl,
) -> None:
    server, dynamodb = own_dynamodb
    settings = make_settings(
        database_url=database_url,
        dynamodb=dynamodb,
        data_dir=tmp_path,
        deepseek_url=deepseek.base_url,
        sleakops_url=sleakops.base_url,
    )
    app = create_app(settings)
    async with LifespanManager(app):
        resources: Resources = app.state.resources
        transport = httpx.ASGITransport(app=app, client=(client_address(), 1))
        async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as http:
            demo = await demo_project(http)

            sleakops.queue_script("deploy", initial_polls=1, creating_polls=1, times=N)
            started = [
                (await start_deployment(http, demo.owner, demo.prod_id, image=f"v{i}")).json()["id"]
                for i in range(N)
            ]
            await relay_all(resources)
            before = await repository.latest_seq(resources.table, demo.project_id)

            # DynamoDB goes away. Releases still progress: their state lives in SQL, and each
            # change writes its event to the outbox in the same transaction.
            server.stop()
            for release_id in started:
                assert (await follow(resources, release_id))[-1] == "created"
            waiting = await backlog(resources)
            assert waiting == N * 2  # creating, created
            with pytest.raises(DynamoUnavailable):
                await resources.relay.relay_once()
            assert await backlog(resources) == waiting  # nothing lost, nothing half-done

            server.start()
            assert await relay_all(resources) == waiting
            assert await backlog(resources) == 0

            events = await repository.after(
                resources.table, demo.project_id, seq=before, limit=1000
            )
            assert [int(e["id"]) for e in events] == list(range(before + 1, before + waiting + 1))
            assert len({e["id"] for e in events}) == waiting


async def test_a_repeated_delivery_is_skipped(
    resources: Resources, app_client: httpx.AsyncClient
) -> None:
    demo = await demo_project(app_client)
    async with resources.sessions() as session:
        rows = (await session.execute(select(OutboxEvent.payload))).scalars().all()
    assert rows
    assert [await repository.put_once(resources.table, p) for p in rows] == [True] * len(rows)
    # As after a crash between the DynamoDB write and the outbox delete: written once only.
    assert [await repository.put_once(resources.table, p) for p in rows] == [False] * len(rows)
    events = await repository.page(resources.table, demo.project_id, before=None, limit=100)
    assert len(events) == len(rows)
