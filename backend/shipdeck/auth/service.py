"""Sign-up, sign-in and sign-out."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from argon2 import PasswordHasher
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from shipdeck.auth import passwords
from shipdeck.auth import repository as users
from shipdeck.auth.errors import (
    EmailTaken,
    InvalidCredentials,
    TooManyFailedLogins,
    TooManySignups,
)
from shipdeck.auth.models import User
from shipdeck.auth.sessions import SessionRecord, SessionStore
from shipdeck.dynamo.counters import FixedWindowCounter
from shipdeck.dynamo.table import Table
from shipdeck.observability.logs import get_logger
from shipdeck.settings import AuthSettings

log = get_logger(__name__)


def normalize_email(email: str) -> str:
    return email.strip().lower()


class SignupLimiter:
    """Accounts created per client address per hour: sign-up is open, scripting it is not."""

    def __init__(self, table: Table, settings: AuthSettings) -> None:
        self._counter = FixedWindowCounter(table, scope="signup-address", window_seconds=3600)
        self._max = settings.signups_per_address_per_hour

    async def check(self, address: str) -> None:
        window = await self._counter.peek(LoginLimiter.subject(address))
        if window.count >= self._max:
            retry_after = window.retry_after()
            raise TooManySignups(
                headers={"Retry-After": str(retry_after)}, details={"retry_after": retry_after}
            )

    async def record(self, address: str) -> None:
        await self._counter.add(LoginLimiter.subject(address))


async def signup(
    session: AsyncSession, hasher: PasswordHasher, *, email: str, password: str, name: str
) -> User:
    email = normalize_email(email)
    if await users.get_by_email(session, email) is not None:
        raise EmailTaken
    user = User(
        email=email, name=name, password_hash=await passwords.hash_password(hasher, password)
    )
    try:
        return await users.add(session, user)
    except IntegrityError as exc:  # the same email signed up concurrently
        raise EmailTaken from exc


@dataclass(frozen=True, slots=True)
class LoginResult:
    token: str
    session: SessionRecord
    user: User


class LoginLimiter:
    """Failed sign-ins counted per account and per client address (both must stay under their
    limits). Checked before the password, so guessing stops once the limit is reached."""

    def __init__(self, table: Table, settings: AuthSettings) -> None:
        window = settings.login_failure_window_seconds
        self._per_account = FixedWindowCounter(table, scope="login-account", window_seconds=window)
        self._per_address = FixedWindowCounter(table, scope="login-address", window_seconds=window)
        self._max_account = settings.login_max_failures_per_account
        self._max_address = settings.login_max_failures_per_address

    @staticmethod
    def subject(value: str) -> str:
        # Counters are keyed by a digest: no email or address sits in the table in clear.
        return hashlib.sha256(value.encode()).hexdigest()[:32]

    async def check(self, email: str, address: str) -> None:
        account = await self._per_account.peek(self.subject(email))
        origin = await self._per_address.peek(self.subject(address))
        blocked = [
            w
            for w, limit in ((account, self._max_account), (origin, self._max_address))
            if w.count >= limit
        ]
        if blocked:
            retry_after = max(w.retry_after() for w in blocked)
            raise TooManyFailedLogins(
                headers={"Retry-After": str(retry_after)}, details={"retry_after": retry_after}
            )

    async def record_failure(self, email: str, address: str) -> None:
        await self._per_account.add(self.subject(email))
        await self._per_address.add(self.subject(address))

    async def record_success(self, email: str) -> None:
        await self._per_account.clear(self.subject(email))


async def login(
    session: AsyncSession,
    hasher: PasswordHasher,
    store: SessionStore,
    limiter: LoginLimiter,
    *,
    email: str,
    password: str,
    address: str,
) -> LoginResult:
    email = normalize_email(email)
    await limiter.check(email, address)
    user = await users.get_by_email(session, email)
    if user is None:
        await passwords.burn_verification(hasher)
        ok = False
    else:
        ok = await passwords.verify_password(hasher, user.password_hash, password)
    if not ok or user is None:
        await limiter.record_failure(email, address)
        log.info("sign-in failed", reason="credentials")
        raise InvalidCredentials
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = await passwords.hash_password(hasher, password)
    await limiter.record_success(email)
    token, record = await store.create(user.id)
    log.info("signed in", user_id=user.id)
    return LoginResult(token=token, session=record, user=user)
