import { ErrorMessage } from "../../components/ui/ErrorMessage";
import { Field } from "../../components/ui/Field";
import type { Project } from "../../lib/api/types";
import { formValues, useSubmit } from "../../lib/hooks";
import { createProject, updateProject } from "./api";

/** Creates a project in a team, or edits one (when `project` is given). */
export function ProjectForm(props: { teamId: string; project?: Project; onSaved: (project: Project) => void; onCancel?: () => void }) {
  const editing = props.project;
  const submit = useSubmit(async (values: Record<string, string>) => {
    const body = {
      name: values.name ?? "",
      sleakops_project: values.sleakops_project ?? "",
      repo_url: values.repo_url ? values.repo_url : null,
      ...(values.slug ? { slug: values.slug } : {}),
    };
    const saved = editing ? await updateProject(editing.id, body) : await createProject(props.teamId, body);
    props.onSaved(saved);
  });
  const errors = submit.fieldErrors;
  const shown = Object.keys(errors).length ? null : submit.error;
  return (
    <form
      class="form"
      noValidate
      aria-busy={submit.pending}
      aria-label={editing ? `Edit project ${editing.name}` : "New project"}
      onSubmit={async (e) => {
        e.preventDefault();
        const form = e.currentTarget;
        const ok = await submit.run(formValues(form));
        if (ok && !editing) form.reset();
      }}
    >
      <ErrorMessage error={shown} />
      <div class="inline-fields">
        <Field label="Project name" name="name" required maxLength={100} defaultValue={editing?.name} error={errors.name} />
        <Field
          label="SleakOps project"
          name="sleakops_project"
          required
          maxLength={100}
          defaultValue={editing?.sleakops_project}
          hint="The project's name on SleakOps."
          error={errors.sleakops_project}
        />
      </div>
      <div class="inline-fields">
        <Field
          label="Slug (optional)"
          name="slug"
          maxLength={100}
          defaultValue={editing?.slug}
          hint="Lowercase letters, digits and dashes; derived from the name when empty."
          error={errors.slug}
        />
        <Field
          label="Repository URL (optional)"
          name="repo_url"
          type="url"
          maxLength={500}
          defaultValue={editing?.repo_url ?? ""}
          placeholder="https://github.com/acme/app"
          error={errors.repo_url}
        />
      </div>
      <div class="actions">
        <button type="submit" disabled={submit.pending}>
          {submit.pending ? "Saving…" : editing ? "Save project" : "Create project"}
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
