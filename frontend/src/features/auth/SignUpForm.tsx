import { useEffect, useRef, useState } from "preact/hooks";
import { ErrorMessage } from "../../components/ui/ErrorMessage";
import { Field } from "../../components/ui/Field";
import { formValues, useSubmit } from "../../lib/hooks";
import { param, routes, safeNext } from "../../lib/routes";
import { signIn, signUp } from "./session";

export default function SignUpForm() {
  const [next, setNext] = useState("/");
  const [local, setLocal] = useState<Record<string, string>>({});
  const errorRef = useRef<HTMLDivElement>(null);
  const submit = useSubmit(async (name: string, email: string, password: string) => {
    await signUp(name, email, password);
    try {
      await signIn(email, password);
      window.location.assign(next);
    } catch {
      window.location.assign(routes.signIn(next, "signed_up"));
    }
  });

  useEffect(() => setNext(safeNext(param("next"))), []);
  useEffect(() => {
    if (submit.error) errorRef.current?.focus();
  }, [submit.error]);

  const errors = { ...submit.fieldErrors, ...local };
  return (
    <form
      class="card"
      noValidate
      aria-busy={submit.pending}
      onSubmit={(e) => {
        e.preventDefault();
        const v = formValues(e.currentTarget);
        const problems: Record<string, string> = {};
        if (!v.name) problems.name = "Enter your name.";
        if (!v.email || !v.email.includes("@")) problems.email = "Enter an email address like name@example.com.";
        if ((v.password ?? "").length < 10) problems.password = "Use at least 10 characters.";
        setLocal(problems);
        if (Object.keys(problems).length) {
          const first = e.currentTarget.querySelector<HTMLElement>(`[name="${Object.keys(problems)[0]}"]`);
          first?.focus();
          return;
        }
        void submit.run(v.name ?? "", v.email ?? "", v.password ?? "");
      }}
    >
      <div ref={errorRef} tabIndex={-1}>
        <ErrorMessage error={submit.error} />
      </div>
      <Field label="Name" name="name" autoComplete="name" required error={errors.name} />
      <Field label="Email" name="email" type="email" autoComplete="email" required error={errors.email} />
      <Field
        label="Password"
        name="password"
        type="password"
        autoComplete="new-password"
        required
        hint="At least 10 characters."
        error={errors.password}
      />
      <div class="actions">
        <button type="submit" disabled={submit.pending}>
          {submit.pending ? "Creating your account…" : "Create account"}
        </button>
        <a href={routes.signIn(next === "/" ? null : next)}>I already have an account</a>
      </div>
    </form>
  );
}
