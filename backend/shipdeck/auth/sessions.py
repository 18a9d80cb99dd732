"""Server-side sessions in DynamoDB.

The client holds an opaque 256-bit random token; the table holds only its SHA-256, so a leaked
table or log cannot be replayed. A session ends at its idle expiry (extended on use) or at its
absolute expiry, whichever comes first; expiry is checked on every read, and the item's TTL
attribute lets DynamoDB reclaim the space later.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass

from shipdeck.dynamo.table import Table
from shipdeck.settings import AuthSettings

TOKEN_BYTES = 32
# Extending the idle expiry costs a write; do it at most once a minute per session.
TOUCH_INTERVAL_SECONDS = 60


@dataclass(frozen=True, slots=True)
class SessionRecord:
    token_hash: str
    user_id: str
    created_at: int
    last_seen_at: int
    idle_expires_at: int
    absolute_expires_at: int


def hash_token(token: str) -> str:
    # A fast hash is right here: the token has 256 bits of entropy, nothing to brute-force.
    return hashlib.sha256(token.encode()).hexdigest()


def _pk(token_hash: str) -> str:
    return f"SESSION#{token_hash}"


class SessionStore:
    def __init__(self, table: Table, settings: AuthSettings) -> None:
        self._table = table
        self._idle = settings.session_idle_minutes * 60
        self._absolute = settings.session_absolute_hours * 3600

    async def create(self, user_id: str, *, now: float | None = None) -> tuple[str, SessionRecord]:
        token = secrets.token_urlsafe(TOKEN_BYTES)
        at = int(time.time() if now is None else now)
        record = SessionRecord(
            token_hash=hash_token(token),
            user_id=user_id,
            created_at=at,
            last_seen_at=at,
            idle_expires_at=at + self._idle,
            absolute_expires_at=at + self._absolute,
        )
        await self._table.put(self._item(record))
        return token, record

    async def resolve(self, token: str, *, now: float | None = None) -> SessionRecord | None:
        if not token or len(token) > 128:
            return None
        at = int(time.time() if now is None else now)
        token_hash = hash_token(token)
        item = await self._table.get(_pk(token_hash), "SESSION")
        if item is None:
            return None
        record = SessionRecord(
            token_hash=token_hash,
            user_id=item["user_id"],
            created_at=item["created_at"],
            last_seen_at=item["last_seen_at"],
            idle_expires_at=item["idle_expires_at"],
            absolute_expires_at=item["absolute_expires_at"],
        )
        if at >= record.idle_expires_at or at >= record.absolute_expires_at:
            return None
        if at - record.last_seen_at >= TOUCH_INTERVAL_SECONDS:
            record = SessionRecord(
                token_hash=token_hash,
                user_id=record.user_id,
                created_at=record.created_at,
                last_seen_at=at,
                idle_expires_at=min(at + self._idle, record.absolute_expires_at),
                absolute_expires_at=record.absolute_expires_at,
            )
            await self._table.update(
                _pk(token_hash),
                "SESSION",
                expression="SET last_seen_at = :seen, idle_expires_at = :idle, expires_at = :idle",
                values={":seen": at, ":idle": record.idle_expires_at},
                condition="attribute_exists(pk)",
            )
        return record

    async def revoke(self, token: str) -> None:
        await self._table.delete(_pk(hash_token(token)), "SESSION")

    async def revoke_all(self, user_id: str) -> int:
        """Ends every session of a user (found through the user's index entries)."""
        revoked = 0
        start = None
        while True:
            items, start = await self._table.query(
                index="gsi1",
                key_condition="gsi1pk = :user AND begins_with(gsi1sk, :prefix)",
                values={":user": f"USER#{user_id}", ":prefix": "SESSION#"},
                start_key=start,
            )
            for item in items:
                await self._table.delete(item["pk"], item["sk"])
                revoked += 1
            if start is None:
                return revoked

    def _item(self, record: SessionRecord) -> dict[str, object]:
        return {
            "pk": _pk(record.token_hash),
            "sk": "SESSION",
            "gsi1pk": f"USER#{record.user_id}",
            "gsi1sk": f"SESSION#{record.created_at:012d}#{record.token_hash[:16]}",
            "user_id": record.user_id,
            "created_at": record.created_at,
            "last_seen_at": record.last_seen_at,
            "idle_expires_at": record.idle_expires_at,
            "absolute_expires_at": record.absolute_expires_at,
            "expires_at": min(record.idle_expires_at, record.absolute_expires_at),
        }
