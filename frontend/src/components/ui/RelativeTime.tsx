import { useEffect, useState } from "preact/hooks";
import { absoluteTime, relativeTime } from "../../lib/format";

/** "3 min ago", kept fresh, with the exact time on hover and for assistive tech. */
export function RelativeTime(props: { value: string | null | undefined; fallback?: string }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(timer);
  }, []);
  if (!props.value) return <span class="muted">{props.fallback ?? "—"}</span>;
  const exact = absoluteTime(props.value);
  return (
    <time dateTime={props.value} title={exact}>
      {relativeTime(props.value, now)}
    </time>
  );
}
