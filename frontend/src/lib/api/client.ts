/**
 * The one way the web app calls the API: the client generated from the OpenAPI document
 * (openapi-fetch over schema.d.ts), and `call()`, which turns its answer into data or a thrown,
 * typed error (ApiError, NetworkError). Nothing returns `{error}` objects.
 */
import createClient from "openapi-fetch";
import { ApiError, NetworkError, apiErrorFrom, isAbort } from "./errors";
import type { paths } from "./schema";

export type ApiPaths = paths;

/** Where the API lives. Empty (the local run, or a proxy) means the page's own origin. */
export function apiBase(): string {
  const configured = import.meta.env.PUBLIC_API_URL ?? "";
  return configured.replace(/\/+$/, "");
}

export function apiUrl(path: string): string {
  return apiBase() + path;
}

type SignedOutHandler = (error: ApiError) => void;
let onSignedOut: SignedOutHandler | null = null;

/** Pages behind sign-in register what to do when the session is gone (go to sign-in). */
export function setSignedOutHandler(handler: SignedOutHandler | null): void {
  onSignedOut = handler;
}

export function reportSignedOut(error: ApiError): void {
  if (error.isSignedOut && onSignedOut) onSignedOut(error);
}

export function makeClient(options: { fetch?: (request: Request) => Promise<Response>; baseUrl?: string } = {}) {
  const fetchImpl = options.fetch;
  return createClient<ApiPaths>({
    baseUrl: options.baseUrl ?? apiBase(),
    credentials: "include",
    headers: { Accept: "application/json" },
    ...(fetchImpl ? { fetch: fetchImpl } : {}),
  });
}

export const client = makeClient();

interface FetchResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/**
 * Awaits a generated-client call and returns its data, or throws: NetworkError when no answer
 * came, ApiError for any non-2xx answer (and tells the signed-out handler about a 401).
 *
 *     const teams = await call(client.GET("/api/teams"));
 */
export async function call<T>(request: Promise<FetchResult<T>>): Promise<T> {
  let result: FetchResult<T>;
  try {
    result = await request;
  } catch (error) {
    if (isAbort(error)) throw error;
    throw new NetworkError(error);
  }
  const { response } = result;
  if (!response.ok) {
    const error = apiErrorFrom(response.status, response.headers, result.error);
    reportSignedOut(error);
    throw error;
  }
  return result.data as T;
}

/** Every item of a cursor-paginated list, page after page. */
export async function allPages<T>(
  fetchPage: (cursor: string | null) => Promise<{ items: T[]; next_cursor?: string | null }>,
): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const page: { items: T[]; next_cursor?: string | null } = await fetchPage(cursor);
    items.push(...page.items);
    cursor = page.next_cursor ?? null;
  } while (cursor);
  return items;
}

/** A fresh key for one user action that must not run twice (`Idempotency-Key`). */
export function newIdempotencyKey(): string {
  if (typeof crypto !== "undefined" && typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
