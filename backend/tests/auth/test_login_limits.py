from __future__ import annotations

import httpx

from shipdeck.settings import Settings
from tests.support.api import PASSWORD, register


async def test_failed_sign_ins_are_limited_per_account_with_retry_after(
    app_client: httpx.AsyncClient, settings: Settings
) -> None:
    account = await register(app_client)
    limit = settings.auth.login_max_failures_per_account
    for _ in range(limit):
        response = await app_client.post(
            "/api/auth/login", json={"email": account.email, "password": "wrong password!"}
        )
        assert response.status_code == 401
    blocked = await app_client.post(
        "/api/auth/login", json={"email": account.email, "password": PASSWORD}
    )
    assert blocked.status_code == 429
    assert blocked.json()["error"]["code"] == "too_many_failed_logins"
    retry_after = int(blocked.headers["retry-after"])
    assert 0 < retry_after <= settings.auth.login_failure_window_seconds + 1


async def test_failed_sign_ins_are_limited_per_client_address(
    app_client: httpx.AsyncClient, settings: Settings
) -> None:
    # Different accounts, one address: the address limit stops a password-spraying client.
    limit = settings.auth.login_max_failures_per_address
    for n in range(limit):
        response = await app_client.post(
            "/api/auth/login", json={"email": f"spray-{n}@example.com", "password": "guess123456"}
        )
        assert response.status_code == 401
    blocked = await app_client.post(
        "/api/auth/login", json={"email": "spray-x@example.com", "password": "guess123456"}
    )
    assert blocked.status_code == 429


async def test_a_successful_sign_in_resets_the_account_counter(
    app_client: httpx.AsyncClient, settings: Settings
) -> None:
    account = await register(app_client)
    limit = settings.auth.login_max_failures_per_account
    for _ in range(limit - 1):
        await app_client.post("/api/auth/login", json={"email": account.email, "password": "x"})
    ok = await app_client.post(
        "/api/auth/login", json={"email": account.email, "password": PASSWORD}
    )
    assert ok.status_code == 200
    for _ in range(limit - 1):
        response = await app_client.post(
            "/api/auth/login", json={"email": account.email, "password": "x"}
        )
        assert response.status_code == 401


async def test_sign_ups_are_limited_per_client_address(
    app_client: httpx.AsyncClient, settings: Settings
) -> None:
    settings.auth.signups_per_address_per_hour = 3
    for n in range(3):
        response = await app_client.post(
            "/api/auth/signup",
            json={
                "email": f"bulk-{n}-{id(settings)}@example.com",
                "password": PASSWORD,
                "name": "B",
            },
        )
        assert response.status_code == 201
    blocked = await app_client.post(
        "/api/auth/signup",
        json={"email": f"bulk-x-{id(settings)}@example.com", "password": PASSWORD, "name": "B"},
    )
    assert blocked.status_code == 429
    assert blocked.json()["error"]["code"] == "too_many_signups"
    assert int(blocked.headers["retry-after"]) > 0
