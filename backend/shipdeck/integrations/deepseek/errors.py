from __future__ import annotations

from shipdeck.errors import ServiceUnavailable, ShipdeckError


class AiUnavailable(ServiceUnavailable):
    """DeepSeek is down, slow, overloaded, broke the stream, or is paused by the breaker."""

    code = "ai_unavailable"
    message = "The AI co-pilot is unavailable right now; everything else keeps working."


class AiRejected(ShipdeckError):
    """DeepSeek refused the request itself (a malformed prompt, a filtered answer)."""

    status_code = 502
    code = "ai_rejected"
    message = "The AI service could not answer this request."
