import { useState } from "preact/hooks";

async function copyText(text: string): Promise<void> {
  // Shipdeck is served over HTTPS (Amplify) or from 127.0.0.1: both are secure contexts.
  if (!navigator.clipboard) throw new Error("clipboard unavailable");
  await navigator.clipboard.writeText(text);
}

/** Copies text and says so (in words, announced). */
export function CopyButton(props: { text: string; label?: string; disabled?: boolean }) {
  const [status, setStatus] = useState<"idle" | "copied" | "failed">("idle");
  const onClick = async () => {
    try {
      await copyText(props.text);
      setStatus("copied");
    } catch {
      setStatus("failed");
    }
    setTimeout(() => setStatus("idle"), 4000);
  };
  return (
    <span class="actions">
      <button type="button" class="secondary" onClick={onClick} disabled={props.disabled}>
        {props.label ?? "Copy to clipboard"}
      </button>
      <span role="status" class="small">
        {status === "copied" ? "✓ Copied to the clipboard." : status === "failed" ? "Could not copy; select the text and copy it by hand." : ""}
      </span>
    </span>
  );
}
