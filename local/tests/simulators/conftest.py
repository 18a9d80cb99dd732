"""Simulators for the tests, on real loopback ports.

`deepseek` / `sleakops` share one server per session and reset it before each test, so every
test starts from the initial state; `*_factory` starts a fresh server with other settings.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import openai
import pytest

from shipdeck_local.serve import ServedApp
from shipdeck_local.simulators.deepseek import LOCAL_API_KEY as DEEPSEEK_KEY
from shipdeck_local.simulators.deepseek import DeepSeekConfig
from shipdeck_local.simulators.deepseek import create_app as create_deepseek
from shipdeck_local.simulators.deepseek.control import DeepSeekControl
from shipdeck_local.simulators.sleakops import LOCAL_API_KEY as SLEAKOPS_KEY
from shipdeck_local.simulators.sleakops import SleakOpsConfig, Step
from shipdeck_local.simulators.sleakops import create_app as create_sleakops
from shipdeck_local.simulators.sleakops.control import SleakOpsControl

# Fast, poll-driven progress: a --wait run sees initial, creating, created in three polls.
FAST_STEPS = [
    Step(state="initial", polls=1),
    Step(state="creating", polls=1),
    Step(state="created"),
]


@dataclass
class RunningDeepSeek:
    url: str
    control: DeepSeekControl

    def client(
        self,
        *,
        base: str = "",
        max_retries: int = 0,
        timeout: openai.Timeout | None = None,
    ) -> openai.OpenAI:
        return openai.OpenAI(
            api_key=DEEPSEEK_KEY,
            base_url=self.url + base,
            max_retries=max_retries,
            timeout=timeout or openai.Timeout(10.0, connect=2.0),
        )


@dataclass
class RunningSleakOps:
    url: str
    control: SleakOpsControl

    @property
    def api_url(self) -> str:
        return self.url + "/api/"


def _deepseek_config(**settings: object) -> DeepSeekConfig:
    return DeepSeekConfig.model_validate(
        {"chunk_delay_s": 0.0, "keepalive_interval_s": 0.05, **settings}
    )


def _sleakops_config(**settings: object) -> SleakOpsConfig:
    return SleakOpsConfig.model_validate(
        {"build_steps": FAST_STEPS, "deploy_steps": FAST_STEPS, **settings}
    )


@pytest.fixture
def deepseek_factory() -> Iterator[Callable[..., RunningDeepSeek]]:
    """A fresh simulator with the given settings, stopped after the test."""
    served: list[ServedApp] = []

    def start(**settings: object) -> RunningDeepSeek:
        app = ServedApp(create_deepseek(_deepseek_config(**settings)))
        app.start()
        served.append(app)
        return RunningDeepSeek(app.base_url, DeepSeekControl(app.base_url))

    yield start
    for app in served:
        app.stop()


@pytest.fixture(scope="session")
def _deepseek_server() -> Iterator[ServedApp]:
    with ServedApp(create_deepseek(_deepseek_config())) as app:
        yield app


@pytest.fixture
def deepseek(_deepseek_server: ServedApp) -> RunningDeepSeek:
    """The default simulator, reset to its initial state for this test."""
    sim = RunningDeepSeek(_deepseek_server.base_url, DeepSeekControl(_deepseek_server.base_url))
    sim.control.reset()
    return sim


@pytest.fixture
def sleakops_factory() -> Iterator[Callable[..., RunningSleakOps]]:
    """A fresh simulator with the given settings, stopped after the test."""
    served: list[ServedApp] = []

    def start(**settings: object) -> RunningSleakOps:
        app = ServedApp(create_sleakops(_sleakops_config(**settings)))
        app.start()
        served.append(app)
        return RunningSleakOps(app.base_url, SleakOpsControl(app.base_url))

    yield start
    for app in served:
        app.stop()


@pytest.fixture(scope="session")
def _sleakops_server() -> Iterator[ServedApp]:
    with ServedApp(create_sleakops(_sleakops_config())) as app:
        yield app


@pytest.fixture
def sleakops(_sleakops_server: ServedApp) -> RunningSleakOps:
    """The default simulator, reset to its initial state for this test."""
    sim = RunningSleakOps(_sleakops_server.base_url, SleakOpsControl(_sleakops_server.base_url))
    sim.control.reset()
    return sim


@dataclass
class CliResult:
    code: int
    out: str


@pytest.fixture
def sleakops_cli(sleakops: RunningSleakOps, tmp_path: Path) -> Callable[..., CliResult]:
    """Run the published `sleakops` CLI against a simulator (by default the `sleakops`
    fixture's), with HOME in a temp dir so credentials and kubeconfig stay there."""
    executable = Path(sys.executable).with_name("sleakops")

    def run(
        *args: str,
        sim: RunningSleakOps | None = None,
        key: str | None = SLEAKOPS_KEY,
        stdin: str = "",
    ) -> CliResult:
        target = sim or sleakops
        env = {
            **os.environ,
            "HOME": str(tmp_path),
            "SLEAKOPS_API_URL": target.api_url,
            "SLEAKOPS_CONSOLE_API_URL": target.url + "/console/api/",
            "SLEEP_TIME": "1",
        }
        env.pop("SLEAKOPS_KEY", None)
        if key is not None:
            env["SLEAKOPS_KEY"] = key
        done = subprocess.run(
            [str(executable), *args],
            env=env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        return CliResult(done.returncode, done.stdout + done.stderr)

    return run
