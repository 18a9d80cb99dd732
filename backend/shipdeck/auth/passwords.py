"""argon2id password hashing (argon2-cffi), off the event loop: a hash costs tens of
milliseconds of CPU by design and must not stall other requests."""

from __future__ import annotations

from anyio import to_thread
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from shipdeck.settings import AuthSettings


def make_hasher(settings: AuthSettings) -> PasswordHasher:
    return PasswordHasher(
        time_cost=settings.argon2_time_cost,
        memory_cost=settings.argon2_memory_kib,
        parallelism=settings.argon2_parallelism,
    )


async def hash_password(hasher: PasswordHasher, password: str) -> str:
    return await to_thread.run_sync(hasher.hash, password)


async def verify_password(hasher: PasswordHasher, password_hash: str, password: str) -> bool:
    def verify() -> bool:
        try:
            return hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    return await to_thread.run_sync(verify)


# Verified against when the email is unknown, so a wrong email costs as long as a wrong password
# and timing does not reveal which accounts exist.
_DUMMY_HASHES: dict[tuple[int, int, int], str] = {}


async def burn_verification(hasher: PasswordHasher) -> None:
    key = (hasher.time_cost, hasher.memory_cost, hasher.parallelism)
    if key not in _DUMMY_HASHES:
        _DUMMY_HASHES[key] = await hash_password(hasher, "not-a-real-password")
    await verify_password(hasher, _DUMMY_HASHES[key], "still-not-a-password")
