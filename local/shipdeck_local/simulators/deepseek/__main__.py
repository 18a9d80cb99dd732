"""python -m shipdeck_local.simulators.deepseek [--host 127.0.0.1] [--port 8101]"""

from shipdeck_local.simulators.common.runner import run_simulator
from shipdeck_local.simulators.deepseek import DEFAULT_PORT, DeepSeekConfig, create_app

if __name__ == "__main__":
    run_simulator(
        name="deepseek",
        default_port=DEFAULT_PORT,
        config_type=DeepSeekConfig,
        create_app=create_app,
    )
