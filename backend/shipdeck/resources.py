"""What the app's lifespan opens once and every request shares."""

from __future__ import annotations

from dataclasses import dataclass

from argon2 import PasswordHasher
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from shipdeck.dynamo.table import Table
from shipdeck.integrations.deepseek.client import DeepSeekClient
from shipdeck.integrations.sleakops.client import SleakOpsClient
from shipdeck.lifecycle import Lifecycle
from shipdeck.observability.metrics import MetricsEmitter
from shipdeck.releases.reconciler import Reconciler
from shipdeck.settings import Settings
from shipdeck.timeline.hub import TimelineHub
from shipdeck.timeline.relay import OutboxRelay


@dataclass
class Resources:
    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    table: Table
    hasher: PasswordHasher
    metrics: MetricsEmitter
    lifecycle: Lifecycle
    sleakops: SleakOpsClient
    deepseek: DeepSeekClient
    relay: OutboxRelay
    reconciler: Reconciler
    timeline: TimelineHub
