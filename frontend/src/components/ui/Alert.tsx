import type { ComponentChildren } from "preact";

type Tone = "error" | "warning" | "info" | "success";

const ICON: Record<Tone, string> = { error: "✕", warning: "!", info: "i", success: "✓" };
const WORD: Record<Tone, string> = { error: "Error", warning: "Warning", info: "Note", success: "Done" };

/** A message in place. Errors are announced (role=alert); the rest politely (role=status). */
export function Alert(props: { tone: Tone; children: ComponentChildren; action?: ComponentChildren; id?: string }) {
  const { tone } = props;
  return (
    <div class={`alert ${tone}`} role={tone === "error" ? "alert" : "status"} id={props.id}>
      <span class="icon" aria-hidden="true">
        {ICON[tone]}
      </span>
      <div>
        <span class="visually-hidden">{WORD[tone]}: </span>
        {props.children}
        {props.action ? <div class="actions" style={{ marginTop: "0.4rem" }}>{props.action}</div> : null}
      </div>
    </div>
  );
}
