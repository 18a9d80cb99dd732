import { useRef } from "preact/hooks";
import { newIdempotencyKey } from "../../lib/api/client";

/**
 * One Idempotency-Key per user action: the same key while the person retries the same request
 * (so a retry after a lost answer never starts a second release), a new one once it succeeded
 * or once they change what they ask for.
 */
export function useIdempotencyKey() {
  const key = useRef<string | null>(null);
  const fingerprint = useRef<string>("");
  return {
    keyFor(request: unknown): string {
      const fp = JSON.stringify(request);
      if (!key.current || fp !== fingerprint.current) {
        key.current = newIdempotencyKey();
        fingerprint.current = fp;
      }
      return key.current;
    },
    done(): void {
      key.current = null;
      fingerprint.current = "";
    },
  };
}
