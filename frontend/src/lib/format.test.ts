import { describe, expect, it } from "vitest";
import { duration, relativeTime } from "./format";

const now = Date.parse("2026-06-01T12:00:00Z");

describe("relativeTime", () => {
  it.each([
    ["2026-06-01T11:59:40Z", "just now"],
    ["2026-06-01T11:57:00Z", "3 minutes ago"],
    ["2026-06-01T09:00:00Z", "3 hours ago"],
    ["2026-05-31T12:00:00Z", "yesterday"],
  ])("%s", (iso, expected) => {
    expect(relativeTime(iso, now)).toBe(expected);
  });
});

describe("duration", () => {
  it("reads like a person would say it", () => {
    expect(duration("2026-06-01T12:00:00Z", "2026-06-01T12:00:07Z")).toBe("7 s");
    expect(duration("2026-06-01T12:00:00Z", "2026-06-01T12:02:05Z")).toBe("2 min 5 s");
    expect(duration("2026-06-01T12:00:00Z", "2026-06-01T13:30:00Z")).toBe("1 h 30 min");
    expect(duration("2026-06-01T12:00:00Z", null, now + 3000)).toBe("3 s");
  });
});
