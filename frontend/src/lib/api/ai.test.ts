import { describe, expect, it } from "vitest";
import { streamAnswer } from "./ai";
import { ApiError, NetworkError, StreamError, StreamInterrupted } from "./errors";

function sse(frames: string[], status = 200): Response {
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      for (const f of frames) c.enqueue(encoder.encode(f));
      c.close();
    },
  });
  return new Response(body, { status, headers: { "Content-Type": "text/event-stream" } });
}

const frame = (o: unknown) => `data: ${JSON.stringify(o)}\n\n`;

describe("streamAnswer", () => {
  it("hands over each delta as it arrives, then the usage", async () => {
    const deltas: string[] = [];
    const result = await streamAnswer("/api/releases/r1/explain", {}, {
      onDelta: (t) => deltas.push(t),
      fetchImpl: async () =>
        sse([
          frame({ type: "delta", text: "The image " }),
          ": heartbeat\n\n",
          frame({ type: "delta", text: "was not found." }),
          frame({ type: "done", usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 }, finish_reason: "stop" }),
        ]),
    });
    expect(deltas).toEqual(["The image ", "was not found."]);
    expect(result.text).toBe("The image was not found.");
    expect(result.usage?.total_tokens).toBe(15);
    expect(result.finishReason).toBe("stop");
  });

  it("returns the stored message id of a chat answer", async () => {
    const result = await streamAnswer("/api/conversations/c1/messages", { content: "hi" }, {
      onDelta: () => undefined,
      fetchImpl: async () => sse([frame({ type: "delta", text: "Hello" }), frame({ type: "done", message_id: "m9" })]),
    });
    expect(result.messageId).toBe("m9");
  });

  it("throws StreamError for a failure after the stream started, keeping what arrived", async () => {
    const deltas: string[] = [];
    const error = await streamAnswer("/x", {}, {
      onDelta: (t) => deltas.push(t),
      fetchImpl: async () =>
        sse([frame({ type: "delta", text: "Partial" }), frame({ type: "error", error: { code: "ai_unavailable", message: "DeepSeek timed out" } })]),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StreamError);
    expect((error as StreamError).code).toBe("ai_unavailable");
    expect(deltas).toEqual(["Partial"]);
  });

  it("throws StreamInterrupted when the stream ends without done", async () => {
    await expect(
      streamAnswer("/x", {}, { onDelta: () => undefined, fetchImpl: async () => sse([frame({ type: "delta", text: "cut" })]) }),
    ).rejects.toBeInstanceOf(StreamInterrupted);
  });

  it.each([
    [429, "ai_quota_exceeded"],
    [503, "ai_unavailable"],
  ])("throws ApiError %s %s for failures before the stream", async (status, code) => {
    const error = await streamAnswer("/x", {}, {
      onDelta: () => undefined,
      fetchImpl: async () =>
        new Response(JSON.stringify({ error: { code, message: "m" } }), { status, headers: { "Content-Type": "application/json", "Retry-After": "60" } }),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe(code);
    expect((error as ApiError).retryAfter).toBe(60);
  });

  it("throws NetworkError when the request cannot be sent", async () => {
    await expect(
      streamAnswer("/x", {}, {
        onDelta: () => undefined,
        fetchImpl: async () => {
          throw new TypeError("Failed to fetch");
        },
      }),
    ).rejects.toBeInstanceOf(NetworkError);
  });

  it("posts JSON with the session cookie", async () => {
    let init: RequestInit | undefined;
    await streamAnswer("/api/projects/p1/release-notes", { environment_id: "e1" }, {
      onDelta: () => undefined,
      fetchImpl: async (_url, i) => {
        init = i;
        return sse([frame({ type: "done" })]);
      },
    });
    expect(init?.method).toBe("POST");
    expect(init?.credentials).toBe("include");
    expect(JSON.parse(String(init?.body))).toEqual({ environment_id: "e1" });
  });
});
