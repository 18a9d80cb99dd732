import { useEffect, useRef, useState } from "preact/hooks";
import { Alert } from "../../components/ui/Alert";
import { ErrorMessage } from "../../components/ui/ErrorMessage";
import { Field } from "../../components/ui/Field";
import { ApiError } from "../../lib/api/errors";
import { formValues, useSubmit } from "../../lib/hooks";
import { param, routes, safeNext } from "../../lib/routes";
import { currentUser, signIn } from "./session";

const REASONS: Record<string, string> = {
  expired: "Your session has expired. Sign in again and you will be taken back to where you were.",
  signed_out: "You have signed out.",
  signed_up: "Your account is ready. Sign in to continue.",
};

export default function SignInForm() {
  const [reason, setReason] = useState<string | null>(null);
  const [next, setNext] = useState("/");
  const errorRef = useRef<HTMLDivElement>(null);
  const submit = useSubmit(async (email: string, password: string) => {
    await signIn(email, password);
    window.location.assign(next);
  });

  useEffect(() => {
    setReason(param("reason"));
    const target = safeNext(param("next"));
    setNext(target);
    // Already signed in (another tab)? Carry on.
    if (!param("reason")) {
      currentUser()
        .then(() => window.location.replace(target))
        .catch(() => undefined);
    }
  }, []);

  useEffect(() => {
    if (submit.error) errorRef.current?.focus();
  }, [submit.error]);

  const credentialsWrong = submit.error instanceof ApiError && submit.error.code === "invalid_credentials";

  return (
    <form
      class="card"
      noValidate
      aria-busy={submit.pending}
      onSubmit={(e) => {
        e.preventDefault();
        const v = formValues(e.currentTarget);
        void submit.run(v.email ?? "", v.password ?? "");
      }}
    >
      {reason && REASONS[reason] ? <Alert tone={reason === "expired" ? "warning" : "info"}>{REASONS[reason]}</Alert> : null}
      <div ref={errorRef} tabIndex={-1}>
        {credentialsWrong ? (
          <Alert tone="error">
            <p>The email or password is not right. Check them and try again.</p>
          </Alert>
        ) : (
          <ErrorMessage error={submit.error} />
        )}
      </div>
      <Field label="Email" name="email" type="email" autoComplete="username" required error={submit.fieldErrors.email} />
      <Field
        label="Password"
        name="password"
        type="password"
        autoComplete="current-password"
        required
        error={submit.fieldErrors.password}
      />
      <div class="actions">
        <button type="submit" disabled={submit.pending}>
          {submit.pending ? "Signing in…" : "Sign in"}
        </button>
        <a href={routes.signUp(next === "/" ? null : next)}>Create an account</a>
      </div>
    </form>
  );
}
