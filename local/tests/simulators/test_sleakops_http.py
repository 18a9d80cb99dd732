"""The SleakOps simulator's HTTP contract and knobs, checked with httpx."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import httpx
import jwt
import pytest

from shipdeck_local.simulators.sleakops import LOCAL_API_KEY, SleakOpsConfig
from shipdeck_local.simulators.sleakops.control import fault_header

from .conftest import RunningSleakOps

KEY = {"Authorization": f"Api-Key {LOCAL_API_KEY}"}
BUILD = {"project_env": {"project_name": "shipdeck-demo"}, "branch": "main", "docker_args": {}}
DEPLOY = {
    "project_env": {"project_name": "shipdeck-demo", "environment_name": "prod"},
    "image": "latest",
}
LOGIN = {"email": "demo@shipdeck.local", "password": "shipdeck-demo"}


def api(sim: RunningSleakOps) -> httpx.Client:
    return httpx.Client(base_url=sim.api_url, timeout=5)


def create(
    sim: RunningSleakOps, kind: str = "cli-build/", body: Any = BUILD, **kwargs: Any
) -> httpx.Response:
    with api(sim) as client:
        return client.post(kind, json=body, headers={**KEY, **kwargs.pop("headers", {})}, **kwargs)


def poll(sim: RunningSleakOps, release_id: str, kind: str = "cli-build/") -> httpx.Response:
    with api(sim) as client:
        return client.get(f"{kind}{release_id}/", headers=KEY)


def session(sim: RunningSleakOps) -> tuple[dict[str, str], str]:
    with api(sim) as client:
        access = client.post("login/", json=LOGIN).json()["access"]
        account = client.get("account/", headers={"Authorization": f"Bearer {access}"}).json()[0][
            "id"
        ]
    return {"Authorization": f"Bearer {access}", "account": account}, account


def test_paths_are_exact_and_unknown_ones_are_drf_404(sleakops: RunningSleakOps) -> None:
    with api(sleakops) as client:
        no_slash = client.post("cli-build", json=BUILD, headers=KEY)
        assert no_slash.status_code == 404
        assert no_slash.json() == {"detail": "Not found."}
        assert client.get("projects/", headers=KEY).json() == {"detail": "Not found."}
        wrong = client.get("cli-build/", headers=KEY)
        assert wrong.status_code == 405
        assert wrong.json() == {"detail": 'Method "GET" not allowed.'}


def test_created_build_starts_initial_with_201(sleakops: RunningSleakOps) -> None:
    response = create(sleakops)
    assert response.status_code == 201
    body = response.json()
    assert body["state"] == "initial"
    assert isinstance(body["id"], str)
    assert len(body["id"]) == 36
    assert body["project_env"]["environment_name"] == "prod"


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        (
            {"project_env": {"project_name": "shipdeck-demo"}},
            {"branch": ["This field is required."]},
        ),
        ({"branch": "main"}, {"project_env": ["This field is required."]}),
        (
            {"project_env": {}, "branch": "main"},
            {"project_env": {"project_name": ["This field is required."]}},
        ),
        (
            {**BUILD, "docker_args": "A=1"},
            {"docker_args": ['Expected a dictionary of items but got type "str".']},
        ),
        ({**BUILD, "timeout": "5"}, {"timeout": ["A valid integer is required."]}),
    ],
)
def test_build_body_validation(
    sleakops: RunningSleakOps, body: dict[str, Any], errors: dict[str, Any]
) -> None:
    response = create(sleakops, body=body)
    assert response.status_code == 400
    assert response.json() == errors


def test_deploy_validation_defaults_and_rejections(
    sleakops_factory: Callable[..., RunningSleakOps],
) -> None:
    sim = sleakops_factory(reject_status=412, create_status=200)
    missing_env = create(sim, "cli-deployment/", {"project_env": {"project_name": "shipdeck-demo"}})
    assert missing_env.json() == {"project_env": {"environment_name": ["This field is required."]}}
    ok = create(sim, "cli-deployment/", {"project_env": DEPLOY["project_env"]})
    assert ok.status_code == 200
    assert ok.json()["image"] == "latest"
    unknown_env = create(
        sim,
        "cli-deployment/",
        {"project_env": {"project_name": "shipdeck-demo", "environment_name": "qa"}},
    )
    assert unknown_env.status_code == 412
    assert unknown_env.json() == {
        "detail": "Environment 'qa' not found for project 'shipdeck-demo'."
    }
    bad_build = create(sim, "cli-deployment/", {**DEPLOY, "build": "no-such-build"})
    assert bad_build.status_code == 400
    assert "build" in bad_build.json()


def test_deploy_of_a_build_id(sleakops: RunningSleakOps) -> None:
    build_id = create(sleakops).json()["id"]
    deploy = create(sleakops, "cli-deployment/", {**DEPLOY, "build": build_id})
    assert deploy.status_code == 201
    assert deploy.json()["build"] == build_id
    assert poll(sleakops, build_id, "cli-deployment/").status_code == 404  # wrong kind
    assert poll(sleakops, "00000000-0000-4000-8000-000000000000").json() == {"detail": "Not found."}


def test_api_key_auth(sleakops: RunningSleakOps) -> None:
    with api(sleakops) as client:
        missing = client.post("cli-build/", json=BUILD)
        assert missing.status_code == 401
        assert missing.json() == {"detail": "Authentication credentials were not provided."}
        wrong = client.post("cli-build/", json=BUILD, headers={"Authorization": "Api-Key nope"})
        assert wrong.status_code == 401
        assert wrong.json() == {"detail": "Invalid API key."}
        access = client.post("login/", json=LOGIN).json()["access"]
        bearer = client.post(
            "cli-build/", json=BUILD, headers={"Authorization": f"Bearer {access}"}
        )
        assert bearer.status_code == 401


def test_wall_clock_progression(sleakops_factory: Callable[..., RunningSleakOps]) -> None:
    steps = [
        {"state": "initial", "seconds": 0.2},
        {"state": "creating", "seconds": 0.3},
        {"state": "created"},
    ]
    sim = sleakops_factory(build_steps=steps)
    release_id = create(sim).json()["id"]
    assert poll(sim, release_id).json()["state"] == "initial"
    time.sleep(0.3)
    assert poll(sim, release_id).json()["state"] == "creating"
    time.sleep(0.3)
    assert poll(sim, release_id).json()["state"] == "created"


def test_poll_counted_scripts_with_unknown_states_and_flips(sleakops: RunningSleakOps) -> None:
    sleakops.control.queue_script(
        "build",
        branch="main",
        steps=[
            {"state": "creating", "polls": 2},
            {"state": "updating", "polls": 1},
            {"state": "creating", "polls": 1},
            {"state": "failed", "polls": 1, "errors": "transient"},
            {"state": "error", "errors": "Dockerfile: COPY failed", "omit_errors": False},
        ],
    )
    release_id = create(sleakops).json()["id"]
    seen = [poll(sleakops, release_id).json() for _ in range(7)]
    assert [s["state"] for s in seen] == [
        "creating",
        "creating",
        "updating",
        "creating",
        "failed",
        "error",
        "error",
    ]
    assert seen[-1]["errors"] == "Dockerfile: COPY failed"
    assert sleakops.control.release(release_id)["polls"] == 7


def test_never_finishing_and_missing_keys(sleakops: RunningSleakOps) -> None:
    sleakops.control.queue_script("deploy", never_finish=True, initial_polls=1)
    release_id = create(sleakops, "cli-deployment/", DEPLOY).json()["id"]
    states = [poll(sleakops, release_id, "cli-deployment/").json()["state"] for _ in range(6)]
    assert states == ["initial"] + ["creating"] * 5

    sleakops.control.queue_script("build", steps=[{"state": "error", "omit_errors": True}])
    bare = poll(sleakops, create(sleakops).json()["id"]).json()
    assert bare["state"] == "error"
    assert "errors" not in bare


def test_script_matching_by_project_and_environment(sleakops: RunningSleakOps) -> None:
    sleakops.control.queue_script(
        "deploy",
        project="shipdeck-demo",
        environment="prod",
        outcome="error",
        errors="boom",
        initial_polls=1,
        creating_polls=1,
    )
    dev = create(
        sleakops,
        "cli-deployment/",
        {"project_env": {"project_name": "shipdeck-demo", "environment_name": "dev"}},
    )
    prod = create(sleakops, "cli-deployment/", DEPLOY)
    views = {r["environment"]: r for r in sleakops.control.releases()}
    assert views["dev"]["script_id"] is None
    assert views["prod"]["steps"][-1] == {
        "state": "error",
        "seconds": None,
        "polls": None,
        "errors": "boom",
        "omit_state": False,
        "omit_errors": False,
    }
    assert dev.status_code == prod.status_code == 201
    assert sleakops.control.pending_scripts() == []


def test_scripted_rejection(sleakops: RunningSleakOps) -> None:
    sleakops.control.queue_script("build", reject={"status": 412, "body": ["Build quota exceeded"]})
    response = create(sleakops)
    assert response.status_code == 412
    assert response.json() == ["Build quota exceeded"]
    assert sleakops.control.releases() == []


def test_login_issues_real_jwts(sleakops: RunningSleakOps) -> None:
    with api(sleakops) as client:
        body = client.post("login/", json=LOGIN).json()
    assert body["user"]["email"] == "demo@shipdeck.local"
    assert body["user"]["pk"] == 1
    claims = jwt.decode(body["access"], SleakOpsConfig().jwt_secret, algorithms=["HS256"])
    assert claims["token_type"] == "access"
    assert claims["exp"] - claims["iat"] == 300
    refresh = jwt.decode(body["refresh"], options={"verify_signature": False})
    assert refresh["token_type"] == "refresh"


def test_login_failures_are_json(sleakops_factory: Callable[..., RunningSleakOps]) -> None:
    sim = sleakops_factory(login_failure_status=401)
    with api(sim) as client:
        wrong = client.post("login/", json={**LOGIN, "password": "x"})
        assert wrong.status_code == 401
        assert wrong.json() == {"non_field_errors": ["Unable to log in with provided credentials."]}
        missing = client.post("login/", json={"email": "demo@shipdeck.local"})
        assert missing.status_code == 400
        assert missing.json() == {"password": ["This field is required."]}


def test_cookie_refresh_mode_and_refresh_endpoint(
    sleakops_factory: Callable[..., RunningSleakOps],
) -> None:
    sim = sleakops_factory(refresh_delivery="cookie", rotate_refresh_tokens=True)
    with api(sim) as client:
        login = client.post("login/", json=LOGIN)
        assert login.json()["refresh"] == ""
        cookie = login.cookies["refresh_token"]
        assert "HttpOnly" in login.headers["set-cookie"]
        by_cookie = client.post("token/refresh/")  # the client sends the cookie back
        assert by_cookie.status_code == 200
        assert set(by_cookie.json()) == {"access", "access_expiration"}
        rotated = by_cookie.cookies["refresh_token"]
        assert rotated != cookie
        client.cookies.clear()
        reused = client.post("token/refresh/", json={"refresh": cookie})
        assert reused.status_code == 401
        assert reused.json()["code"] == "token_not_valid"
        assert client.post("token/refresh/", json={"refresh": rotated}).status_code == 200
        assert client.post("token/refresh/", json={"refresh": "garbage"}).status_code == 401
        client.cookies.clear()
        assert client.post("token/refresh/", json={}).status_code == 401


def test_bearer_routes_need_a_valid_token_and_the_account_header(sleakops: RunningSleakOps) -> None:
    headers, account = session(sleakops)
    expired = sleakops.control.issue_tokens(access_lifetime_s=-10)["access"]
    with api(sleakops) as client:
        assert client.get("project-env/", headers=headers).status_code == 200
        stale = client.get(
            "project-env/", headers={"Authorization": f"Bearer {expired}", "account": account}
        )
        assert stale.status_code == 401
        assert stale.json()["code"] == "token_not_valid"
        no_account = client.get("project-env/", headers={"Authorization": headers["Authorization"]})
        assert no_account.status_code == 400
        other = client.get(
            "cluster/", headers={**headers, "account": "11111111-1111-4111-8111-111111111111"}
        )
        assert other.status_code == 403
        with_key = client.get("project-env/", headers={**KEY, "account": account})
        assert with_key.status_code == 401
    sleakops.control.update_settings(require_account_header=False, api_key_on_bearer_routes=True)
    with api(sleakops) as client:
        assert (
            client.get(
                "project-env/", headers={"Authorization": headers["Authorization"]}
            ).status_code
            == 200
        )
        assert client.get("project-env/", headers={**KEY, "account": account}).status_code == 200


def test_listings_are_bare_arrays_with_string_ids(sleakops: RunningSleakOps) -> None:
    headers, account = session(sleakops)
    with api(sleakops) as client:
        accounts = client.get(
            "account/", headers={"Authorization": headers["Authorization"]}
        ).json()
        project_envs = client.get("project-env/", headers=headers).json()
        clusters = client.get("cluster/", headers=headers).json()
        prod = next(pe for pe in project_envs if pe["environment"]["name"] == "prod")
        services = client.get(
            "service/", params={"project_env_id": prod["id"]}, headers=headers
        ).json()
    assert accounts == [{"id": account, "name": "Shipdeck Demo"}]
    assert sorted(
        (pe["project_name"], pe["environment"]["name"], pe["name"]) for pe in project_envs
    ) == [
        ("shipdeck-demo", "dev", "shipdeck-demo-dev"),
        ("shipdeck-demo", "prod", "shipdeck-demo-prod"),
    ]
    assert [s["name"] for s in services] == ["web", "worker"]
    assert all(s["project_env"] == prod["id"] for s in services)
    assert isinstance(clusters[0]["id"], str)
    assert clusters[0]["name"] == "shipdeck-local"
    with httpx.Client(base_url=sleakops.url + "/console/api/") as console:
        kubeconfig = console.get(f"cluster/{clusters[0]['id']}/kube-config/", headers=headers)
        assert console.get("cluster/nope/kube-config/", headers=headers).status_code == 404
    text = kubeconfig.json()
    assert isinstance(text, str)
    assert "<INSERT_AWS_ACCESS_KEY_ID>" in text
    assert "<INSERT_AWS_SECRET_ACCESS_KEY>" in text


def test_pagination_switch(sleakops_factory: Callable[..., RunningSleakOps]) -> None:
    sim = sleakops_factory(paginate_listings=True)
    with api(sim) as client:
        access = client.post("login/", json=LOGIN).json()["access"]
        page = client.get("account/", headers={"Authorization": f"Bearer {access}"}).json()
    assert set(page) == {"count", "next", "previous", "results"}
    assert page["count"] == 1
    assert page["results"][0]["name"] == "Shipdeck Demo"


def test_ids_are_stable_across_resets(sleakops: RunningSleakOps) -> None:
    before = sleakops.control.project_envs()
    sleakops.control.register_project("extra", {"dev": "develop"})
    assert len(sleakops.control.project_envs()) == 3
    sleakops.control.reset()
    assert sleakops.control.project_envs() == before


def test_401_once_then_ok(sleakops: RunningSleakOps) -> None:
    sleakops.control.fault_once("unauthorized", route="/api/cli-build/", method="POST")
    assert create(sleakops).status_code == 401
    assert create(sleakops).status_code == 201


def test_malformed_json_and_error_bodies(sleakops: RunningSleakOps) -> None:
    broken = create(sleakops, headers=fault_header("malformed_json"))
    assert broken.status_code == 201
    with pytest.raises(json.JSONDecodeError):
        json.loads(broken.text)
    html = create(sleakops, headers=fault_header({"status": 503, "body_format": "html"}))
    assert html.status_code == 503
    assert html.text.startswith("<html>")
    empty = create(sleakops, headers=fault_header("unavailable"))
    assert empty.status_code == 503
    assert empty.content == b""


def test_stalls_and_slow_bodies(sleakops: RunningSleakOps) -> None:
    with api(sleakops) as client:
        with pytest.raises(httpx.ReadTimeout):
            client.post(
                "cli-build/", json=BUILD, headers={**KEY, **fault_header("stall")}, timeout=0.3
            )
        with pytest.raises(httpx.ReadTimeout):
            client.post(
                "cli-build/",
                json=BUILD,
                headers={**KEY, **fault_header("stall_mid_body")},
                timeout=0.3,
            )
        started = time.monotonic()
        slow = client.post(
            "cli-build/",
            json=BUILD,
            headers={**KEY, **fault_header({"trickle_bytes": 100, "trickle_delay_s": 0.1})},
        )
        assert slow.json()["state"] == "initial"
        assert time.monotonic() - started > 0.2


def test_latency_can_target_polls_only(sleakops: RunningSleakOps) -> None:
    sleakops.control.add_fault({"delay_s": 0.3}, route="/api/cli-build/*/", method="GET")
    started = time.monotonic()
    release_id = create(sleakops).json()["id"]
    assert time.monotonic() - started < 0.25
    started = time.monotonic()
    assert poll(sleakops, release_id).status_code == 200
    assert time.monotonic() - started >= 0.3


def test_request_log_shows_auth_scheme_and_account(sleakops: RunningSleakOps) -> None:
    headers, account = session(sleakops)
    with api(sleakops) as client:
        client.get("service/", params={"project_env_id": "x"}, headers=headers)
    entry = sleakops.control.request_log(path="/api/service/")[0]
    assert entry.auth_scheme == "Bearer"
    assert entry.account == account
    assert entry.query_params == {"project_env_id": "x"}
    assert entry.body is None
