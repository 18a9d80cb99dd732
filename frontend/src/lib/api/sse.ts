/**
 * Server-Sent Events over any byte stream (the AI answers stream over POST, which EventSource
 * cannot send), following the WHATWG parsing rules: lines end in LF, CR or CRLF; `:` lines are
 * comments (heartbeats); `data` lines join with "\n"; a blank line dispatches the event.
 */

export interface SseMessage {
  event: string;
  data: string;
  id: string | null;
  retry: number | null;
}

export class SseParser {
  private buffer = "";
  private data: string[] = [];
  private event = "";
  private id: string | null = null;
  private retry: number | null = null;
  private sawCr = false;

  /** Feeds decoded text; returns the events it completed. */
  push(text: string): SseMessage[] {
    const out: SseMessage[] = [];
    for (const ch of text) {
      if (this.sawCr) {
        this.sawCr = false;
        if (ch === "\n") continue; // CRLF: the CR already ended the line
      }
      if (ch === "\r" || ch === "\n") {
        if (ch === "\r") this.sawCr = true;
        this.line(this.buffer, out);
        this.buffer = "";
      } else {
        this.buffer += ch;
      }
    }
    return out;
  }

  /** At the end of the stream: an event without its blank line is dropped, as the spec says. */
  end(): SseMessage[] {
    return [];
  }

  private line(line: string, out: SseMessage[]): void {
    if (line === "") {
      if (this.data.length) {
        out.push({ event: this.event || "message", data: this.data.join("\n"), id: this.id, retry: this.retry });
      }
      this.data = [];
      this.event = "";
      this.retry = null;
      return;
    }
    if (line.startsWith(":")) return;
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    switch (field) {
      case "data":
        this.data.push(value);
        break;
      case "event":
        this.event = value;
        break;
      case "id":
        if (!value.includes("\0")) this.id = value;
        break;
      case "retry":
        if (/^\d+$/.test(value)) this.retry = Number(value);
        break;
    }
  }
}

/** Reads a response body as SSE messages. */
export async function* readSse(body: ReadableStream<Uint8Array>, signal?: AbortSignal): AsyncGenerator<SseMessage> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const parser = new SseParser();
  const onAbort = () => void reader.cancel().catch(() => undefined);
  signal?.addEventListener("abort", onAbort, { once: true });
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      yield* parser.push(decoder.decode(value, { stream: true }));
    }
    yield* parser.push(decoder.decode());
    yield* parser.end();
  } finally {
    signal?.removeEventListener("abort", onAbort);
    reader.releaseLock();
  }
}
