"""The one application error family and the handlers that render every error the same way.

Every error a client sees is `{"error": {"code", "message", "details"?}}` with a stable `code`.
Routes raise; they never build error responses.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from pydantic import BaseModel


class ShipdeckError(Exception):
    status_code: ClassVar[int] = 400
    code: ClassVar[str] = "bad_request"
    message: ClassVar[str] = "The request could not be processed."

    def __init__(
        self,
        message: str | None = None,
        *,
        details: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.detail_message = message or self.message
        self.details = details
        self.headers = dict(headers or {})
        super().__init__(self.detail_message)


class BadRequest(ShipdeckError):
    pass


class ValidationFailed(ShipdeckError):
    status_code = 422
    code = "validation_error"
    message = "Some fields are invalid."


class InvalidJson(ShipdeckError):
    status_code = 400
    code = "invalid_json"
    message = "The request body is not valid JSON."


class InvalidCursor(ShipdeckError):
    status_code = 400
    code = "invalid_cursor"
    message = "The pagination cursor is invalid or expired."


class NotAuthenticated(ShipdeckError):
    status_code = 401
    code = "not_authenticated"
    message = "Sign in to continue."


class Forbidden(ShipdeckError):
    status_code = 403
    code = "forbidden"
    message = "Your role does not allow this action."


class CsrfRejected(ShipdeckError):
    status_code = 403
    code = "csrf_rejected"
    message = (
        "Cookie-authenticated writes must come from an allowed origin "
        "(send an Origin header, or authenticate with a Bearer token)."
    )


class NotFound(ShipdeckError):
    status_code = 404
    code = "not_found"
    message = "Not found."


class MethodNotAllowed(ShipdeckError):
    status_code = 405
    code = "method_not_allowed"
    message = "Method not allowed."


class Conflict(ShipdeckError):
    status_code = 409
    code = "conflict"
    message = "The request conflicts with the current state."


class PayloadTooLarge(ShipdeckError):
    status_code = 413
    code = "payload_too_large"
    message = "The request body is too large."


class UnsupportedMediaType(ShipdeckError):
    status_code = 415
    code = "unsupported_media_type"
    message = "Send the body as application/json."


class TooManyRequests(ShipdeckError):
    status_code = 429
    code = "rate_limited"
    message = "Too many requests; try again later."


class ServiceUnavailable(ShipdeckError):
    status_code = 503
    code = "service_unavailable"
    message = "The service is temporarily unavailable."


class DatabaseUnavailable(ServiceUnavailable):
    code = "database_unavailable"
    message = "The database is unreachable; try again in a few seconds."


class DynamoUnavailable(ServiceUnavailable):
    code = "dynamodb_unavailable"
    message = "The session and event store is unreachable; try again in a few seconds."


class ShuttingDown(ServiceUnavailable):
    code = "shutting_down"
    message = "This server is restarting; retry the request."


class ErrorBody(BaseModel):
    code: str
    message: str
    details: Any | None = None


class ErrorResponse(BaseModel):
    """The shape of every error response, declared in OpenAPI."""

    error: ErrorBody


def error_payload(code: str, message: str, details: Any = None) -> dict[str, Any]:
    body: dict[str, Any] = {"code": code, "message": message}
    if details is not None:
        body["details"] = details
    return {"error": body}


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses=` entries for the error statuses a route can return."""
    return {status: {"model": ErrorResponse} for status in statuses}


def validation_details(errors: Sequence[Any]) -> list[dict[str, Any]]:
    """Pydantic errors reduced to what a client can use (never echoes the input back)."""
    details = []
    for err in errors:
        loc = [str(part) for part in err.get("loc", ()) if part != "body"]
        details.append({"field": ".".join(loc), "message": err.get("msg", "invalid")})
    return details
