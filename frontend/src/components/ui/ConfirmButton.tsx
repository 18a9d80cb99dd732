import { useEffect, useRef, useState } from "preact/hooks";

/** A destructive action that asks once more, inline (keyboard friendly, no modal). */
export function ConfirmButton(props: {
  label: string;
  confirmLabel: string;
  question: string;
  onConfirm: () => void | Promise<void>;
  disabled?: boolean;
  busy?: boolean;
}) {
  const [asking, setAsking] = useState(false);
  const confirmRef = useRef<HTMLButtonElement>(null);
  const triggerRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (asking) confirmRef.current?.focus();
  }, [asking]);
  if (!asking) {
    return (
      <button type="button" class="danger" ref={triggerRef} disabled={props.disabled || props.busy} onClick={() => setAsking(true)}>
        {props.busy ? "Working…" : props.label}
      </button>
    );
  }
  return (
    <span class="actions" role="group" aria-label={props.question}>
      <span class="small">{props.question}</span>
      <button
        type="button"
        class="danger solid"
        ref={confirmRef}
        onClick={async () => {
          setAsking(false);
          await props.onConfirm();
        }}
      >
        {props.confirmLabel}
      </button>
      <button
        type="button"
        class="secondary"
        onClick={() => {
          setAsking(false);
          setTimeout(() => triggerRef.current?.focus(), 0);
        }}
      >
        Cancel
      </button>
    </span>
  );
}
