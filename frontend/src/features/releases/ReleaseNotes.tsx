import { useState } from "preact/hooks";
import { CopyButton } from "../../components/ui/CopyButton";
import { ErrorMessage } from "../../components/ui/ErrorMessage";
import { SelectField } from "../../components/ui/Field";
import { Loading } from "../../components/ui/Loading";
import type { Environment, Release } from "../../lib/api/types";
import { shortId } from "../../lib/format";
import { useResource } from "../../lib/hooks";
import { param } from "../../lib/routes";
import { requireSignIn } from "../auth/session";
import { listEnvironments } from "../projects/api";
import { ProjectChrome } from "../projects/ProjectChrome";
import { useProject } from "../projects/useProject";
import { draftReleaseNotes, listReleases } from "./api";
import { AnswerView } from "./AnswerView";
import { kindLabel, releaseTarget, stateInfo } from "./states";
import { useAnswerStream } from "./useAnswerStream";

function releaseLabel(r: Release, envs: Environment[]): string {
  const env = envs.find((e) => e.id === r.environment_id);
  const when = new Date(r.created_at).toLocaleString("en", { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
  return `${when} · ${kindLabel(r.kind)}${env ? ` to ${env.name}` : ""} · ${releaseTarget(r)} · ${stateInfo(r.state).label} (${shortId(r.id)})`;
}

export default function ReleaseNotes() {
  requireSignIn();
  const [projectId] = useState(() => param("project"));
  const ctx = useProject(projectId);
  const data = useResource(
    async (signal) => {
      if (!projectId) return { envs: [] as Environment[], releases: [] as Release[] };
      const [envs, page] = await Promise.all([
        listEnvironments(projectId, signal),
        listReleases(projectId, { limit: 100 }, signal),
      ]);
      return { envs, releases: page.items };
    },
    [projectId],
  );
  const notes = useAnswerStream();
  const [range, setRange] = useState({ environment_id: "", from_release_id: "", to_release_id: "" });
  const [rangeError, setRangeError] = useState<string | null>(null);

  if (ctx.loading && !ctx.data) return <Loading label="Loading the project…" />;
  if (!ctx.data) return <ErrorMessage error={ctx.error} onRetry={ctx.reload} />;
  const { project, team } = ctx.data;
  const envs = data.data?.envs ?? [];
  const releases = (data.data?.releases ?? []).filter((r) => !range.environment_id || r.environment_id === range.environment_id);
  const options = [{ value: "", label: "" }, ...releases.map((r) => ({ value: r.id, label: releaseLabel(r, envs) }))];

  const generate = () => {
    const all = data.data?.releases ?? [];
    const from = all.find((r) => r.id === range.from_release_id);
    const to = all.find((r) => r.id === range.to_release_id);
    if (from && to && Date.parse(from.created_at) > Date.parse(to.created_at)) {
      setRangeError("“From” must be older than “To”. Swap them, or pick another release.");
      return;
    }
    setRangeError(null);
    void notes.run((o) =>
      draftReleaseNotes(
        project.id,
        {
          environment_id: range.environment_id || null,
          from_release_id: range.from_release_id || null,
          to_release_id: range.to_release_id || null,
        },
        o,
      ),
    );
  };

  return (
    <div>
      <ProjectChrome project={project} team={team} current="notes" title={`Release notes · ${project.name}`} />
      <section class="card section" aria-labelledby="range-title">
        <h2 id="range-title">Choose the range</h2>
        <p class="small muted">
          The co-pilot drafts notes from the releases in the range. Leave “From” empty to start at the oldest release, and “To”
          empty to end at the newest.
        </p>
        {data.loading && !data.data ? <Loading label="Loading releases…" /> : null}
        <ErrorMessage error={data.error} onRetry={data.reload} />
        <form
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            generate();
          }}
        >
          <SelectField
            label="Environment"
            name="environment_id"
            value={range.environment_id}
            onChange={(e) => setRange({ environment_id: (e.currentTarget as HTMLSelectElement).value, from_release_id: "", to_release_id: "" })}
            options={[{ value: "", label: "All environments" }, ...envs.map((env) => ({ value: env.id, label: env.name }))]}
          />
          <div class="inline-fields">
            <SelectField
              label="From release (older)"
              name="from_release_id"
              value={range.from_release_id}
              onChange={(e) => setRange((r) => ({ ...r, from_release_id: (e.currentTarget as HTMLSelectElement).value }))}
              options={options.map((o) => (o.value ? o : { value: "", label: "The oldest release" }))}
              error={rangeError ?? undefined}
            />
            <SelectField
              label="To release (newer)"
              name="to_release_id"
              value={range.to_release_id}
              onChange={(e) => setRange((r) => ({ ...r, to_release_id: (e.currentTarget as HTMLSelectElement).value }))}
              options={options.map((o) => (o.value ? o : { value: "", label: "The newest release" }))}
            />
          </div>
          <div class="actions">
            <button type="submit" disabled={notes.busy}>
              {notes.busy ? "Drafting…" : "Draft release notes"}
            </button>
            {notes.text && !notes.busy ? <CopyButton text={notes.text} label="Copy notes (Markdown)" /> : null}
          </div>
        </form>
      </section>
      {notes.phase !== "idle" ? (
        <section class="card section" aria-labelledby="notes-title">
          <h2 id="notes-title">Draft</h2>
          <AnswerView
            id="release-notes"
            label="Release notes draft"
            text={notes.text}
            phase={notes.phase}
            error={notes.error}
            result={notes.result}
            onRetry={generate}
            onStop={notes.stop}
          />
        </section>
      ) : null}
    </div>
  );
}
