import { useCallback, useState } from "preact/hooks";
import { ErrorMessage } from "../../components/ui/ErrorMessage";
import { Loading } from "../../components/ui/Loading";
import { RelativeTime } from "../../components/ui/RelativeTime";
import { UserFacingError } from "../../lib/api/errors";
import type { Environment, Project, Release, Team, TimelineEvent } from "../../lib/api/types";
import { absoluteTime, duration } from "../../lib/format";
import { useResource } from "../../lib/hooks";
import { param, routes } from "../../lib/routes";
import { requireSignIn } from "../auth/session";
import { getProject, listEnvironments } from "../projects/api";
import { ProjectChrome } from "../projects/ProjectChrome";
import { getTeam } from "../teams/api";
import { ConnectionStatus } from "../timeline/TimelinePanel";
import { useTimeline } from "../timeline/useTimeline";
import { explainRelease, getRelease } from "./api";
import { AnswerView } from "./AnswerView";
import { StateBadge } from "./StateBadge";
import { isFinished, kindLabel, releaseTarget, stateInfo } from "./states";
import { useAnswerStream } from "./useAnswerStream";

interface Loaded {
  release: Release;
  project: Project;
  team: Team;
  environments: Environment[];
}

export default function ReleaseDetail() {
  requireSignIn();
  const [releaseId] = useState(() => param("id"));
  const data = useResource<Loaded>(async (signal) => {
    if (!releaseId) throw new UserFacingError("This address does not name a release. Open one from a project's history.");
    const release = await getRelease(releaseId, signal);
    const project = await getProject(release.project_id, signal);
    const [team, environments] = await Promise.all([getTeam(project.team_id, signal), listEnvironments(project.id, signal)]);
    return { release, project, team, environments };
  }, [releaseId]);
  const explain = useAnswerStream();

  // Follow the release live through its project's timeline.
  const onLive = useCallback(
    (event: TimelineEvent) => {
      if (event.release_id === releaseId && releaseId) {
        getRelease(releaseId)
          .then((release) => data.set((d) => (d ? { ...d, release } : (d as unknown as Loaded))))
          .catch(() => undefined);
      }
    },
    [releaseId, data.set],
  );
  const timeline = useTimeline(data.data?.project.id ?? null, onLive);

  if (data.loading && !data.data) return <Loading label="Loading the release…" />;
  if (!data.data) return <ErrorMessage error={data.error} onRetry={data.reload} />;
  const { release, project, team, environments } = data.data;
  const env = environments.find((e) => e.id === release.environment_id);
  const info = stateInfo(release.state);
  const title = `${kindLabel(release.kind)}${env ? ` to ${env.name}` : ""}`;
  const startExplain = () => void explain.run((options) => explainRelease(release.id, options));
  const related = timeline.events.filter((e) => e.release_id === release.id);

  return (
    <div>
      <ProjectChrome project={project} team={team} current="overview" title={title} />
      <div class="layout-side">
        <div>
          <section class="card section" aria-labelledby="release-facts">
            <div class="section-head">
              <h2 id="release-facts">
                Release <StateBadge state={release.state} />
              </h2>
              <ConnectionStatus status={timeline.status} onReconnect={timeline.reconnect} />
            </div>
            <p class="muted small">{info.description}</p>
            <dl class="facts">
              <dt>Kind</dt>
              <dd>{kindLabel(release.kind)}</dd>
              {env ? (
                <>
                  <dt>Environment</dt>
                  <dd>{env.name}</dd>
                </>
              ) : null}
              <dt>Target</dt>
              <dd class="mono">{releaseTarget(release)}</dd>
              {release.build_id ? (
                <>
                  <dt>From build</dt>
                  <dd>
                    <a href={routes.release(release.build_id)}>{release.build_id}</a>
                  </dd>
                </>
              ) : null}
              <dt>Requested by</dt>
              <dd>{release.requested_by?.name ?? "—"}</dd>
              <dt>Started</dt>
              <dd>
                <RelativeTime value={release.created_at} /> <span class="muted small">({absoluteTime(release.created_at)})</span>
              </dd>
              <dt>{release.finished_at ? "Took" : "Running for"}</dt>
              <dd>{duration(release.created_at, release.finished_at)}</dd>
              {release.sleakops_id ? (
                <>
                  <dt>SleakOps id</dt>
                  <dd class="mono">{release.sleakops_id}</dd>
                </>
              ) : null}
              <dt>Shipdeck id</dt>
              <dd class="mono">{release.id}</dd>
            </dl>
          </section>

          {release.errors ? (
            <section class="card section" aria-labelledby="errors-title">
              <h2 id="errors-title">
                <span aria-hidden="true">✕ </span>Errors
              </h2>
              <pre class="errors">{release.errors}</pre>
            </section>
          ) : null}

          <section class="card section" aria-labelledby="explain-title">
            <div class="section-head">
              <h2 id="explain-title">Explain with AI</h2>
            </div>
            <p class="small muted">
              The co-pilot reads this release, its errors and the project's recent activity, and explains what happened
              {isFinished(release.state) ? "" : " so far"}.
            </p>
            <div class="actions" style={{ marginBottom: "0.75rem" }}>
              <button type="button" onClick={startExplain} disabled={explain.busy}>
                {explain.busy ? "Explaining…" : explain.phase === "done" ? "Explain again" : "Explain with AI"}
              </button>
            </div>
            <AnswerView
              id="explanation"
              label="Explanation"
              text={explain.text}
              phase={explain.phase}
              error={explain.error}
              result={explain.result}
              onRetry={startExplain}
              onStop={explain.stop}
            />
          </section>
        </div>

        <section class="card section" aria-labelledby="release-activity">
          <h2 id="release-activity">This release's activity</h2>
          {related.length === 0 ? <p class="muted small">No activity recorded yet.</p> : null}
          <ol class="timeline" aria-live="polite">
            {related.map((e) => (
              <li key={e.id} data-event-type={e.type}>
                <span class="glyph" aria-hidden="true">
                  •
                </span>
                <div>
                  <div>{e.summary}</div>
                  <div class="when">
                    <RelativeTime value={e.at} />
                  </div>
                </div>
              </li>
            ))}
          </ol>
          <p class="small">
            <a href={routes.project(project.id)}>All of {project.name}'s activity</a>
          </p>
        </section>
      </div>
    </div>
  );
}
