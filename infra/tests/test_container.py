"""The backend image and the docker compose topology, checked without a Docker engine."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from shipdeck import runtime_contract as contract

from .conftest import REPOSITORY_ROOT, Synthesis
from .settings_names import settings_field

DOCKERFILE = REPOSITORY_ROOT / "backend" / "Dockerfile"
COMPOSE = REPOSITORY_ROOT / "docker-compose.yml"
HAPROXY = REPOSITORY_ROOT / "deploy" / "compose" / "haproxy.cfg"


def _instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    joined = re.sub(r"\\\n", " ", text)
    result = []
    for line in joined.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        keyword, _, rest = line.partition(" ")
        result.append((keyword.upper(), rest.strip()))
    return result


def _stages() -> dict[str, list[tuple[str, str]]]:
    stages: dict[str, list[tuple[str, str]]] = {}
    current: list[tuple[str, str]] = []
    for keyword, rest in _instructions(DOCKERFILE.read_text()):
        if keyword == "FROM":
            name = rest.split(" AS ")[-1].strip() if " AS " in rest else rest
            current = stages.setdefault(name, [])
        current.append((keyword, rest))
    return stages


def _inherited(stages: dict[str, list[tuple[str, str]]], name: str) -> list[tuple[str, str]]:
    """A stage's instructions including those of the stages it builds FROM."""
    own = stages[name]
    parent = own[0][1].split(" AS ")[0].strip()
    return (_inherited(stages, parent) if parent in stages else []) + own


def test_dockerfile_is_multi_stage_with_runtime_last() -> None:
    stages = _stages()
    assert {"builder", "dev", "runtime"} <= set(stages)
    assert list(stages)[-1] == "runtime"  # `docker build` without --target gives production
    assert "slim" in DOCKERFILE.read_text().split("ARG PYTHON_IMAGE=")[1].split()[0]


@pytest.mark.parametrize("target", ["runtime", "dev"])
def test_final_stages_run_unprivileged_with_exec_form_entrypoint(target: str) -> None:
    instructions = _inherited(_stages(), target)
    users = [rest for keyword, rest in instructions if keyword == "USER"]
    assert users
    assert users[-1].split(":")[0] not in {"0", "root"}
    (entrypoint,) = [rest for keyword, rest in instructions if keyword == "ENTRYPOINT"]
    assert json.loads(entrypoint) == ["shipdeck"]  # exec form: SIGTERM reaches the app
    (cmd,) = [rest for keyword, rest in instructions if keyword == "CMD"]
    assert json.loads(cmd) == ["serve"]
    healthcheck = [rest for keyword, rest in instructions if keyword == "HEALTHCHECK"]
    assert healthcheck
    assert contract.LIVENESS_PATH in healthcheck[-1]
    assert "curl" not in healthcheck[-1]
    assert f"EXPOSE {contract.CONTAINER_PORT}" in [f"{k} {r}" for k, r in instructions]


def test_runtime_stage_copies_only_the_virtual_environment() -> None:
    runtime = _stages()["runtime"]
    copies = [rest for keyword, rest in runtime if keyword == "COPY"]
    assert copies == ["--from=builder /app/.venv /app/.venv"]
    builder = " ".join(rest for keyword, rest in _stages()["builder"] if keyword == "RUN")
    assert "uv sync --frozen --no-dev --package shipdeck" in builder


def test_image_defaults_are_settings_the_backend_reads() -> None:
    envs = " ".join(
        rest for keyword, rest in _instructions(DOCKERFILE.read_text()) if keyword == "ENV"
    )
    names = [n for n in re.findall(r"(SHIPDECK_[A-Z_]+)=", envs)]
    assert names
    assert [n for n in names if settings_field(n) is None] == []
    assert f"SHIPDECK_HTTP_PORT={contract.CONTAINER_PORT}" in envs


def test_dockerignore_is_an_allow_list() -> None:
    lines = [
        line
        for line in (REPOSITORY_ROOT / ".dockerignore").read_text().splitlines()
        if line and not line.startswith("#")
    ]
    assert lines[0] == "*"
    assert "!uv.lock" in lines
    assert "!backend/shipdeck/" in lines


@pytest.mark.parametrize("package", ["shipdeck", "shipdeck-local"])
def test_the_staged_build_context_resolves_from_the_lock(
    synthesis: Synthesis, tmp_path: Path, package: str
) -> None:
    """What the Dockerfile's `uv sync --frozen --package ...` sees is enough for uv: the
    workspace members' metadata and the lock are in the context CDK staged."""
    # `uv run` names itself in $UV; the Makefile's private uv is not on the PATH.
    uv = os.environ.get("UV") or shutil.which("uv")
    if uv is None:
        pytest.skip("uv is not on PATH")
    (staged,) = [p for p in synthesis.outdir.iterdir() if p.name.startswith("asset.")]
    context = tmp_path / "context"
    shutil.copytree(staged, context)
    exported = subprocess.run(
        [uv, "export", "--frozen", "--no-dev", "--no-hashes", "--package", package],
        cwd=context,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert "fastapi==" in exported
    assert "aws-cdk-lib" not in exported  # infrastructure tooling stays out of the image
    if package == "shipdeck-local":
        assert "pyjwt==" in exported  # the simulators' own dependency


def _compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(COMPOSE.read_text())
    return data


def test_compose_has_the_production_topology_in_miniature() -> None:
    services = _compose()["services"]
    assert services["mysql"]["image"].startswith("mysql:8")
    assert "dynamodb" in services["dynamodb"]["image"]
    replicas = [name for name in services if name.startswith("api-")]
    assert len(replicas) >= 2
    for name in replicas:
        service = services[name]
        assert service["build"]["target"] == "runtime"
        assert service["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        assert service["command"] == ["serve"]
    assert services["migrate"]["command"] == ["db", "upgrade"]
    assert services["migrate"]["restart"] == "no"
    assert services["migrate"]["depends_on"]["mysql"]["condition"] == "service_healthy"
    assert services["lb"]["ports"] == ["8000:8000"]


def test_compose_simulators_come_from_the_dev_image() -> None:
    services = _compose()["services"]
    for name, port in (("deepseek", 8101), ("sleakops", 8102)):
        service = services[name]
        assert service["build"]["target"] == "dev"
        assert service["entrypoint"] == ["python", "-m", f"shipdeck_local.simulators.{name}"]
        assert service["command"] == ["--host", "0.0.0.0", "--port", str(port)]  # noqa: S104


def test_compose_points_the_api_at_the_local_stand_ins() -> None:
    env = _compose()["services"]["api-1"]["environment"]
    assert [n for n in env if settings_field(n) is None] == []
    assert env["SHIPDECK_DYNAMODB_CREATE_TABLE"] == "true"
    assert env["SHIPDECK_DYNAMODB_ENDPOINT_URL"] == "http://dynamodb:8000"
    assert env["SHIPDECK_DEEPSEEK_API_KEY"] == "sk-shipdeck-local"
    assert env["SHIPDECK_SLEAKOPS_API_KEY"] == "shipdeck-local-key"
    assert env["SHIPDECK_DEEPSEEK_BASE_URL"] == "http://deepseek:8101"
    assert env["SHIPDECK_SLEAKOPS_BASE_URL"] == "http://sleakops:8102/api/"
    assert env["SHIPDECK_DATABASE_URL"].startswith("mysql+asyncmy://")


def test_compose_environment_is_valid_for_the_backend_settings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from shipdeck.settings import Settings

    env = _compose()["services"]["api-1"]["environment"]
    for name, value in env.items():
        monkeypatch.setenv(name, str(value))
    settings = Settings()
    assert settings.dynamodb.endpoint_url == "http://dynamodb:8000"
    assert settings.http.trusted_proxies
    assert settings.database_url.startswith("mysql+asyncmy://shipdeck:")


def test_load_balancer_checks_readiness_on_both_replicas() -> None:
    config = HAPROXY.read_text()
    assert f"uri {contract.READINESS_PATH}" in config
    assert "server api-1 api-1:8000 check" in config
    assert "server api-2 api-2:8000 check" in config
    timeout = int(re.search(r"timeout server (\d+)s", config).group(1))  # type: ignore[union-attr]
    assert contract.SSE_HEARTBEAT_SECONDS < timeout < contract.SERVER_KEEPALIVE_TIMEOUT_SECONDS


def test_haproxy_accepts_the_configuration() -> None:
    haproxy = shutil.which("haproxy")
    if haproxy is None:
        pytest.skip("haproxy is not installed (apt-get install haproxy)")
    result = subprocess.run(
        [haproxy, "-c", "-f", str(HAPROXY)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
