/**
 * The co-pilot's streamed answers: a POST whose body is SSE frames
 * `{"type":"delta","text"}` … `{"type":"done","usage",...}` or `{"type":"error","error"}`.
 * Failures before the stream starts are ordinary JSON errors, thrown as ApiError.
 */
import { apiUrl, reportSignedOut } from "./client";
import { NetworkError, StreamError, StreamInterrupted, apiErrorFromResponse, isAbort } from "./errors";
import { readSse } from "./sse";

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export interface StreamResult {
  text: string;
  usage: Usage | null;
  finishReason: string | null;
  messageId: string | null;
}

export interface StreamOptions {
  /** Called with each new piece of text as it arrives. */
  onDelta: (text: string) => void;
  signal?: AbortSignal;
  fetchImpl?: typeof fetch;
}

type Frame =
  | { type: "delta"; text: string }
  | { type: "done"; usage?: Usage; finish_reason?: string; message_id?: string }
  | { type: "error"; error: { code?: string; message?: string } };

export async function streamAnswer(path: string, body: unknown, options: StreamOptions): Promise<StreamResult> {
  const doFetch = options.fetchImpl ?? fetch;
  let response: Response;
  try {
    response = await doFetch(apiUrl(path), {
      method: "POST",
      credentials: "include",
      headers: { "Content-Type": "application/json", Accept: "text/event-stream" },
      body: JSON.stringify(body ?? {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (error) {
    if (isAbort(error)) throw error;
    throw new NetworkError(error);
  }
  if (!response.ok) {
    const error = await apiErrorFromResponse(response);
    reportSignedOut(error);
    throw error;
  }
  if (!response.body) throw new StreamInterrupted();

  let text = "";
  try {
    for await (const message of readSse(response.body, options.signal)) {
      let frame: Frame;
      try {
        frame = JSON.parse(message.data) as Frame;
      } catch {
        continue; // not ours (or damaged): skip it rather than lose the answer
      }
      if (frame.type === "delta" && typeof frame.text === "string") {
        text += frame.text;
        options.onDelta(frame.text);
      } else if (frame.type === "done") {
        return {
          text,
          usage: frame.usage ?? null,
          finishReason: frame.finish_reason ?? null,
          messageId: frame.message_id ?? null,
        };
      } else if (frame.type === "error") {
        throw new StreamError(frame.error?.code ?? "ai_error", frame.error?.message ?? "The answer failed.");
      }
    }
  } catch (error) {
    if (error instanceof StreamError || isAbort(error)) throw error;
    if (options.signal?.aborted) throw new DOMException("Aborted", "AbortError");
    throw new StreamInterrupted();
  }
  if (options.signal?.aborted) throw new DOMException("Aborted", "AbortError");
  throw new StreamInterrupted();
}
