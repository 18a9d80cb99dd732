"""What the app's lifespan opens once and every request shares."""

from __future__ import annotations

from dataclasses import dataclass

from argon2 import PasswordHasher
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from shipdeck.dynamo.table import Table
from shipdeck.lifecycle import Lifecycle
from shipdeck.observability.metrics import MetricsEmitter
from shipdeck.settings import Settings


@dataclass
class Resources:
    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    table: Table
    hasher: PasswordHasher
    metrics: MetricsEmitter
    lifecycle: Lifecycle
