import { useRef } from "preact/hooks";
import { newIdempotencyKey } from "../../lib/api/client";
import { ApiError, NetworkError } from "../../lib/api/errors";

/**
 * Whether, after this failure, nobody knows if the release started: no answer came, or something
 * other than Shipdeck answered, or Shipdeck failed unexpectedly. Only then may a retry reuse the
 * key (Shipdeck then returns the release the first attempt created, never a second one).
 */
export function outcomeUnknown(error: unknown): boolean {
  if (error instanceof NetworkError) return true;
  if (error instanceof ApiError) return !error.fromShipdeck || error.status === 500;
  return false;
}

/**
 * The Idempotency-Key of one user action. The same key while the person retries a request whose
 * outcome is unknown; a new one once Shipdeck answered (a definitive "SleakOps is unavailable" is
 * replayed for the same key, so trying again is a new action) or once the request changed.
 */
export class IdempotencyKeys {
  private key: string | null = null;
  private fingerprint = "";

  constructor(private readonly generate: () => string = newIdempotencyKey) {}

  keyFor(request: unknown): string {
    const fp = JSON.stringify(request);
    if (!this.key || fp !== this.fingerprint) {
      this.key = this.generate();
      this.fingerprint = fp;
    }
    return this.key;
  }

  /** After the call: pass the error if it failed. */
  settle(error?: unknown): void {
    if (error === undefined || !outcomeUnknown(error)) {
      this.key = null;
      this.fingerprint = "";
    }
  }

  /** Runs `start` with the key for `request`, settling it afterwards. */
  async run<T>(request: unknown, start: (key: string) => Promise<T>): Promise<T> {
    try {
      const result = await start(this.keyFor(request));
      this.settle();
      return result;
    } catch (error) {
      this.settle(error);
      throw error;
    }
  }
}

export function useIdempotencyKeys(): IdempotencyKeys {
  const keys = useRef<IdempotencyKeys | null>(null);
  if (!keys.current) keys.current = new IdempotencyKeys();
  return keys.current;
}
