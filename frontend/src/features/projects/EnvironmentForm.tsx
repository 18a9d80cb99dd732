import { ErrorMessage } from "../../components/ui/ErrorMessage";
import { Field } from "../../components/ui/Field";
import type { Environment } from "../../lib/api/types";
import { formValues, useSubmit } from "../../lib/hooks";
import { createEnvironment, updateEnvironment } from "./api";

/** Adds an environment to a project, or edits one (when `environment` is given). */
export function EnvironmentForm(props: {
  projectId: string;
  projectName: string;
  environment?: Environment;
  onSaved: (environment: Environment) => void;
  onCancel?: () => void;
}) {
  const editing = props.environment;
  const submit = useSubmit(async (values: Record<string, string>) => {
    const body = { name: values.name ?? "", sleakops_env: values.sleakops_env ?? "", branch: values.branch ?? "" };
    const saved = editing ? await updateEnvironment(editing.id, body) : await createEnvironment(props.projectId, body);
    props.onSaved(saved);
  });
  const errors = submit.fieldErrors;
  return (
    <form
      class="form"
      noValidate
      aria-busy={submit.pending}
      aria-label={editing ? `Edit environment ${editing.name}` : `New environment for ${props.projectName}`}
      onSubmit={async (e) => {
        e.preventDefault();
        const form = e.currentTarget;
        const ok = await submit.run(formValues(form));
        if (ok && !editing) form.reset();
      }}
    >
      <ErrorMessage error={Object.keys(errors).length ? null : submit.error} />
      <div class="inline-fields">
        <Field
          label="Environment name"
          name="name"
          required
          maxLength={64}
          defaultValue={editing?.name}
          hint="Lowercase, e.g. dev or prod."
          error={errors.name}
        />
        <Field
          label="SleakOps environment"
          name="sleakops_env"
          required
          maxLength={100}
          defaultValue={editing?.sleakops_env}
          error={errors.sleakops_env}
        />
        <Field label="Default branch" name="branch" required maxLength={255} defaultValue={editing?.branch} error={errors.branch} />
      </div>
      <div class="actions">
        <button type="submit" disabled={submit.pending}>
          {submit.pending ? "Saving…" : editing ? "Save environment" : "Add environment"}
        </button>
        {props.onCancel ? (
          <button type="button" class="secondary" onClick={props.onCancel}>
            Cancel
          </button>
        ) : null}
      </div>
    </form>
  );
}
