import { call, client, setSignedOutHandler } from "../../lib/api/client";
import type { ApiError } from "../../lib/api/errors";
import { routes } from "../../lib/routes";

let redirecting = false;

/** Pages behind sign-in: a 401 anywhere sends the user to sign in, then back here. */
export function requireSignIn(): void {
  setSignedOutHandler((error: ApiError) => {
    if (redirecting) return;
    redirecting = true;
    const here = window.location.pathname + window.location.search + window.location.hash;
    window.location.assign(routes.signIn(here, error.code === "session_expired" ? "expired" : null));
  });
}

export async function signIn(email: string, password: string) {
  return call(client.POST("/api/auth/login", { body: { email, password } }));
}

export async function signUp(name: string, email: string, password: string) {
  return call(client.POST("/api/auth/signup", { body: { name, email, password } }));
}

export async function signOut(): Promise<void> {
  await call(client.POST("/api/auth/logout"));
}

export async function currentUser(signal?: AbortSignal) {
  return call(client.GET("/api/me", signal ? { signal } : {}));
}
