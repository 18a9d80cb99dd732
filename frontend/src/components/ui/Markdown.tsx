import { useMemo } from "preact/hooks";
import { renderMarkdown } from "../../lib/markdown";

/** Markdown from the model or a person, sanitised before it touches the DOM. */
export function Markdown(props: { source: string; class?: string; streaming?: boolean }) {
  const html = useMemo(() => renderMarkdown(props.source), [props.source]);
  return (
    <div
      class={`markdown ${props.class ?? ""} ${props.streaming ? "cursor" : ""}`}
      // Sanitised by renderMarkdown: no raw HTML, scripts, handlers or unsafe links survive it.
      dangerouslySetInnerHTML={{ __html: html }}
    />
  );
}
