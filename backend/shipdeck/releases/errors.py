from __future__ import annotations

from shipdeck.errors import BadRequest, Conflict, NotFound, ShipdeckError


class ReleaseNotFound(NotFound):
    code = "release_not_found"
    message = "Release not found."


class IdempotencyKeyRequired(BadRequest):
    code = "idempotency_key_required"
    message = (
        "Send an Idempotency-Key header (a unique value per action, reused when retrying it) so "
        "that a retried request never starts a second build or deployment."
    )


class IdempotencyKeyReused(ShipdeckError):
    status_code = 422
    code = "idempotency_key_reused"
    message = "This Idempotency-Key was already used for a different request."


class BuildNotUsable(Conflict):
    code = "build_not_usable"
    message = "That build cannot be deployed."
