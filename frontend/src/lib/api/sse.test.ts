import { describe, expect, it } from "vitest";
import { SseParser, readSse } from "./sse";

describe("SseParser", () => {
  it("dispatches on a blank line and skips comments (heartbeats)", () => {
    const p = new SseParser();
    expect(p.push(": heartbeat\n\n")).toEqual([]);
    const [e] = p.push('id: 7\nretry: 3000\ndata: {"a":1}\n\n');
    expect(e).toEqual({ event: "message", data: '{"a":1}', id: "7", retry: 3000 });
  });

  it("survives events split anywhere, including across CR LF", () => {
    const p = new SseParser();
    const text = 'data: {"type":"delta","text":"Hel"}\r\n\r\ndata: {"type":"delta","text":"lo"}\r\n\r\n';
    const out = [];
    for (const ch of text) out.push(...p.push(ch));
    expect(out.map((e) => JSON.parse(e.data).text)).toEqual(["Hel", "lo"]);
  });

  it("joins multi-line data and handles a missing space after the colon", () => {
    const p = new SseParser();
    const [e] = p.push("data:line one\ndata: line two\n\n");
    expect(e?.data).toBe("line one\nline two");
  });

  it("drops an event that never got its blank line", () => {
    const p = new SseParser();
    expect(p.push("data: partial")).toEqual([]);
    expect(p.end()).toEqual([]);
  });
});

describe("readSse", () => {
  it("decodes UTF-8 split across chunks", async () => {
    const bytes = new TextEncoder().encode('data: {"text":"café ✓"}\n\n');
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        for (const b of bytes) c.enqueue(new Uint8Array([b]));
        c.close();
      },
    });
    const events = [];
    for await (const e of readSse(body)) events.push(e);
    expect(JSON.parse(events[0]!.data).text).toBe("café ✓");
  });
});
