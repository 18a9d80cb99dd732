import { useEffect, useRef, useState } from "preact/hooks";
import { Field, SelectField } from "../../components/ui/Field";
import type { Environment, Release } from "../../lib/api/types";
import { formValues, useSubmit } from "../../lib/hooks";
import { shortId } from "../../lib/format";
import { startDeployment } from "./api";
import { releaseTarget } from "./states";
import { useIdempotencyKeys } from "./idempotency";
import { ShipOutcome } from "./ShipOutcome";

export function StartDeploymentForm(props: {
  environments: Environment[];
  builds: Release[];
  canShip: boolean;
  /** Preselect this environment (from an environment's "Deploy" button). */
  environmentId: string | null;
  focusToken: number;
  onStarted: (release: Release) => void;
}) {
  const keys = useIdempotencyKeys();
  const [source, setSource] = useState<"image" | "build">("image");
  const [started, setStarted] = useState<Release | null>(null);
  const [envId, setEnvId] = useState<string>(props.environmentId ?? props.environments[0]?.id ?? "");
  const selectRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (props.environmentId) setEnvId(props.environmentId);
    if (props.focusToken) selectRef.current?.querySelector("select")?.focus();
  }, [props.environmentId, props.focusToken]);
  useEffect(() => {
    if (!envId && props.environments[0]) setEnvId(props.environments[0].id);
  }, [props.environments, envId]);

  const submit = useSubmit(async (environmentId: string, body: { build_id?: string; image?: string }) => {
    const release = await keys.run({ environmentId, body }, (key) => startDeployment(environmentId, body, key));
    setStarted(release);
    props.onStarted(release);
  });
  const errors = submit.fieldErrors;
  const successfulBuilds = props.builds.filter((b) => b.kind === "build" && b.state === "created");
  const noEnvs = props.environments.length === 0;

  return (
    <form
      noValidate
      aria-labelledby="deploy-title"
      aria-busy={submit.pending}
      onSubmit={(e) => {
        e.preventDefault();
        setStarted(null);
        const v = formValues(e.currentTarget);
        const body = source === "build" && v.build_id ? { build_id: v.build_id } : { image: v.image || "latest" };
        void submit.run(v.environment_id ?? envId, body);
      }}
    >
      <h3 id="deploy-title">Start a deployment</h3>
      {noEnvs ? <p class="small">Add an environment first (project settings).</p> : null}
      <fieldset disabled={!props.canShip || submit.pending || noEnvs} style={{ border: "none", padding: 0, margin: 0 }}>
        <legend class="visually-hidden">Deployment details</legend>
        <div ref={selectRef}>
          <SelectField
            label="Environment"
            name="environment_id"
            value={envId}
            onChange={(e) => setEnvId((e.currentTarget as HTMLSelectElement).value)}
            options={props.environments.map((env) => ({ value: env.id, label: `${env.name} (branch ${env.branch})` }))}
            error={errors.environment_id}
          />
        </div>
        <fieldset>
          <legend>What to deploy</legend>
          <label class="radio">
            <input type="radio" name="source" value="image" checked={source === "image"} onChange={() => setSource("image")} />
            An image tag
          </label>
          <label class="radio">
            <input
              type="radio"
              name="source"
              value="build"
              checked={source === "build"}
              disabled={successfulBuilds.length === 0}
              onChange={() => setSource("build")}
            />
            A successful build{successfulBuilds.length === 0 ? " (none yet)" : ""}
          </label>
        </fieldset>
        {source === "image" ? (
          <Field label="Image tag" name="image" defaultValue="latest" autoComplete="off" hint="Defaults to latest." error={errors.image} />
        ) : (
          <SelectField
            label="Build"
            name="build_id"
            options={successfulBuilds.map((b) => ({
              value: b.id,
              label: `${releaseTarget(b)} · ${shortId(b.id)}`,
            }))}
            error={errors.build_id}
          />
        )}
        <button type="submit">{submit.pending ? "Starting deployment…" : "Deploy"}</button>
      </fieldset>
      <ShipOutcome canShip={props.canShip} error={Object.keys(errors).length ? null : submit.error} started={started} />
    </form>
  );
}
