import type { ComponentChildren } from "preact";

export function EmptyState(props: { title: string; children?: ComponentChildren; headingLevel?: 1 | 2 | 3 }) {
  const H = props.headingLevel === 3 ? "h3" : props.headingLevel === 1 ? "h1" : "h2";
  return (
    <div class="empty">
      <H>{props.title}</H>
      {props.children}
    </div>
  );
}
