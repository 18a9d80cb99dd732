"""Every log line is JSON and carries the request id; secrets never reach the logs."""

from __future__ import annotations

import json

import httpx
import pytest
from asgi_lifespan import LifespanManager

from shipdeck.app import create_app
from shipdeck.settings import LogSettings, Settings
from tests.conftest import BASE_URL
from tests.support.api import PASSWORD, unique_email


async def test_request_id_in_header_and_every_line_and_no_secrets(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = settings.model_copy(update={"log": LogSettings(level="INFO", format="json")})
    app = create_app(settings)
    email = unique_email()
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app, client=("10.9.9.9", 1))
        async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as http:
            capsys.readouterr()
            await http.post(
                "/api/auth/signup",
                json={"email": email, "password": PASSWORD, "name": "Logged"},
                headers={"X-Request-ID": "req-signup-0001"},
            )
            login = await http.post(
                "/api/auth/login",
                json={"email": email, "password": PASSWORD},
                headers={"X-Request-ID": "req-login-0002"},
            )
            token = login.json()["token"]
            me = await http.get(
                f"/api/me?token={token}", headers={"Authorization": f"Bearer {token}"}
            )
            generated = me.headers["x-request-id"]
            bad = await http.post(
                "/api/auth/login", json={"email": email, "password": "wrong-pass!"}
            )

    assert login.headers["x-request-id"] == "req-login-0002"
    assert len(generated) == 26  # a fresh ULID when the caller sends none
    output = capsys.readouterr().out
    records = [json.loads(line) for line in output.splitlines() if line.strip()]
    lines = [r for r in records if "_aws" not in r]  # metric records are not log lines
    access = [line for line in lines if line["event"] == "request"]
    assert {a["request_id"] for a in access} >= {"req-signup-0001", "req-login-0002", generated}
    request_lines = [line for line in lines if line["event"] != "started" and "request_id" in line]
    assert len(request_lines) >= 4
    for line in access:
        assert {"method", "path", "status", "duration_ms", "timestamp", "level"} <= set(line)
    assert bad.status_code == 401
    for secret in (PASSWORD, token, "wrong-pass!"):
        assert secret not in output
    assert email not in output  # not even the email of a failed sign-in
