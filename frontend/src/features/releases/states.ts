import type { ReleaseKind, ReleaseState } from "../../lib/api/types";

export type Tone = "ok" | "bad" | "warn" | "busy" | "neutral";

interface StateInfo {
  label: string;
  glyph: string;
  tone: Tone;
  finished: boolean;
  description: string;
}

export const RELEASE_STATES: Record<ReleaseState, StateInfo> = {
  initial: { label: "Queued", glyph: "◷", tone: "neutral", finished: false, description: "Accepted by SleakOps, waiting to start." },
  creating: { label: "In progress", glyph: "↻", tone: "busy", finished: false, description: "SleakOps is working on it." },
  created: { label: "Succeeded", glyph: "✓", tone: "ok", finished: true, description: "Finished successfully." },
  error: { label: "Failed", glyph: "✕", tone: "bad", finished: true, description: "SleakOps reported an error." },
  timed_out: { label: "Timed out", glyph: "◔", tone: "warn", finished: true, description: "It did not finish before its deadline." },
  submit_failed: {
    label: "Not started",
    glyph: "!",
    tone: "bad",
    finished: true,
    description: "SleakOps refused the request or could not be reached.",
  },
};

export function stateInfo(state: string): StateInfo {
  return (
    RELEASE_STATES[state as ReleaseState] ?? {
      label: state,
      glyph: "?",
      tone: "neutral",
      finished: false,
      description: "",
    }
  );
}

export function isFinished(state: string): boolean {
  return stateInfo(state).finished;
}

export const KIND_LABEL: Record<ReleaseKind, string> = { build: "Build", deploy: "Deployment" };

export function kindLabel(kind: string): string {
  return KIND_LABEL[kind as ReleaseKind] ?? kind;
}

/** What a release ships, in a few words: image and tag for deployments, branch for builds. */
export function releaseTarget(r: { kind: string; branch: string | null; commit?: string | null; tag: string | null; image: string | null }): string {
  if (r.kind === "build") {
    const parts = [r.branch ? `branch ${r.branch}` : null, r.commit ? `@ ${r.commit.slice(0, 10)}` : null, r.tag ? `tag ${r.tag}` : null];
    return parts.filter(Boolean).join(" ") || "build";
  }
  return [r.image ? `image ${r.image}` : null, r.tag ? `tag ${r.tag}` : null].filter(Boolean).join(", ") || "image latest";
}
