/** Every address in the web app. Pages are static files; what they show comes from the query. */

const q = (params: Record<string, string | null | undefined>) => {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) search.set(k, v);
  const s = search.toString();
  return s ? `?${s}` : "";
};

export const routes = {
  dashboard: () => "/",
  signIn: (next?: string | null, reason?: string | null) => `/signin/${q({ next, reason })}`,
  signUp: (next?: string | null) => `/signup/${q({ next })}`,
  project: (id: string) => `/project/${q({ id })}`,
  release: (id: string) => `/release/${q({ id })}`,
  notes: (projectId: string) => `/notes/${q({ project: projectId })}`,
  assistant: (projectId: string, conversationId?: string | null) =>
    `/assistant/${q({ project: projectId, c: conversationId })}`,
  team: (id: string) => `/team/${q({ id })}`,
};

/** A query parameter of the current page (browser only). */
export function param(name: string): string | null {
  return new URLSearchParams(window.location.search).get(name);
}

/** Where to go after signing in: only a path on this site, never another origin. */
export function safeNext(next: string | null | undefined): string {
  if (!next || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) return "/";
  try {
    const url = new URL(next, "http://shipdeck.invalid");
    if (url.origin !== "http://shipdeck.invalid") return "/";
    if (url.pathname.startsWith("/signin") || url.pathname.startsWith("/signup")) return "/";
    return url.pathname + url.search + url.hash;
  } catch {
    return "/";
  }
}
