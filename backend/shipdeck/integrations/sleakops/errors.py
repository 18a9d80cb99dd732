from __future__ import annotations

from shipdeck.errors import NotFound, ServiceUnavailable, ShipdeckError


class SleakOpsUnavailable(ServiceUnavailable):
    """Down, slow, erroring, refusing our key, or paused by the breaker."""

    code = "sleakops_unavailable"
    message = "SleakOps is unavailable right now; try again in a moment."


class SleakOpsRejected(ShipdeckError):
    """SleakOps understood the request and refused it (unknown project, ambiguous name…)."""

    status_code = 422
    code = "sleakops_rejected"
    message = "SleakOps refused the request."


class SleakOpsNotFound(NotFound):
    code = "sleakops_not_found"
    message = "SleakOps does not know this build or deployment."
