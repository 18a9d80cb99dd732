/**
 * The error family every API call throws. Callers never inspect `{error}` objects: a call either
 * returns its data or throws one of these.
 */

export interface FieldError {
  /** Dotted path of the field as the API names it, e.g. `email` or `environments.0.branch`. */
  field: string;
  message: string;
}

/** The API answered with an error body `{"error": {code, message, details?}}`. */
export class ApiError extends Error {
  override readonly name = "ApiError";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: unknown = undefined,
    /** Seconds from `Retry-After`, when the answer carried one. */
    readonly retryAfter: number | null = null,
    /** False when something in between (a proxy, a load balancer) answered, not Shipdeck. */
    readonly fromShipdeck: boolean = true,
  ) {
    super(message);
  }

  /** Field errors of a 422 `validation_error`, keyed by field name. */
  get fieldErrors(): FieldError[] {
    if (!Array.isArray(this.details)) return [];
    return this.details.filter(
      (d): d is FieldError =>
        typeof d === "object" && d !== null && typeof d.field === "string" && typeof d.message === "string",
    );
  }

  /** The caller is signed out (no session, or the session expired). */
  get isSignedOut(): boolean {
    return this.status === 401 && (this.code === "not_authenticated" || this.code === "session_expired");
  }
}

/** The request never got an answer: offline, DNS, connection refused or reset. */
export class NetworkError extends Error {
  override readonly name = "NetworkError";
  constructor(cause: unknown = undefined) {
    super("The network request failed.", { cause });
  }
}

/** An AI answer failed after it had started streaming (`{"type":"error"}` frame). */
export class StreamError extends Error {
  override readonly name = "StreamError";
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The stream ended without its closing `done` frame (connection cut mid-answer). */
export class StreamInterrupted extends Error {
  override readonly name = "StreamInterrupted";
  constructor() {
    super("The answer stopped before it was complete.");
  }
}

/** A failure whose message is already written for people (e.g. a link missing its id). */
export class UserFacingError extends Error {
  override readonly name = "UserFacingError";
}

const STATUS_TEXT: Record<number, string> = {
  400: "bad_request",
  401: "not_authenticated",
  403: "forbidden",
  404: "not_found",
  409: "conflict",
  413: "payload_too_large",
  422: "validation_error",
  429: "rate_limited",
  502: "bad_gateway",
  503: "service_unavailable",
  504: "gateway_timeout",
};

export function parseRetryAfter(value: string | null): number | null {
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds);
  const at = Date.parse(value);
  if (Number.isNaN(at)) return null;
  return Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

/** Builds the ApiError for a non-2xx answer from its (already parsed, possibly absent) body. */
export function apiErrorFrom(status: number, headers: Headers, body: unknown): ApiError {
  const retryAfter = parseRetryAfter(headers.get("retry-after"));
  const error = typeof body === "object" && body !== null ? (body as { error?: unknown }).error : undefined;
  if (typeof error === "object" && error !== null) {
    const e = error as { code?: unknown; message?: unknown; details?: unknown };
    return new ApiError(
      status,
      typeof e.code === "string" ? e.code : (STATUS_TEXT[status] ?? "error"),
      typeof e.message === "string" ? e.message : `Shipdeck answered with an unexpected error (${status}).`,
      e.details,
      retryAfter,
    );
  }
  // Not our error shape: a proxy or load balancer answered (502 page, empty 504...).
  return new ApiError(
    status,
    STATUS_TEXT[status] ?? "error",
    `Shipdeck answered with an unexpected error (${status}). Try again, or reload the page.`,
    undefined,
    retryAfter,
    false,
  );
}

/** Reads an error response's body whatever it is, then builds the ApiError. */
export async function apiErrorFromResponse(response: Response): Promise<ApiError> {
  let body: unknown = undefined;
  try {
    const text = await response.text();
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return apiErrorFrom(response.status, response.headers, body);
}

export function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === "AbortError";
}

function waitHint(seconds: number | null): string {
  if (seconds === null) return "Try again in a moment.";
  if (seconds <= 1) return "Try again in a second.";
  if (seconds < 90) return `Try again in ${seconds} seconds.`;
  return `Try again in ${Math.round(seconds / 60)} minutes.`;
}

/**
 * The sentence to show a person for any failure. Specific codes get specific guidance; anything
 * else falls back to the server's own message, which is written for people too.
 */
export function describeError(error: unknown): string {
  if (error instanceof NetworkError) {
    return "Shipdeck can't be reached. Check your connection; nothing was changed.";
  }
  if (error instanceof StreamInterrupted) {
    return "The answer was cut off before it finished (the connection dropped). Try again.";
  }
  if (error instanceof StreamError) {
    if (error.code === "ai_quota_exceeded") {
      return "Your team has used today's AI allowance. It resets at midnight UTC.";
    }
    if (error.code === "ai_unavailable") {
      return "The AI co-pilot stopped answering part-way. Try again in a minute.";
    }
    return `The answer failed part-way: ${error.message}`;
  }
  if (error instanceof ApiError) {
    switch (error.code) {
      case "ai_quota_exceeded":
        return "Your team has used today's AI allowance. It resets at midnight UTC; ask an owner if you need more.";
      case "ai_unavailable":
        return `The AI co-pilot (DeepSeek) is unavailable right now. ${waitHint(error.retryAfter)}`;
      case "sleakops_unavailable":
        return `SleakOps is not answering, so nothing was started. ${waitHint(error.retryAfter)}`;
      case "sleakops_rejected":
        return `SleakOps refused the request: ${error.message}`;
      case "forbidden":
        return "Your role in this team doesn't allow this. Ask a team owner.";
      case "csrf_rejected":
        return "This page is not allowed to make changes to Shipdeck from where it is served. Reload it from Shipdeck's own address.";
      case "database_unavailable":
      case "dynamodb_unavailable":
      case "service_unavailable":
      case "shutting_down":
        return `Shipdeck is briefly unavailable. ${waitHint(error.retryAfter)}`;
      case "rate_limited":
      case "too_many_failed_logins":
        return `${error.message.replace(/\.$/, "")}. ${waitHint(error.retryAfter)}`;
      case "validation_error":
        return error.fieldErrors.length
          ? "Some fields need attention; see the messages next to them."
          : error.message;
      case "not_authenticated":
      case "session_expired":
        return "Your session has ended. Sign in again to continue.";
      case "bad_gateway":
      case "gateway_timeout":
        return `Shipdeck did not answer in time. ${waitHint(error.retryAfter)}`;
      default:
        return error.message;
    }
  }
  if (error instanceof UserFacingError) return error.message;
  if (isAbort(error)) return "Stopped.";
  return "Something went wrong. Reload the page and try again.";
}
