"""Everything about the DeepSeek simulator that a test or the local run may want to change."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, Field

from shipdeck_local.simulators.common.simulator import SimulatorConfig

LOCAL_API_KEY = "sk-shipdeck-local"


class ModelPrice(BaseModel):
    """Per million tokens, in the balance's currency (keep rates in config: they change)."""

    input_cache_hit: Decimal
    input_cache_miss: Decimal
    output: Decimal


class ModelSpec(BaseModel):
    id: str
    # In-flight requests allowed per account for this model; beyond it, an immediate 429.
    concurrency_limit: int
    price: ModelPrice


class BalanceInfo(BaseModel):
    currency: Literal["USD", "CNY"] = "USD"
    granted_balance: Decimal = Decimal("0.00")
    topped_up_balance: Decimal = Decimal("20.00")


def _default_models() -> list[ModelSpec]:
    return [
        ModelSpec(
            id="deepseek-v4-flash",
            concurrency_limit=2500,
            price=ModelPrice(
                input_cache_hit=Decimal("0.0028"),
                input_cache_miss=Decimal("0.14"),
                output=Decimal("0.28"),
            ),
        ),
        ModelSpec(
            id="deepseek-v4-pro",
            concurrency_limit=500,
            price=ModelPrice(
                input_cache_hit=Decimal("0.003625"),
                input_cache_miss=Decimal("0.435"),
                output=Decimal("0.87"),
            ),
        ),
    ]


class DeepSeekConfig(SimulatorConfig):
    # Accepted keys, each mapped to the account it belongs to (concurrency is per account).
    api_keys: dict[str, str] = Field(default_factory=lambda: {LOCAL_API_KEY: "local"})
    models: list[ModelSpec] = Field(default_factory=_default_models)
    # deepseek-chat / deepseek-reasoner were retired on 2026-07-24: "reject" answers them with
    # 400 Model Not Exist; "accept" maps them to v4-flash non-thinking / thinking.
    legacy_aliases: Literal["accept", "reject"] = "reject"
    legacy_target: str = "deepseek-v4-flash"
    # Where streamed usage goes: on the last choice chunk (DeepSeek) or on an extra chunk with
    # no choices (OpenAI's layout, only when include_usage is set).
    usage_mode: Literal["deepseek", "openai_separate_chunk"] = "deepseek"
    # Malformed JSON (400) and wrong types (422) answer in plain text, as the real framework
    # does; True answers them in DeepSeek's JSON error shape instead.
    json_errors: bool = False
    # `stream_options` without `stream: true` is rejected with 400 (a guess; switchable).
    reject_stream_options_without_stream: bool = True
    # Arrays of content parts were rejected (422) in 2024-25; True joins their text parts.
    accept_content_parts: bool = False
    # Repeated message prefixes count as cache-hit tokens.
    prefix_cache: bool = True
    # Load: wait this long before inference, sending keep-alives every keepalive_interval_s;
    # past max_queue_wait_s the connection is closed with no further bytes.
    queue_delay_s: float = 0.0
    keepalive_interval_s: float = 1.0
    max_queue_wait_s: float = 600.0
    # Pause between streamed chunks (0 in tests; a few ms makes the local demo look alive).
    chunk_delay_s: float = 0.015
    balances: list[BalanceInfo] = Field(default_factory=lambda: [BalanceInfo()])
    default_max_tokens: int = 32768
    max_output_tokens: int = 393216
    system_fingerprint: str = "fp_8b330d02d0_prod0820_fp8_kvcache_20260402"
