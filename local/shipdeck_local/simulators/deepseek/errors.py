"""DeepSeek's error answers: the JSON shape, and the plain-text bodies of its web framework."""

from __future__ import annotations

from typing import Any

from shipdeck_local.simulators.common.exchange import Exchange

HTML_PROXY_PAGE = (
    "<html>\r\n<head><title>{status} {reason}</title></head>\r\n<body>\r\n"
    "<center><h1>{status} {reason}</h1></center>\r\n<hr><center>nginx</center>\r\n"
    "</body>\r\n</html>\r\n"
)

# Default message and type per status, for answers produced by faults.
STATUS_ERRORS: dict[int, tuple[str, str]] = {
    400: ("Invalid request", "invalid_request_error"),
    401: ("Authentication Fails, Your api key: ****test is invalid", "authentication_error"),
    402: ("Insufficient Balance", "unknown_error"),
    403: ("Forbidden", "invalid_request_error"),
    404: ("Not Found", "invalid_request_error"),
    408: ("Request Timeout", "invalid_request_error"),
    409: ("Conflict", "invalid_request_error"),
    422: ("Invalid parameters", "invalid_request_error"),
    429: ("Rate Limit Reached", "rate_limit_error"),
    500: ("Internal Server Error", "server_error"),
    502: ("Bad Gateway", "server_error"),
    503: ("Server overloaded, please try again later", "server_error"),
    504: ("Gateway Timeout", "server_error"),
}

REASONS = {
    400: "Bad Request",
    401: "Unauthorized",
    402: "Payment Required",
    403: "Forbidden",
    404: "Not Found",
    408: "Request Timeout",
    409: "Conflict",
    422: "Unprocessable Entity",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


def error_body(
    message: str, type_: str = "invalid_request_error", code: str | None = "invalid_request_error"
) -> dict[str, Any]:
    return {"error": {"message": message, "type": type_, "param": None, "code": code}}


def masked_key(key: str) -> str:
    return "****" + key[-4:] if key else "****"


async def respond_error(
    exchange: Exchange,
    status: int,
    message: str,
    type_: str = "invalid_request_error",
    code: str | None = "invalid_request_error",
) -> None:
    await exchange.respond_json(status, error_body(message, type_, code))


async def respond_framework_error(
    exchange: Exchange, status: int, text: str, json_errors: bool
) -> None:
    """400/422 from request parsing: plain text like the real service, or JSON if switched."""
    if json_errors:
        await respond_error(exchange, status, text)
    else:
        await exchange.respond_text(status, text)
