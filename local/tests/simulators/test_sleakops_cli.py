"""The published `sleakops` CLI (0.1.6), run as a subprocess against the SleakOps simulator."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

from .conftest import CliResult, RunningSleakOps

Cli = Callable[..., CliResult]
AWS_ANSWERS = "AKIAEXAMPLE\nsecret-example\n"


def test_build_wait_reports_ready(sleakops: RunningSleakOps, sleakops_cli: Cli) -> None:
    result = sleakops_cli("build", "-p", "shipdeck-demo", "-b", "main", "--wait")

    assert result.code == 0, result.out
    assert result.out.splitlines() == ["Build queued...", "Building project...", "Build is ready!"]
    post, *polls = sleakops.control.request_log()
    assert post.method == "POST"
    assert post.path == "/api/cli-build/"
    assert post.body == {
        "project_env": {"project_name": "shipdeck-demo"},
        "branch": "main",
        "docker_args": {},
    }
    assert post.auth_scheme == "Api-Key"
    assert post.credential == "shipdeck-local-key"
    assert post.account is None
    [release] = sleakops.control.releases()
    assert release["environment"] == "prod"  # prod tracks main
    assert [p.poll_number for p in polls] == [1, 2, 3]
    assert sleakops.control.poll_counts() == {release["id"]: 3}


def test_deploy_wait_sends_image_latest(sleakops: RunningSleakOps, sleakops_cli: Cli) -> None:
    sleakops.control.queue_script("deploy", initial_polls=0, creating_polls=1)
    result = sleakops_cli("deploy", "-p", "shipdeck-demo", "-e", "prod", "--wait")

    assert result.code == 0, result.out
    assert result.out.strip().endswith("Deploy is ready!")
    post = sleakops.control.request_log(method="POST")[0]
    assert post.path == "/api/cli-deployment/"
    assert post.body == {
        "project_env": {"project_name": "shipdeck-demo", "environment_name": "prod"},
        "image": "latest",
    }


def test_scripted_deploy_error_exits_1_with_the_errors(
    sleakops: RunningSleakOps, sleakops_cli: Cli
) -> None:
    errors = "ImagePullBackOff: image shipdeck-demo:broken not found"
    sleakops.control.queue_script(
        "deploy",
        project="shipdeck-demo",
        environment="prod",
        outcome="error",
        errors=errors,
        initial_polls=0,
        creating_polls=1,
    )
    result = sleakops_cli("deploy", "-p", "shipdeck-demo", "-e", "prod", "-t", "broken", "--wait")

    assert result.code == 1
    assert "Deploying project..." in result.out
    assert errors in result.out
    [release] = sleakops.control.releases()
    assert release["state"] == "error"
    assert release["fields"]["image"] == "broken"


def test_build_options_pass_through_without_wait(
    sleakops: RunningSleakOps, sleakops_cli: Cli
) -> None:
    result = sleakops_cli(
        "build",
        "-p",
        "shipdeck-demo",
        "-b",
        "develop",
        "-e",
        "dev",
        "-c",
        "abc123",
        "-t",
        "v1",
        "--docker-args",
        "A=1,B=2",
        "--timeout",
        "5",
    )
    assert result.code == 0, result.out
    [post] = sleakops.control.request_log()
    assert post.body == {
        "project_env": {"project_name": "shipdeck-demo"},
        "branch": "develop",
        "environment": "dev",
        "commit": "abc123",
        "tag": "v1",
        "docker_args": {"A": "1", "B": "2"},
        "timeout": 5,
    }


def test_bad_key_takes_the_401_path(sleakops_cli: Cli) -> None:
    result = sleakops_cli("build", "-p", "shipdeck-demo", "-b", "main", key="wrong-key")
    assert result.code == 1
    assert result.out.strip() == "Something went wrong: Unauthorized"


def test_unknown_project_is_printed_as_json(sleakops_cli: Cli) -> None:
    result = sleakops_cli("build", "-p", "nope", "-b", "main")
    assert result.code == 1
    assert result.out.strip() == "Something went wrong: {'detail': \"Project 'nope' not found.\"}"


def test_registered_project_and_ambiguous_branch(
    sleakops: RunningSleakOps, sleakops_cli: Cli
) -> None:
    sleakops.control.register_project("payments", {"staging": "main", "prod": "main"})
    ambiguous = sleakops_cli("build", "-p", "payments", "-b", "main")
    assert ambiguous.code == 1
    assert "Multiple projects found with the same name and branch" in ambiguous.out
    assert sleakops_cli("build", "-p", "payments", "-b", "main", "-e", "staging").code == 0


def test_transient_5xx_during_polls_is_tolerated(
    sleakops: RunningSleakOps, sleakops_cli: Cli
) -> None:
    sleakops.control.queue_script("build", initial_polls=0, creating_polls=1)
    sleakops.control.add_fault(
        "bad_gateway", route="/api/cli-build/*/", method="GET", on_requests=[2]
    )
    result = sleakops_cli("build", "-p", "shipdeck-demo", "-b", "main", "--wait")

    assert result.code == 0, result.out
    polls = sleakops.control.request_log(method="GET")
    assert [p.status for p in polls] == [200, 502, 200]
    assert [p.poll_number for p in polls] == [1, 2, 3]
    [release] = sleakops.control.releases()
    assert (release["polls"], release["served_polls"]) == (3, 2)


def test_missing_state_crashes_the_cli(sleakops: RunningSleakOps, sleakops_cli: Cli) -> None:
    sleakops.control.queue_script("build", steps=[{"state": "initial", "omit_state": True}])
    result = sleakops_cli("build", "-p", "shipdeck-demo", "-b", "main", "--wait")
    assert result.code == 1
    assert "KeyError: 'state'" in result.out


def test_connection_reset_is_could_not_reach(sleakops: RunningSleakOps, sleakops_cli: Cli) -> None:
    sleakops.control.fault_once("reset", route="/api/cli-build/")
    result = sleakops_cli("build", "-p", "shipdeck-demo", "-b", "main")
    assert result.code == 1
    assert result.out.strip() == f"Could not reach {sleakops.api_url}cli-build/"


def test_login_then_cluster_access_refreshes_an_expired_token(
    sleakops_factory: Callable[..., RunningSleakOps], sleakops_cli: Cli, tmp_path: Path
) -> None:
    sim = sleakops_factory(access_lifetime_s=1, refresh_delivery="cookie")
    login = sleakops_cli("login", "-e", "demo@shipdeck.local", "-p", "shipdeck-demo", sim=sim)
    assert login.code == 0, login.out
    assert "Successfully logged in as demo@shipdeck.local" in login.out
    assert "Selected account: Shipdeck Demo" in login.out
    credentials = json.loads((tmp_path / ".sleakops" / "credentials.json").read_text())
    assert credentials["refresh"]  # taken from the refresh_token cookie
    account_id = credentials["account_id"]

    time.sleep(1.2)  # the access token expires
    access = sleakops_cli("get-access-cluster", sim=sim, stdin=AWS_ANSWERS)

    assert access.code == 0, access.out
    assert "Successfully configured access to cluster 'shipdeck-local'" in access.out
    kubeconfig = (tmp_path / ".kube" / "config").read_text()
    assert "AKIAEXAMPLE" in kubeconfig
    assert "<INSERT_AWS" not in kubeconfig
    calls = [(e.method, e.path, e.status) for e in sim.control.request_log()]
    assert calls[-4:-1] == [
        ("GET", "/api/cluster/", 401),
        ("POST", "/api/token/refresh/", 200),
        ("GET", "/api/cluster/", 200),
    ]
    assert calls[-1][1].startswith("/console/api/cluster/")
    assert calls[-1][2] == 200
    bearer_calls = [
        e for e in sim.control.request_log() if e.path.endswith(("cluster/", "kube-config/"))
    ]
    assert all(e.auth_scheme == "Bearer" and e.account == account_id for e in bearer_calls)


def test_failed_refresh_prints_authentication_failed(
    sleakops: RunningSleakOps, sleakops_cli: Cli
) -> None:
    assert sleakops_cli("login", "-e", "demo@shipdeck.local", "-p", "shipdeck-demo").code == 0
    sleakops.control.fault_once("unauthorized", route="/api/cluster/")
    sleakops.control.fault_once("unauthorized", route="/api/token/refresh/")
    result = sleakops_cli("get-access-cluster", stdin=AWS_ANSWERS)
    assert result.code == 1
    assert "Authentication failed" in result.out


def test_wrong_password_prints_the_json_body(sleakops_cli: Cli) -> None:
    result = sleakops_cli("login", "-e", "demo@shipdeck.local", "-p", "nope")
    assert result.code == 1
    assert "Unable to log in with provided credentials." in result.out
