"""DeepSeek simulator: an OpenAI-compatible chat API that behaves like DeepSeek's (see
docs/simulators.md and external-apis.md §1 and §3.1)."""

from shipdeck_local.simulators.deepseek.app import DeepSeekSimulator, create_app
from shipdeck_local.simulators.deepseek.config import (
    LOCAL_API_KEY,
    BalanceInfo,
    DeepSeekConfig,
    ModelPrice,
    ModelSpec,
)

DEFAULT_PORT = 8101

__all__ = [
    "DEFAULT_PORT",
    "LOCAL_API_KEY",
    "BalanceInfo",
    "DeepSeekConfig",
    "DeepSeekSimulator",
    "ModelPrice",
    "ModelSpec",
    "create_app",
]
