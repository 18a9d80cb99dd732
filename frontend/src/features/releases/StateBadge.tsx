import { stateInfo } from "./states";

/** A release's state as a word and a symbol (colour only adds to them). */
export function StateBadge(props: { state: string }) {
  const info = stateInfo(props.state);
  return (
    <span class={`badge ${info.tone}`} data-state={props.state} title={info.description}>
      <span class="glyph" aria-hidden="true">
        {info.glyph}
      </span>
      {info.label}
    </span>
  );
}
