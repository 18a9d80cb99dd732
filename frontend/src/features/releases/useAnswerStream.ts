import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import type { StreamOptions, StreamResult } from "../../lib/api/ai";
import { isAbort } from "../../lib/api/errors";

export type AnswerPhase = "idle" | "waiting" | "streaming" | "done" | "failed" | "stopped";

/**
 * Runs one streamed co-pilot answer: text grows as deltas arrive (repainted at most once per
 * frame), with a phase for the UI and a way to stop.
 */
export function useAnswerStream() {
  const [text, setText] = useState("");
  const [phase, setPhase] = useState<AnswerPhase>("idle");
  const [error, setError] = useState<unknown>(null);
  const [result, setResult] = useState<StreamResult | null>(null);
  const controller = useRef<AbortController | null>(null);
  const buffer = useRef("");
  const frame = useRef<number | null>(null);

  useEffect(() => () => controller.current?.abort(), []);

  const flush = () => {
    frame.current = null;
    setText(buffer.current);
  };

  const run = useCallback(async (start: (options: StreamOptions) => Promise<StreamResult>) => {
    controller.current?.abort();
    const c = new AbortController();
    controller.current = c;
    buffer.current = "";
    setText("");
    setError(null);
    setResult(null);
    setPhase("waiting");
    try {
      const r = await start({
        signal: c.signal,
        onDelta: (delta) => {
          buffer.current += delta;
          setPhase("streaming");
          if (frame.current === null) frame.current = requestAnimationFrame(flush);
        },
      });
      if (frame.current !== null) cancelAnimationFrame(frame.current);
      frame.current = null;
      setText(r.text || buffer.current);
      setResult(r);
      setPhase("done");
      return r;
    } catch (e) {
      if (frame.current !== null) cancelAnimationFrame(frame.current);
      frame.current = null;
      setText(buffer.current);
      if (isAbort(e)) {
        setPhase("stopped");
      } else {
        setError(e);
        setPhase("failed");
      }
      return null;
    }
  }, []);

  const stop = useCallback(() => controller.current?.abort(), []);
  /** The text received so far by the latest run (not waiting for a repaint). */
  const received = useCallback(() => buffer.current, []);
  return { text, phase, error, result, run, stop, received, busy: phase === "waiting" || phase === "streaming" };
}
