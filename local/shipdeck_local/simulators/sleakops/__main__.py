"""python -m shipdeck_local.simulators.sleakops [--host 127.0.0.1] [--port 8102]"""

from shipdeck_local.simulators.common.runner import run_simulator
from shipdeck_local.simulators.sleakops import DEFAULT_PORT, SleakOpsConfig, create_app

if __name__ == "__main__":
    run_simulator(
        name="sleakops",
        default_port=DEFAULT_PORT,
        config_type=SleakOpsConfig,
        create_app=create_app,
        # Build and deployment ids must not repeat when the local run restarts the simulator
        # while Shipdeck's database keeps the old ones.
        fresh_seed=True,
    )
