import { ErrorMessage } from "../../components/ui/ErrorMessage";
import { Loading } from "../../components/ui/Loading";
import { Markdown } from "../../components/ui/Markdown";
import type { AnswerPhase } from "./useAnswerStream";
import type { StreamResult } from "../../lib/api/ai";

/** A streamed answer: a wait, then text growing, then its usage; failures in place. */
export function AnswerView(props: {
  id: string;
  label: string;
  text: string;
  phase: AnswerPhase;
  error: unknown;
  result: StreamResult | null;
  onRetry?: () => void;
  onStop?: () => void;
}) {
  const { phase } = props;
  if (phase === "idle") return null;
  const streaming = phase === "streaming" || phase === "waiting";
  return (
    <div>
      {phase === "waiting" ? <Loading label="Asking the co-pilot…" /> : null}
      {props.text ? (
        <div class="answer" id={props.id} aria-label={props.label} aria-busy={streaming} role="region" data-phase={phase}>
          <Markdown source={props.text} streaming={phase === "streaming"} />
        </div>
      ) : null}
      <div role="status" class="small muted" style={{ marginTop: "0.4rem" }}>
        {phase === "streaming" ? "Writing…" : null}
        {phase === "done"
          ? `Answer complete${props.result?.usage ? ` · ${props.result.usage.total_tokens} tokens` : ""}${
              props.result?.finishReason && props.result.finishReason !== "stop" ? ` · ended early (${props.result.finishReason})` : ""
            }.`
          : null}
        {phase === "stopped" ? "Stopped. What arrived so far is shown above." : null}
      </div>
      {streaming && props.onStop ? (
        <button type="button" class="secondary" onClick={props.onStop}>
          Stop
        </button>
      ) : null}
      {phase === "failed" ? <ErrorMessage error={props.error} onRetry={props.onRetry} /> : null}
    </div>
  );
}
