import { describe, expect, it } from "vitest";
import { ApiError, NetworkError } from "../../lib/api/errors";
import { IdempotencyKeys, outcomeUnknown } from "./idempotency";

function keys() {
  let n = 0;
  return new IdempotencyKeys(() => `key-${++n}`);
}

const sleakopsDown = new ApiError(503, "sleakops_unavailable", "SleakOps is unavailable right now.");
const proxy502 = new ApiError(502, "bad_gateway", "x", undefined, null, false);

describe("Idempotency-Key per user action", () => {
  it("retrying after no answer reuses the key, so a second release is never started", async () => {
    const k = keys();
    const sent: string[] = [];
    const request = { branch: "main" };
    await expect(k.run(request, async (key) => (sent.push(key), Promise.reject(new NetworkError())))).rejects.toThrow();
    await expect(k.run(request, async (key) => (sent.push(key), Promise.reject(proxy502)))).rejects.toThrow();
    await k.run(request, async (key) => sent.push(key));
    expect(sent).toEqual(["key-1", "key-1", "key-1"]);
  });

  it("after Shipdeck answered (even 'SleakOps unavailable'), trying again is a new action", async () => {
    const k = keys();
    const sent: string[] = [];
    await expect(k.run({ branch: "main" }, async (key) => (sent.push(key), Promise.reject(sleakopsDown)))).rejects.toThrow();
    await k.run({ branch: "main" }, async (key) => sent.push(key));
    await k.run({ branch: "main" }, async (key) => sent.push(key));
    expect(sent).toEqual(["key-1", "key-2", "key-3"]);
  });

  it("a changed request gets its own key", () => {
    const k = keys();
    expect(k.keyFor({ branch: "main" })).toBe("key-1");
    expect(k.keyFor({ branch: "main" })).toBe("key-1");
    expect(k.keyFor({ branch: "release" })).toBe("key-2");
  });

  it("knows which failures leave the outcome unknown", () => {
    expect(outcomeUnknown(new NetworkError())).toBe(true);
    expect(outcomeUnknown(proxy502)).toBe(true);
    expect(outcomeUnknown(new ApiError(500, "internal_error", "x"))).toBe(true);
    expect(outcomeUnknown(sleakopsDown)).toBe(false);
    expect(outcomeUnknown(new ApiError(422, "validation_error", "x"))).toBe(false);
    expect(outcomeUnknown(new ApiError(403, "forbidden", "x"))).toBe(false);
  });
});
