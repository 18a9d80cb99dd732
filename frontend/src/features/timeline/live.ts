/**
 * The project's live timeline over Server-Sent Events.
 *
 * EventSource reconnects by itself after a dropped connection and sends `Last-Event-ID`. It gives
 * up for good when an answer is not a 200 event stream (a 401, a 503 during a deploy): then this
 * class takes over and reconnects with a growing delay, resuming with `?last_event_id=`. Going
 * offline closes the stream at once; coming back online reconnects at once. Every change of
 * state is reported so the page can say whether it is live.
 */
import type { TimelineEvent } from "../../lib/api/types";

export type LiveState = "connecting" | "live" | "reconnecting" | "offline" | "stopped";

export interface LiveStatus {
  state: LiveState;
  /** When the next attempt happens (ms since epoch), if one is scheduled. */
  retryAt: number | null;
  attempts: number;
}

interface EventSourceLike {
  readonly readyState: number;
  onopen: ((this: never, ev: Event) => unknown) | null;
  onmessage: ((this: never, ev: MessageEvent) => unknown) | null;
  onerror: ((this: never, ev: Event) => unknown) | null;
  close(): void;
}

export type EventSourceFactory = (url: string) => EventSourceLike;

export interface LiveOptions {
  url: string;
  /** Resume after this event id (the newest one already shown). */
  lastEventId?: string | null;
  onEvent: (event: TimelineEvent) => void;
  onStatus: (status: LiveStatus) => void;
  /** Called before reconnecting after the server refused the stream (e.g. to detect sign-out). */
  beforeReconnect?: () => Promise<void>;
  createEventSource?: EventSourceFactory;
  /** Delays between attempts after a refusal, in ms; the last one repeats. */
  backoff?: number[];
  win?: Pick<Window, "addEventListener" | "removeEventListener"> & { navigator?: { onLine: boolean } };
}

const CLOSED = 2;
const CONNECTING = 0;

export class LiveTimeline {
  private source: EventSourceLike | null = null;
  private lastId: string | null;
  private attempts = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private status: LiveStatus = { state: "stopped", retryAt: null, attempts: 0 };
  private readonly backoff: number[];
  private readonly create: EventSourceFactory;

  constructor(private readonly options: LiveOptions) {
    this.lastId = options.lastEventId ?? null;
    this.backoff = options.backoff ?? [1000, 2000, 5000, 10000, 30000];
    this.create =
      options.createEventSource ??
      ((url) => new EventSource(url, { withCredentials: true }) as unknown as EventSourceLike);
  }

  get lastEventId(): string | null {
    return this.lastId;
  }

  start(): void {
    const win = this.options.win ?? (typeof window !== "undefined" ? window : undefined);
    win?.addEventListener("offline", this.onOffline);
    win?.addEventListener("online", this.onOnline);
    if (win?.navigator && win.navigator.onLine === false) {
      this.setStatus("offline", null);
      return;
    }
    this.connect();
  }

  stop(): void {
    const win = this.options.win ?? (typeof window !== "undefined" ? window : undefined);
    win?.removeEventListener("offline", this.onOffline);
    win?.removeEventListener("online", this.onOnline);
    this.clearTimer();
    this.closeSource();
    this.setStatus("stopped", null);
  }

  /** Try again now (the "Reconnect now" button). */
  reconnectNow(): void {
    this.clearTimer();
    this.closeSource();
    this.connect();
  }

  private url(): string {
    if (!this.lastId) return this.options.url;
    const sep = this.options.url.includes("?") ? "&" : "?";
    return `${this.options.url}${sep}last_event_id=${encodeURIComponent(this.lastId)}`;
  }

  private connect(): void {
    this.setStatus(this.attempts === 0 ? "connecting" : "reconnecting", null);
    const source = this.create(this.url());
    this.source = source;
    source.onopen = () => {
      if (this.source !== source) return;
      this.attempts = 0;
      this.setStatus("live", null);
    };
    source.onmessage = (message: MessageEvent) => {
      if (this.source !== source) return;
      let event: TimelineEvent;
      try {
        event = JSON.parse(String(message.data)) as TimelineEvent;
      } catch {
        return;
      }
      const id = message.lastEventId || event.id;
      if (id) this.lastId = String(id);
      this.options.onEvent(event);
    };
    source.onerror = () => {
      if (this.source !== source) return;
      if (source.readyState === CONNECTING) {
        // The browser is reconnecting by itself (and will send Last-Event-ID).
        this.attempts += 1;
        this.setStatus("reconnecting", null);
        return;
      }
      if (source.readyState === CLOSED) {
        this.closeSource();
        this.scheduleReconnect();
      }
    };
  }

  private scheduleReconnect(): void {
    const delay = this.backoff[Math.min(this.attempts, this.backoff.length - 1)] ?? 5000;
    this.attempts += 1;
    this.setStatus("reconnecting", Date.now() + delay);
    this.timer = setTimeout(async () => {
      this.timer = null;
      try {
        await this.options.beforeReconnect?.();
      } catch {
        // The check failing (still down) is no reason to stop trying.
      }
      if (this.status.state !== "stopped" && this.status.state !== "offline") this.connect();
    }, delay);
  }

  private onOffline = () => {
    this.clearTimer();
    this.closeSource();
    this.setStatus("offline", null);
  };

  private onOnline = () => {
    if (this.status.state === "stopped") return;
    this.attempts = Math.max(this.attempts, 1);
    this.reconnectNow();
  };

  private closeSource(): void {
    if (this.source) {
      this.source.onopen = null;
      this.source.onmessage = null;
      this.source.onerror = null;
      this.source.close();
      this.source = null;
    }
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private setStatus(state: LiveState, retryAt: number | null): void {
    this.status = { state, retryAt, attempts: this.attempts };
    this.options.onStatus(this.status);
  }
}

/** Newest first, one entry per id (history pages and the live stream overlap). */
export function mergeEvents(current: TimelineEvent[], incoming: TimelineEvent[]): TimelineEvent[] {
  const byId = new Map<string, TimelineEvent>();
  for (const e of current) byId.set(String(e.id), e);
  for (const e of incoming) byId.set(String(e.id), e);
  return [...byId.values()].sort((a, b) => compareIds(b.id, a.id));
}

function compareIds(a: string, b: string): number {
  const na = Number(a);
  const nb = Number(b);
  if (Number.isFinite(na) && Number.isFinite(nb)) return na - nb;
  return a < b ? -1 : a > b ? 1 : 0;
}

export function newestId(events: TimelineEvent[]): string | null {
  let best: string | null = null;
  for (const e of events) if (best === null || compareIds(String(e.id), best) > 0) best = String(e.id);
  return best;
}
