"""Each test gets its own simulator on its own loopback port: no state is shared."""

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


@pytest.fixture
def deepseek_factory() -> Iterator[Callable[..., RunningDeepSeek]]:
    served: list[ServedApp] = []

    def start(**settings: object) -> RunningDeepSeek:
        config = DeepSeekConfig.model_validate(
            {"chunk_delay_s": 0.0, "keepalive_interval_s": 0.05, **settings}
        )
        app = ServedApp(create_deepseek(config))
        app.start()
        served.append(app)
        return RunningDeepSeek(app.base_url, DeepSeekControl(app.base_url))

    yield start
    for app in served:
        app.stop()


@pytest.fixture
def deepseek(deepseek_factory: Callable[..., RunningDeepSeek]) -> RunningDeepSeek:
    return deepseek_factory()


@pytest.fixture
def sleakops_factory() -> Iterator[Callable[..., RunningSleakOps]]:
    served: list[ServedApp] = []

    def start(**settings: object) -> RunningSleakOps:
        config = SleakOpsConfig.model_validate(
            {"build_steps": FAST_STEPS, "deploy_steps": FAST_STEPS, **settings}
        )
        app = ServedApp(create_sleakops(config))
        app.start()
        served.append(app)
        return RunningSleakOps(app.base_url, SleakOpsControl(app.base_url))

    yield start
    for app in served:
        app.stop()


@pytest.fixture
def sleakops(sleakops_factory: Callable[..., RunningSleakOps]) -> RunningSleakOps:
    return sleakops_factory()


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
