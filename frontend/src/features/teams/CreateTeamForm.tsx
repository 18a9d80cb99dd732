import { ErrorMessage } from "../../components/ui/ErrorMessage";
import { Field } from "../../components/ui/Field";
import type { Team } from "../../lib/api/types";
import { formValues, useSubmit } from "../../lib/hooks";
import { createTeam } from "./api";

export function CreateTeamForm(props: { onCreated: (team: Team) => void; submitLabel?: string }) {
  const submit = useSubmit(async (name: string) => {
    const team = await createTeam(name);
    props.onCreated(team);
  });
  return (
    <form
      class="form"
      noValidate
      aria-busy={submit.pending}
      onSubmit={async (e) => {
        e.preventDefault();
        const form = e.currentTarget;
        const ok = await submit.run(formValues(form).name ?? "");
        if (ok) form.reset();
      }}
    >
      <ErrorMessage error={submit.fieldErrors.name ? null : submit.error} />
      <Field label="Team name" name="name" required maxLength={100} placeholder="e.g. Payments" error={submit.fieldErrors.name} />
      <button type="submit" disabled={submit.pending}>
        {submit.pending ? "Creating team…" : (props.submitLabel ?? "Create team")}
      </button>
    </form>
  );
}
