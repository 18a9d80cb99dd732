"""Usage arithmetic, the prefix cache and the balance ledger."""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from decimal import ROUND_DOWN, Decimal
from typing import Any

from shipdeck_local.simulators.deepseek.config import BalanceInfo, ModelPrice
from shipdeck_local.simulators.deepseek.tokens import MESSAGE_OVERHEAD, count_text_tokens

MILLION = Decimal(1_000_000)
CENT = Decimal("0.01")


def message_tokens(message: dict[str, Any]) -> int:
    tokens = MESSAGE_OVERHEAD + count_text_tokens(str(message.get("content") or ""))
    for call in message.get("tool_calls") or []:
        function = call.get("function") or {}
        tokens += count_text_tokens(f"{function.get('name', '')} {function.get('arguments', '')}")
    return tokens


def prompt_tokens(messages: list[dict[str, Any]], tools: list[Any] | None) -> int:
    total = sum(message_tokens(m) for m in messages)
    if tools:
        total += count_text_tokens(json.dumps(tools))
    return total


def build_usage(
    *, prompt: int, hit: int, completion: int, reasoning: int, thinking: bool
) -> dict[str, Any]:
    usage: dict[str, Any] = {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
        "prompt_tokens_details": {"cached_tokens": hit},
    }
    if thinking:
        usage["completion_tokens_details"] = {"reasoning_tokens": reasoning}
    usage["prompt_cache_hit_tokens"] = hit
    usage["prompt_cache_miss_tokens"] = prompt - hit
    return usage


class PrefixCache:
    """Message-boundary prefixes seen before count as cache hits (DeepSeek stores units at
    request boundaries; a hit needs a whole unit)."""

    def __init__(self, capacity: int = 4096) -> None:
        self._units: OrderedDict[str, int] = OrderedDict()
        self._capacity = capacity

    def hit_tokens(self, messages: list[dict[str, Any]]) -> int:
        hit = 0
        running = 0
        digest = hashlib.sha256()
        keys: list[tuple[str, int]] = []
        for message in messages:
            digest.update(json.dumps(message, sort_keys=True, default=str).encode())
            running += message_tokens(message)
            key = digest.copy().hexdigest()
            keys.append((key, running))
            if key in self._units:
                hit = running
                self._units.move_to_end(key)
        for key, tokens in keys:
            self._units[key] = tokens
        while len(self._units) > self._capacity:
            self._units.popitem(last=False)
        return hit

    def clear(self) -> None:
        self._units.clear()


class Ledger:
    """Balances per currency; a call is paid from granted balance first, then topped-up."""

    def __init__(self, balances: list[BalanceInfo]) -> None:
        self.balances = [b.model_copy() for b in balances]

    def total(self) -> Decimal:
        return sum((b.granted_balance + b.topped_up_balance for b in self.balances), Decimal(0))

    def is_available(self) -> bool:
        return self.total() > 0

    def charge(self, price: ModelPrice, usage: dict[str, Any]) -> Decimal:
        cost = (
            Decimal(usage["prompt_cache_hit_tokens"]) * price.input_cache_hit
            + Decimal(usage["prompt_cache_miss_tokens"]) * price.input_cache_miss
            + Decimal(usage["completion_tokens"]) * price.output
        ) / MILLION
        remaining = cost
        for balance in self.balances:
            for field in ("granted_balance", "topped_up_balance"):
                available: Decimal = getattr(balance, field)
                taken = min(available, remaining)
                if taken > 0:
                    setattr(balance, field, available - taken)
                    remaining -= taken
        return cost

    def as_response(self) -> dict[str, Any]:
        def money(value: Decimal) -> str:
            return str(value.quantize(CENT, rounding=ROUND_DOWN))

        return {
            "is_available": self.is_available(),
            "balance_infos": [
                {
                    "currency": b.currency,
                    "total_balance": money(b.granted_balance + b.topped_up_balance),
                    "granted_balance": money(b.granted_balance),
                    "topped_up_balance": money(b.topped_up_balance),
                }
                for b in self.balances
            ],
        }
