"""Security headers on every kind of response, and CORS only for allow-listed origins."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from asgi_lifespan import LifespanManager

from shipdeck.app import create_app
from shipdeck.settings import HttpSettings, Settings
from tests.conftest import BASE_URL
from tests.support.api import demo_project

ALWAYS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "strict-origin-when-cross-origin",
    "cross-origin-opener-policy": "same-origin",
}


@pytest.fixture
async def web_client(settings: Settings, tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    """The API with a (tiny) built web app, CORS for one origin, behind HTTPS."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<!doctype html><title>Shipdeck</title>")
    http = HttpSettings(
        public_url="https://app.example.com",
        allowed_origins=["https://app.example.com"],
        static_dir=str(site),
        drain_seconds=0,
    )
    app = create_app(settings.model_copy(update={"http": http}))
    async with LifespanManager(app):
        transport = httpx.ASGITransport(app=app, client=("10.1.1.1", 1))
        async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as client:
            yield client


async def test_every_kind_of_response_carries_the_headers(web_client: httpx.AsyncClient) -> None:
    demo = await demo_project(web_client)
    responses = {
        "json": await web_client.get("/api/teams", headers=demo.owner.headers),
        "error": await web_client.get("/api/teams/nope", headers=demo.owner.headers),
        "unauthenticated": await web_client.get("/api/me"),
        "validation": await web_client.post("/api/teams", json={}, headers=demo.owner.headers),
        "unknown route": await web_client.get("/api/nothing-here"),
        "health": await web_client.get("/healthz"),
        "web page": await web_client.get("/"),
    }
    for kind, response in responses.items():
        for name, value in ALWAYS.items():
            assert response.headers.get(name) == value, (kind, name)
        assert "content-security-policy" in response.headers, kind
        assert response.headers["strict-transport-security"].startswith("max-age="), kind
    assert responses["json"].headers["cache-control"] == "no-store"
    assert "default-src 'none'" in responses["json"].headers["content-security-policy"]
    assert "script-src 'self'" in responses["web page"].headers["content-security-policy"]


async def test_cors_answers_only_allowed_origins(web_client: httpx.AsyncClient) -> None:
    preflight = {
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type, idempotency-key",
    }
    allowed = await web_client.options(
        "/api/teams", headers={"Origin": "https://app.example.com", **preflight}
    )
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == "https://app.example.com"
    assert allowed.headers["access-control-allow-credentials"] == "true"
    other = await web_client.options(
        "/api/teams", headers={"Origin": "https://evil.example.com", **preflight}
    )
    assert "access-control-allow-origin" not in other.headers
    simple = await web_client.get("/healthz", headers={"Origin": "https://evil.example.com"})
    assert "access-control-allow-origin" not in simple.headers
