"""SleakOps simulator: the API the `sleakops` CLI talks to (see docs/simulators.md and
external-apis.md §2 and §3.2)."""

from shipdeck_local.simulators.sleakops.app import SleakOpsSimulator, create_app
from shipdeck_local.simulators.sleakops.config import (
    DEMO_ACCOUNT,
    DEMO_PROJECT,
    LOCAL_API_KEY,
    AccountFixture,
    ClusterFixture,
    EnvironmentFixture,
    ProjectFixture,
    SleakOpsConfig,
    Step,
    UserFixture,
    default_steps,
)

DEFAULT_PORT = 8102

__all__ = [
    "DEFAULT_PORT",
    "DEMO_ACCOUNT",
    "DEMO_PROJECT",
    "LOCAL_API_KEY",
    "AccountFixture",
    "ClusterFixture",
    "EnvironmentFixture",
    "ProjectFixture",
    "SleakOpsConfig",
    "SleakOpsSimulator",
    "Step",
    "UserFixture",
    "create_app",
    "default_steps",
]
