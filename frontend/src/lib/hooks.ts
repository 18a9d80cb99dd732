import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { ApiError, type FieldError } from "./api/errors";

export interface Resource<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
  set: (update: T | ((previous: T | undefined) => T)) => void;
}

/** Loads something on mount (and when `deps` change); keeps the last data while reloading. */
export function useResource<T>(load: (signal: AbortSignal) => Promise<T>, deps: unknown[] = []): Resource<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const [nonce, setNonce] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  useEffect(() => {
    const controller = new AbortController();
    setLoading(true);
    setError(null);
    loadRef
      .current(controller.signal)
      .then((value) => {
        if (!controller.signal.aborted) setData(value);
      })
      .catch((e: unknown) => {
        if (!controller.signal.aborted) setError(e);
      })
      .finally(() => {
        if (!controller.signal.aborted) setLoading(false);
      });
    return () => controller.abort();
  }, [...deps, nonce]);

  const reload = useCallback(() => setNonce((n) => n + 1), []);
  const set = useCallback((update: T | ((previous: T | undefined) => T)) => {
    setData((previous) => (typeof update === "function" ? (update as (p: T | undefined) => T)(previous) : update));
  }, []);
  return { data, error, loading, reload, set };
}

export interface Submission<A extends unknown[]> {
  run: (...args: A) => Promise<boolean>;
  pending: boolean;
  error: unknown;
  /** Field name → message, from a 422 `validation_error`. */
  fieldErrors: Record<string, string>;
  reset: () => void;
}

export function fieldErrorMap(errors: FieldError[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of errors) {
    const key = e.field.split(".").pop() || e.field;
    if (!(key in out)) out[key] = e.message;
  }
  return out;
}

/**
 * A user action against the API: tracks pending state, the error to show in place, and the
 * field errors to show next to their fields. `run` resolves true on success.
 */
export function useSubmit<A extends unknown[]>(action: (...args: A) => Promise<unknown>): Submission<A> {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const actionRef = useRef(action);
  actionRef.current = action;
  const run = useCallback(async (...args: A) => {
    setPending(true);
    setError(null);
    setFieldErrors({});
    try {
      await actionRef.current(...args);
      return true;
    } catch (e) {
      setError(e);
      if (e instanceof ApiError) setFieldErrors(fieldErrorMap(e.fieldErrors));
      return false;
    } finally {
      setPending(false);
    }
  }, []);
  const reset = useCallback(() => {
    setError(null);
    setFieldErrors({});
  }, []);
  return { run, pending, error, fieldErrors, reset };
}

/** Reads a form's named text values. */
export function formValues(form: HTMLFormElement): Record<string, string> {
  const out: Record<string, string> = {};
  new FormData(form).forEach((value, key) => {
    if (typeof value === "string") out[key] = value.trim();
  });
  return out;
}
