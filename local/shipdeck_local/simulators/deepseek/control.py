"""Test-side client for the DeepSeek simulator's control API."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from shipdeck_local.simulators.common.control_client import SimulatorControl, fault_header

__all__ = ["DeepSeekControl", "fault_header"]


class DeepSeekControl(SimulatorControl):
    def queue_reply(
        self,
        content: str | None = None,
        *,
        reasoning: str | None = None,
        tool_calls: list[dict[str, Any]] | None = None,
        marker: str | None = None,
        finish_reason: str | None = None,
        times: int = 1,
    ) -> dict[str, Any]:
        """Script the next answer(s).

        ``tool_calls`` items look like ``{"name": ..., "arguments": {...}}``.
        """
        reply = {
            "content": content,
            "reasoning": reasoning,
            "tool_calls": tool_calls or [],
            "marker": marker,
            "finish_reason": finish_reason,
            "times": times,
        }
        result: dict[str, Any] = self._call("POST", "/_sim/replies", json=reply)
        return result

    def pending_replies(self) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = self._call("GET", "/_sim/replies")
        return result

    def clear_replies(self) -> None:
        self._call("DELETE", "/_sim/replies")

    def balance(self) -> dict[str, Any]:
        result: dict[str, Any] = self._call("GET", "/_sim/balance")
        return result

    def set_balance(
        self,
        *,
        topped_up: Decimal | str | float = "20.00",
        granted: Decimal | str | float = "0.00",
        currency: str = "USD",
    ) -> dict[str, Any]:
        body = [
            {
                "currency": currency,
                "granted_balance": str(granted),
                "topped_up_balance": str(topped_up),
            }
        ]
        result: dict[str, Any] = self._call("PUT", "/_sim/balance", json=body)
        return result
