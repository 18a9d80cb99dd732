import { describeError } from "../../lib/api/errors";
import { Alert } from "./Alert";

/** The human sentence for any failure, in place, with an optional retry. */
export function ErrorMessage(props: { error: unknown; onRetry?: () => void; retryLabel?: string }) {
  if (!props.error) return null;
  return (
    <Alert
      tone="error"
      action={
        props.onRetry ? (
          <button type="button" class="secondary" onClick={props.onRetry}>
            {props.retryLabel ?? "Try again"}
          </button>
        ) : undefined
      }
    >
      <p>{describeError(props.error)}</p>
    </Alert>
  );
}
