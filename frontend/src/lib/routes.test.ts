import { describe, expect, it } from "vitest";
import { routes, safeNext } from "./routes";

describe("safeNext", () => {
  it.each([
    ["/project/?id=abc", "/project/?id=abc"],
    ["/team/?id=t#project-p", "/team/?id=t#project-p"],
    [null, "/"],
    ["https://evil.example.com/", "/"],
    ["//evil.example.com/x", "/"],
    ["/\\evil.example.com", "/"],
    ["javascript:alert(1)", "/"],
    ["/signin/?next=/x", "/"],
  ])("%s → %s", (input, expected) => {
    expect(safeNext(input)).toBe(expected);
  });
});

describe("routes", () => {
  it("builds the static pages' addresses with their query", () => {
    expect(routes.project("p 1")).toBe("/project/?id=p+1");
    expect(routes.assistant("p1")).toBe("/assistant/?project=p1");
    expect(routes.assistant("p1", "c1")).toBe("/assistant/?project=p1&c=c1");
    expect(routes.signIn("/x?y=1", "expired")).toBe("/signin/?next=%2Fx%3Fy%3D1&reason=expired");
  });
});
