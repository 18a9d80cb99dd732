/** A wait the user can see and a screen reader hears. */
export function Loading(props: { label?: string; inline?: boolean }) {
  const Tag = props.inline ? "span" : "div";
  return (
    <Tag class="loading" role="status">
      <span class="spinner" aria-hidden="true" />
      <span>{props.label ?? "Loading…"}</span>
    </Tag>
  );
}

export function Spinner() {
  return <span class="spinner" aria-hidden="true" />;
}
