import { useEffect, useState } from "preact/hooks";
import { ErrorMessage } from "../../components/ui/ErrorMessage";
import { Loading } from "../../components/ui/Loading";
import { RelativeTime } from "../../components/ui/RelativeTime";
import type { TimelineEvent } from "../../lib/api/types";
import { routes } from "../../lib/routes";
import { stateInfo } from "../releases/states";
import type { LiveStatus } from "./live";

function glyphFor(event: TimelineEvent): string {
  const data = event.data ?? {};
  const state = typeof data.to === "string" ? data.to : typeof data.state === "string" ? data.state : null;
  if (event.type === "release.submit_failed") return stateInfo("submit_failed").glyph;
  if (event.type.startsWith("release.") && state) return stateInfo(state).glyph;
  if (event.type === "release.requested") return "➜";
  if (event.type.startsWith("environment.")) return "⚙";
  if (event.type.startsWith("member.") || event.type.startsWith("team.")) return "☺";
  return "•";
}

const STATE_TEXT: Record<LiveStatus["state"], string> = {
  connecting: "Connecting…",
  live: "Live",
  reconnecting: "Reconnecting…",
  offline: "Disconnected: no network",
  stopped: "Not connected",
};

export function ConnectionStatus(props: { status: LiveStatus; onReconnect: () => void }) {
  const { status } = props;
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!status.retryAt) return;
    const t = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(t);
  }, [status.retryAt]);
  const wait = status.retryAt ? Math.max(0, Math.ceil((status.retryAt - now) / 1000)) : null;
  const disconnected = status.state !== "live" && status.state !== "connecting";
  return (
    <div class="actions" data-connection={status.state}>
      <span class={`connection ${status.state}`} role="status">
        <span class="dot" aria-hidden="true" />
        <span>
          <span class="visually-hidden">Timeline connection: </span>
          {STATE_TEXT[status.state]}
          {status.state === "reconnecting" && wait !== null ? ` (next try in ${wait} s)` : ""}
        </span>
      </span>
      {disconnected && status.state !== "offline" ? (
        <button type="button" class="link" onClick={props.onReconnect}>
          Reconnect now
        </button>
      ) : null}
    </div>
  );
}

export function TimelinePanel(props: {
  events: TimelineEvent[];
  freshIds: Set<string>;
  status: LiveStatus;
  loading: boolean;
  error: unknown;
  hasMore: boolean;
  onMore: () => void;
  onRetry: () => void;
  onReconnect: () => void;
}) {
  const { events } = props;
  return (
    <section aria-labelledby="timeline-title" class="card section">
      <div class="section-head">
        <h2 id="timeline-title">Activity</h2>
        <ConnectionStatus status={props.status} onReconnect={props.onReconnect} />
      </div>
      {props.status.state === "offline" || (props.status.state === "reconnecting" && props.status.retryAt) ? (
        <p class="small muted">
          New activity will appear once the connection is back; nothing is lost meanwhile.
        </p>
      ) : null}
      {events.length === 0 && props.loading ? <Loading label="Loading activity…" /> : null}
      {events.length === 0 && !props.loading && !props.error ? <p class="muted">No activity yet.</p> : null}
      <ol class="timeline" aria-label="Project activity, newest first" aria-live="polite" aria-relevant="additions">
        {events.map((e) => (
          <li key={e.id} class={props.freshIds.has(String(e.id)) ? "fresh" : ""} data-event-type={e.type}>
            <span class="glyph" aria-hidden="true">
              {glyphFor(e)}
            </span>
            <div>
              <div>
                {e.release_id ? <a href={routes.release(e.release_id)}>{e.summary}</a> : e.summary}
              </div>
              <div class="when">
                {e.actor ? `${e.actor.name} · ` : ""}
                <RelativeTime value={e.at} />
              </div>
            </div>
          </li>
        ))}
      </ol>
      <ErrorMessage error={props.error} onRetry={props.onRetry} />
      {props.hasMore ? (
        <div class="actions" style={{ marginTop: "0.75rem" }}>
          <button type="button" class="secondary" onClick={props.onMore} disabled={props.loading}>
            {props.loading ? "Loading…" : "Show older activity"}
          </button>
        </div>
      ) : null}
    </section>
  );
}
