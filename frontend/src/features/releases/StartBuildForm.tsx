import { useState } from "preact/hooks";
import { Field } from "../../components/ui/Field";
import type { Environment, Release } from "../../lib/api/types";
import { formValues, useSubmit } from "../../lib/hooks";
import { startBuild } from "./api";
import { useIdempotencyKeys } from "./idempotency";
import { ShipOutcome } from "./ShipOutcome";

export function StartBuildForm(props: {
  projectId: string;
  environments: Environment[];
  canShip: boolean;
  onStarted: (release: Release) => void;
}) {
  const keys = useIdempotencyKeys();
  const [started, setStarted] = useState<Release | null>(null);
  const submit = useSubmit(async (body: { branch: string; commit: string | null; tag: string | null }) => {
    const release = await keys.run(body, (key) => startBuild(props.projectId, body, key));
    setStarted(release);
    props.onStarted(release);
  });
  const branches = [...new Set(props.environments.map((e) => e.branch))];
  const errors = submit.fieldErrors;
  return (
    <form
      noValidate
      aria-labelledby="build-title"
      aria-busy={submit.pending}
      onSubmit={(e) => {
        e.preventDefault();
        setStarted(null);
        const v = formValues(e.currentTarget);
        void submit.run({ branch: v.branch ?? "", commit: v.commit || null, tag: v.tag || null });
      }}
    >
      <h3 id="build-title">Start a build</h3>
      <fieldset disabled={!props.canShip || submit.pending} style={{ border: "none", padding: 0, margin: 0 }}>
        <legend class="visually-hidden">Build details</legend>
        <Field
          label="Branch"
          name="branch"
          required
          defaultValue={branches[0] ?? "main"}
          list="known-branches"
          autoComplete="off"
          error={errors.branch}
        />
        <datalist id="known-branches">
          {branches.map((b) => (
            <option key={b} value={b} />
          ))}
        </datalist>
        <div class="inline-fields">
          <Field label="Commit (optional)" name="commit" autoComplete="off" hint="A commit SHA; the branch head when empty." error={errors.commit} />
          <Field label="Tag (optional)" name="tag" autoComplete="off" error={errors.tag} />
        </div>
        <button type="submit">{submit.pending ? "Starting build…" : "Start build"}</button>
      </fieldset>
      <ShipOutcome canShip={props.canShip} error={Object.keys(errors).length ? null : submit.error} started={started} />
    </form>
  );
}
