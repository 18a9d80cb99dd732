import { describe, expect, it } from "vitest";
import { RELEASE_STATES, isFinished, releaseTarget, stateInfo } from "./states";

describe("release states", () => {
  it("every state has a word and a symbol, so colour is never the only signal", () => {
    const labels = new Set<string>();
    const glyphs = new Set<string>();
    for (const info of Object.values(RELEASE_STATES)) {
      expect(info.label.length).toBeGreaterThan(2);
      labels.add(info.label);
      glyphs.add(info.glyph);
    }
    expect(labels.size).toBe(Object.keys(RELEASE_STATES).length);
    expect(glyphs.size).toBe(Object.keys(RELEASE_STATES).length);
  });

  it("knows which states are final", () => {
    expect(["initial", "creating"].map(isFinished)).toEqual([false, false]);
    expect(["created", "error", "timed_out", "submit_failed"].map(isFinished)).toEqual([true, true, true, true]);
  });

  it("shows an unknown state by its name rather than hiding it", () => {
    expect(stateInfo("updating").label).toBe("updating");
  });

  it("says what a release ships", () => {
    expect(releaseTarget({ kind: "build", branch: "main", commit: "0123456789abcdef", tag: "v1", image: null })).toBe(
      "branch main @ 0123456789 tag v1",
    );
    expect(releaseTarget({ kind: "deploy", branch: null, tag: null, image: null })).toBe("image latest");
    expect(releaseTarget({ kind: "deploy", branch: null, tag: "v2", image: "web:v2" })).toBe("image web:v2, tag v2");
  });
});
