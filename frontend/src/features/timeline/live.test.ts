import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { TimelineEvent } from "../../lib/api/types";
import { LiveTimeline, mergeEvents, newestId, type LiveStatus } from "./live";

class FakeSource {
  static all: FakeSource[] = [];
  readyState = 0;
  onopen: ((ev: Event) => unknown) | null = null;
  onmessage: ((ev: MessageEvent) => unknown) | null = null;
  onerror: ((ev: Event) => unknown) | null = null;
  closed = false;
  constructor(readonly url: string) {
    FakeSource.all.push(this);
  }
  open() {
    this.readyState = 1;
    this.onopen?.(new Event("open"));
  }
  send(event: Partial<TimelineEvent> & { id: string }) {
    this.onmessage?.(new MessageEvent("message", { data: JSON.stringify(event), lastEventId: event.id }));
  }
  drop(readyState: 0 | 2) {
    this.readyState = readyState;
    this.onerror?.(new Event("error"));
  }
  close() {
    this.closed = true;
    this.readyState = 2;
  }
}

class FakeWindow extends EventTarget {
  navigator = { onLine: true };
}

const event = (id: string, summary = `event ${id}`): TimelineEvent => ({
  id,
  project_id: "p1",
  type: "release.state_changed",
  at: "2026-01-01T00:00:00Z",
  actor: null,
  release_id: "r1",
  summary,
  data: {},
});

describe("LiveTimeline", () => {
  let statuses: LiveStatus["state"][];
  let events: TimelineEvent[];
  let win: FakeWindow;

  const start = (lastEventId: string | null = null) => {
    const live = new LiveTimeline({
      url: "/api/projects/p1/events/stream",
      lastEventId,
      onEvent: (e) => events.push(e),
      onStatus: (s) => statuses.push(s.state),
      createEventSource: (url) => new FakeSource(url),
      backoff: [1000, 5000],
      win,
    });
    live.start();
    return live;
  };

  beforeEach(() => {
    vi.useFakeTimers();
    FakeSource.all = [];
    statuses = [];
    events = [];
    win = new FakeWindow();
  });
  afterEach(() => vi.useRealTimers());

  it("resumes after the newest event already shown, and says when it is live", () => {
    start("41");
    expect(FakeSource.all[0]?.url).toBe("/api/projects/p1/events/stream?last_event_id=41");
    FakeSource.all[0]!.open();
    expect(statuses).toEqual(["connecting", "live"]);
  });

  it("passes events on and remembers the last id", () => {
    const live = start();
    FakeSource.all[0]!.open();
    FakeSource.all[0]!.send(event("42"));
    expect(events.map((e) => e.id)).toEqual(["42"]);
    expect(live.lastEventId).toBe("42");
  });

  it("shows reconnecting while the browser retries by itself", () => {
    start();
    FakeSource.all[0]!.open();
    FakeSource.all[0]!.drop(0);
    expect(statuses.at(-1)).toBe("reconnecting");
    expect(FakeSource.all).toHaveLength(1);
  });

  it("reconnects by itself, with backoff, when the server refused the stream, resuming from the last id", async () => {
    const beforeReconnect = vi.fn(async () => undefined);
    const live = new LiveTimeline({
      url: "/s",
      onEvent: (e) => events.push(e),
      onStatus: (s) => statuses.push(s.state),
      createEventSource: (url) => new FakeSource(url),
      backoff: [1000, 5000],
      beforeReconnect,
      win,
    });
    live.start();
    FakeSource.all[0]!.open();
    FakeSource.all[0]!.send(event("7"));
    FakeSource.all[0]!.drop(2); // e.g. a 503 while the API restarts
    expect(FakeSource.all[0]!.closed).toBe(true);
    expect(statuses.at(-1)).toBe("reconnecting");
    await vi.advanceTimersByTimeAsync(999);
    expect(FakeSource.all).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(beforeReconnect).toHaveBeenCalledOnce();
    expect(FakeSource.all[1]?.url).toBe("/s?last_event_id=7");
    FakeSource.all[1]!.drop(2);
    await vi.advanceTimersByTimeAsync(4999);
    expect(FakeSource.all).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(FakeSource.all).toHaveLength(3);
    FakeSource.all[2]!.open();
    expect(statuses.at(-1)).toBe("live");
  });

  it("goes offline at once without the network, and back as soon as it returns", () => {
    start();
    FakeSource.all[0]!.open();
    win.dispatchEvent(new Event("offline"));
    expect(statuses.at(-1)).toBe("offline");
    expect(FakeSource.all[0]!.closed).toBe(true);
    win.dispatchEvent(new Event("online"));
    expect(FakeSource.all).toHaveLength(2);
    expect(statuses.at(-1)).toBe("reconnecting");
    FakeSource.all[1]!.open();
    expect(statuses.at(-1)).toBe("live");
  });

  it("stops cleanly: no more events, no more attempts", async () => {
    const live = start();
    FakeSource.all[0]!.drop(2);
    live.stop();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(FakeSource.all).toHaveLength(1);
    expect(statuses.at(-1)).toBe("stopped");
  });
});

describe("mergeEvents", () => {
  it("keeps one entry per id, newest first by sequence number", () => {
    const merged = mergeEvents([event("9"), event("10")], [event("10", "updated"), event("11"), event("2")]);
    expect(merged.map((e) => e.id)).toEqual(["11", "10", "9", "2"]);
    expect(merged[1]?.summary).toBe("updated");
    expect(newestId(merged)).toBe("11");
    expect(newestId([])).toBeNull();
  });
});
