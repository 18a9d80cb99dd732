import { useState } from "preact/hooks";
import { describeError } from "../../lib/api/errors";
import { useResource } from "../../lib/hooks";
import { routes } from "../../lib/routes";
import { currentUser, requireSignIn, signOut } from "./session";

/** The signed-in person and the way out. */
export default function UserMenu() {
  requireSignIn();
  const me = useResource((signal) => currentUser(signal));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <div class="user-menu">
      {me.data ? (
        <span class="who">
          <span class="visually-hidden">Signed in as </span>
          {me.data.name}
        </span>
      ) : null}
      <button
        type="button"
        class="link"
        disabled={busy}
        onClick={async () => {
          setBusy(true);
          setError(null);
          try {
            await signOut();
            window.location.assign(routes.signIn(null, "signed_out"));
          } catch (e) {
            setError(describeError(e));
            setBusy(false);
          }
        }}
      >
        {busy ? "Signing out…" : "Sign out"}
      </button>
      {error ? (
        <span role="alert" class="small">
          {error}
        </span>
      ) : null}
    </div>
  );
}
