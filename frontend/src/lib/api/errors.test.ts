import { describe, expect, it } from "vitest";
import {
  ApiError,
  NetworkError,
  StreamError,
  StreamInterrupted,
  UserFacingError,
  apiErrorFrom,
  describeError,
  parseRetryAfter,
} from "./errors";

const headers = (init: Record<string, string> = {}) => new Headers(init);

describe("apiErrorFrom", () => {
  it("reads the API's error shape", () => {
    const e = apiErrorFrom(409, headers(), { error: { code: "last_owner", message: "A team needs at least one owner." } });
    expect(e).toBeInstanceOf(ApiError);
    expect(e.status).toBe(409);
    expect(e.code).toBe("last_owner");
    expect(e.message).toBe("A team needs at least one owner.");
  });

  it("exposes validation details as field errors", () => {
    const e = apiErrorFrom(422, headers(), {
      error: {
        code: "validation_error",
        message: "Some fields are invalid.",
        details: [{ field: "name", message: "String should match pattern" }, { nonsense: true }],
      },
    });
    expect(e.fieldErrors).toEqual([{ field: "name", message: "String should match pattern" }]);
  });

  it("copes with answers that are not ours (a proxy's HTML page)", () => {
    const e = apiErrorFrom(502, headers(), "<html>Bad gateway</html>");
    expect(e.code).toBe("bad_gateway");
    expect(e.message).toContain("502");
  });

  it("keeps Retry-After in seconds", () => {
    const e = apiErrorFrom(429, headers({ "Retry-After": "12" }), { error: { code: "rate_limited", message: "Too many requests; try again later." } });
    expect(e.retryAfter).toBe(12);
  });

  it("knows a signed-out answer from a wrong password", () => {
    expect(apiErrorFrom(401, headers(), { error: { code: "session_expired", message: "" } }).isSignedOut).toBe(true);
    expect(apiErrorFrom(401, headers(), { error: { code: "not_authenticated", message: "" } }).isSignedOut).toBe(true);
    expect(apiErrorFrom(401, headers(), { error: { code: "invalid_credentials", message: "" } }).isSignedOut).toBe(false);
  });
});

describe("parseRetryAfter", () => {
  it("reads seconds and HTTP dates", () => {
    expect(parseRetryAfter("5")).toBe(5);
    expect(parseRetryAfter(null)).toBeNull();
    expect(parseRetryAfter("soon")).toBeNull();
    const inTwoMinutes = new Date(Date.now() + 120_000).toUTCString();
    expect(parseRetryAfter(inTwoMinutes)).toBeGreaterThanOrEqual(118);
  });
});

describe("describeError: every failure mode has its own words", () => {
  const api = (status: number, code: string, message = "server words", retryAfter: number | null = null) =>
    new ApiError(status, code, message, undefined, retryAfter);

  it.each([
    [api(503, "ai_unavailable", "x", 30), /AI co-pilot \(DeepSeek\) is unavailable.*30 seconds/],
    [api(429, "ai_quota_exceeded"), /used today's AI allowance/],
    [api(503, "sleakops_unavailable"), /SleakOps is not answering, so nothing was started/],
    [api(422, "sleakops_rejected", "Environment 'qa' not found"), /SleakOps refused the request: Environment 'qa' not found/],
    [api(403, "forbidden"), /role in this team doesn't allow this/],
    [api(503, "database_unavailable", "x", 5), /briefly unavailable\. Try again in 5 seconds/],
    [api(503, "dynamodb_unavailable"), /briefly unavailable/],
    [api(429, "too_many_failed_logins", "Too many failed sign-ins; wait before trying again.", 900), /Too many failed sign-ins.*15 minutes/],
    [api(401, "session_expired"), /session has ended/],
    [new NetworkError(), /can't be reached/],
    [new StreamInterrupted(), /cut off/],
    [new StreamError("ai_unavailable", "x"), /stopped answering part-way/],
    [new StreamError("ai_quota_exceeded", "x"), /AI allowance/],
    [new UserFacingError("Open it from the dashboard."), /Open it from the dashboard\./],
  ])("%s", (error, expected) => {
    expect(describeError(error)).toMatch(expected);
  });

  it("points at the fields for validation errors, and uses the server's words otherwise", () => {
    const withFields = new ApiError(422, "validation_error", "Some fields are invalid.", [{ field: "name", message: "bad" }]);
    expect(describeError(withFields)).toMatch(/next to them/);
    expect(describeError(api(409, "slug_taken", "The team already has a project with this slug."))).toBe(
      "The team already has a project with this slug.",
    );
  });

  it("never shows an internal exception's text", () => {
    expect(describeError(new TypeError("undefined is not a function"))).not.toContain("undefined");
  });
});
