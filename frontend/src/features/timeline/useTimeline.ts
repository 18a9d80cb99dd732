import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import type { TimelineEvent } from "../../lib/api/types";
import { listEvents, eventStreamUrl } from "./api";
import { LiveTimeline, mergeEvents, newestId, type LiveStatus } from "./live";

/**
 * A project's timeline: the newest page of history, then the live stream resumed from the newest
 * event shown, older pages on demand. `onLive` hears every event that arrives live.
 */
export function useTimeline(projectId: string | null, onLive?: (event: TimelineEvent) => void) {
  const [events, setEvents] = useState<TimelineEvent[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const [status, setStatus] = useState<LiveStatus>({ state: "connecting", retryAt: null, attempts: 0 });
  const [freshIds, setFreshIds] = useState<Set<string>>(new Set());
  const [nonce, setNonce] = useState(0);
  const live = useRef<LiveTimeline | null>(null);
  const onLiveRef = useRef(onLive);
  onLiveRef.current = onLive;

  useEffect(() => {
    if (!projectId) return;
    let cancelled = false;
    const controller = new AbortController();
    setLoading(true);
    setError(null);
    listEvents(projectId, null, controller.signal)
      .then((page) => {
        if (cancelled) return;
        setEvents(page.items);
        setCursor(page.next_cursor ?? null);
        setLoading(false);
        const timeline = new LiveTimeline({
          url: eventStreamUrl(projectId),
          // An empty timeline resumes from the start ("0"), so nothing that happens before the
          // stream opens (or while it is down) is skipped.
          lastEventId: newestId(page.items) ?? "0",
          onStatus: (s) => !cancelled && setStatus(s),
          onEvent: (event) => {
            if (cancelled) return;
            setEvents((current) => mergeEvents(current, [event]));
            setFreshIds((ids) => new Set(ids).add(String(event.id)));
            onLiveRef.current?.(event);
          },
          // A refused stream may mean the session ended: one ordinary call finds out (and
          // sends the user to sign in if so).
          beforeReconnect: async () => {
            await listEvents(projectId, null).then(
              (p) => setEvents((current) => mergeEvents(current, p.items)),
              () => undefined,
            );
          },
        });
        live.current = timeline;
        timeline.start();
      })
      .catch((e: unknown) => {
        if (cancelled) return;
        setError(e);
        setLoading(false);
        setStatus({ state: "stopped", retryAt: null, attempts: 0 });
      });
    return () => {
      cancelled = true;
      controller.abort();
      live.current?.stop();
      live.current = null;
    };
  }, [projectId, nonce]);

  const loadMore = useCallback(async () => {
    if (!projectId || !cursor) return;
    setLoading(true);
    setError(null);
    try {
      const page = await listEvents(projectId, cursor);
      setEvents((current) => mergeEvents(current, page.items));
      setCursor(page.next_cursor ?? null);
    } catch (e) {
      setError(e);
    } finally {
      setLoading(false);
    }
  }, [projectId, cursor]);

  const retry = useCallback(() => setNonce((n) => n + 1), []);
  const reconnect = useCallback(() => live.current?.reconnectNow() ?? setNonce((n) => n + 1), []);

  return { events, hasMore: cursor !== null, loading, error, status, freshIds, loadMore, retry, reconnect };
}
