from __future__ import annotations

import httpx

from tests.support.api import PASSWORD, register, unique_email


async def test_signup_then_login_returns_token_user_and_http_only_cookie(
    app_client: httpx.AsyncClient,
) -> None:
    email = unique_email()
    signup = await app_client.post(
        "/api/auth/signup", json={"email": email.upper(), "password": PASSWORD, "name": "Ada"}
    )
    assert signup.status_code == 201
    assert signup.json()["email"] == email  # stored lower-cased
    assert "password" not in signup.text and "hash" not in signup.text

    login = await app_client.post("/api/auth/login", json={"email": email, "password": PASSWORD})
    assert login.status_code == 200
    body = login.json()
    assert len(body["token"]) >= 43  # 256 random bits, URL-safe base64
    assert body["user"]["email"] == email
    cookie = login.headers["set-cookie"]
    assert "shipdeck_session=" in cookie
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie

    me = await app_client.get("/api/me", headers={"Authorization": f"Bearer {body['token']}"})
    assert me.status_code == 200 and me.json()["email"] == email


async def test_cookie_session_reads_without_origin_but_writes_need_an_allowed_origin(
    app_client: httpx.AsyncClient,
) -> None:
    email = unique_email()
    await app_client.post(
        "/api/auth/signup", json={"email": email, "password": PASSWORD, "name": "C"}
    )
    await app_client.post("/api/auth/login", json={"email": email, "password": PASSWORD})
    assert (await app_client.get("/api/me")).status_code == 200  # cookie only

    refused = await app_client.post("/api/teams", json={"name": "No origin"})
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "csrf_rejected"

    foreign = await app_client.post(
        "/api/teams", json={"name": "Evil"}, headers={"Origin": "https://evil.example"}
    )
    assert foreign.status_code == 403

    same_origin = await app_client.post(
        "/api/teams", json={"name": "Mine"}, headers={"Origin": "http://testserver"}
    )
    assert same_origin.status_code == 201


async def test_duplicate_email_is_a_conflict_whatever_the_case(
    app_client: httpx.AsyncClient,
) -> None:
    email = unique_email()
    body = {"email": email, "password": PASSWORD, "name": "A"}
    assert (await app_client.post("/api/auth/signup", json=body)).status_code == 201
    again = await app_client.post("/api/auth/signup", json={**body, "email": email.upper()})
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "email_taken"


async def test_wrong_password_and_unknown_email_get_the_same_answer(
    app_client: httpx.AsyncClient,
) -> None:
    account = await register(app_client)
    wrong = await app_client.post(
        "/api/auth/login", json={"email": account.email, "password": "not the password"}
    )
    unknown = await app_client.post(
        "/api/auth/login", json={"email": unique_email(), "password": "not the password"}
    )
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()


async def test_short_password_is_rejected_with_field_details(app_client: httpx.AsyncClient) -> None:
    response = await app_client.post(
        "/api/auth/signup", json={"email": unique_email(), "password": "short", "name": "A"}
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert error["details"][0]["field"] == "password"


async def test_logout_ends_the_session_everywhere_it_was_used(
    app_client: httpx.AsyncClient,
) -> None:
    account = await register(app_client)
    assert (await app_client.get("/api/me", headers=account.headers)).status_code == 200
    out = await app_client.post("/api/auth/logout", headers=account.headers)
    assert out.status_code == 204
    assert (
        'shipdeck_session=""' in out.headers["set-cookie"]
        or "Max-Age=0" in out.headers["set-cookie"]
    )
    after = await app_client.get("/api/me", headers=account.headers)
    assert after.status_code == 401
    assert after.json()["error"]["code"] == "session_expired"


async def test_requests_without_credentials_are_401(app_client: httpx.AsyncClient) -> None:
    response = await app_client.get("/api/me")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"
    garbage = await app_client.get("/api/me", headers={"Authorization": "Bearer nope"})
    assert garbage.status_code == 401
