"""User sessions: SimpleJWT-style access and refresh tokens, signed HS256 with an `exp`."""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import jwt

ALGORITHM = "HS256"


@dataclass(frozen=True)
class TokenPair:
    access: str
    refresh: str
    access_expires_at: float


def iso_utc(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, tz=UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class InvalidToken(Exception):
    pass


class TokenIssuer:
    def __init__(
        self,
        secret: str,
        *,
        access_lifetime_s: float,
        refresh_lifetime_s: float,
        rng: random.Random,
    ) -> None:
        self._secret = secret
        self.access_lifetime_s = access_lifetime_s
        self.refresh_lifetime_s = refresh_lifetime_s
        self._rng = rng
        self._revoked: set[str] = set()

    def _encode(self, token_type: str, user_pk: int, lifetime_s: float) -> tuple[str, float]:
        now = time.time()
        expires_at = now + lifetime_s
        claims = {
            "token_type": token_type,
            "exp": int(expires_at),
            "iat": int(now),
            "jti": f"{self._rng.getrandbits(128):032x}",
            "user_id": user_pk,
        }
        return jwt.encode(claims, self._secret, algorithm=ALGORITHM), expires_at

    def access_token(self, user_pk: int, lifetime_s: float | None = None) -> tuple[str, float]:
        lifetime = self.access_lifetime_s if lifetime_s is None else lifetime_s
        return self._encode("access", user_pk, lifetime)

    def pair(self, user_pk: int) -> TokenPair:
        access, expires_at = self.access_token(user_pk)
        refresh, _ = self._encode("refresh", user_pk, self.refresh_lifetime_s)
        return TokenPair(access=access, refresh=refresh, access_expires_at=expires_at)

    def refresh_token(self, user_pk: int) -> str:
        return self._encode("refresh", user_pk, self.refresh_lifetime_s)[0]

    def verify(self, token: str, token_type: str) -> dict[str, Any]:
        try:
            claims: dict[str, Any] = jwt.decode(token, self._secret, algorithms=[ALGORITHM])
        except jwt.ExpiredSignatureError as exc:
            raise InvalidToken("Token is expired") from exc
        except jwt.PyJWTError as exc:
            raise InvalidToken("Token is invalid") from exc
        if claims.get("token_type") != token_type:
            raise InvalidToken("Token has wrong type")
        if claims.get("jti") in self._revoked:
            raise InvalidToken("Token is blacklisted")
        return claims

    def revoke(self, claims: dict[str, Any]) -> None:
        self._revoked.add(str(claims.get("jti")))
