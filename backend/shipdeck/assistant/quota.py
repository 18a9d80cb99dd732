"""Daily AI token allowance per team, counted atomically in DynamoDB.

Checked before DeepSeek is called; charged with what the answer actually used (or an estimate
from its length when a cut stream never reported usage). Requests already under way when the
allowance runs out may finish, so a team can go over by at most the answers in flight.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime

from shipdeck.assistant.errors import AiQuotaExceeded
from shipdeck.dynamo.counters import FixedWindowCounter
from shipdeck.dynamo.table import Table
from shipdeck.settings import AssistantSettings

DAY_SECONDS = 86_400
# DeepSeek's rule of thumb for English text; used only when a stream ended without usage.
TOKENS_PER_CHAR = 0.3


@dataclass(frozen=True, slots=True)
class Usage:
    date: str
    tokens_used: int
    daily_quota: int
    resets_at: datetime


def estimate_tokens(*texts: str) -> int:
    return math.ceil(sum(len(t) for t in texts) * TOKENS_PER_CHAR)


class TokenQuota:
    def __init__(self, table: Table, settings: AssistantSettings) -> None:
        self._counter = FixedWindowCounter(table, scope="ai-tokens", window_seconds=DAY_SECONDS)
        self._quota = settings.daily_token_quota

    async def usage(self, team_id: str) -> Usage:
        window = await self._counter.peek(team_id)
        resets = datetime.fromtimestamp(window.resets_at, UTC)
        date = datetime.fromtimestamp(window.resets_at - DAY_SECONDS, UTC).date().isoformat()
        return Usage(date, window.count, self._quota, resets)

    async def check(self, team_id: str) -> None:
        window = await self._counter.peek(team_id)
        if window.count >= self._quota:
            retry_after = window.retry_after()
            raise AiQuotaExceeded(
                headers={"Retry-After": str(retry_after)},
                details={"tokens_used": window.count, "daily_quota": self._quota},
            )

    async def charge(self, team_id: str, tokens: int) -> None:
        if tokens > 0:
            await self._counter.add(team_id, tokens)
