import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { ErrorMessage } from "../../components/ui/ErrorMessage";
import { Loading } from "../../components/ui/Loading";
import { hasRole, type Release, type ReleaseKind, type TimelineEvent } from "../../lib/api/types";
import { useResource } from "../../lib/hooks";
import { param, routes } from "../../lib/routes";
import { requireSignIn } from "../auth/session";
import { getRelease, listReleases } from "../releases/api";
import { ReleaseHistory, type HistoryState } from "../releases/ReleaseHistory";
import { StartBuildForm } from "../releases/StartBuildForm";
import { StartDeploymentForm } from "../releases/StartDeploymentForm";
import { TimelinePanel } from "../timeline/TimelinePanel";
import { useTimeline } from "../timeline/useTimeline";
import { listEnvironments } from "./api";
import { EnvironmentStatus } from "./EnvironmentStatus";
import { ProjectChrome } from "./ProjectChrome";
import { useProject } from "./useProject";

export default function ProjectPage() {
  requireSignIn();
  const [projectId] = useState(() => param("id"));
  const ctx = useProject(projectId);
  const envs = useResource((signal) => (projectId ? listEnvironments(projectId, signal) : Promise.resolve([])), [projectId]);
  const history = useHistory(projectId);
  const [deployTarget, setDeployTarget] = useState<{ id: string | null; token: number }>({ id: null, token: 0 });

  // Live events about releases refresh that release in the history and the environment status.
  const envReload = useRef<ReturnType<typeof setTimeout> | null>(null);
  const onLive = useCallback(
    (event: TimelineEvent) => {
      if (event.release_id) {
        void history.refreshOne(event.release_id);
      }
      if (event.release_id || event.type.startsWith("environment.")) {
        if (envReload.current) clearTimeout(envReload.current);
        envReload.current = setTimeout(() => envs.reload(), 400);
      }
    },
    [history.refreshOne, envs.reload],
  );
  const timeline = useTimeline(projectId, onLive);

  if (ctx.loading && !ctx.data) return <Loading label="Loading the project…" />;
  if (!ctx.data) return <ErrorMessage error={ctx.error} onRetry={ctx.reload} />;
  const { project, team } = ctx.data;
  const canShip = hasRole(team.role, "maintainer");
  const environments = envs.data ?? [];

  const onStarted = (release: Release) => {
    history.upsert(release);
  };

  return (
    <div>
      <ProjectChrome project={project} team={team} current="overview" />
      <section aria-labelledby="envs-title" class="section">
        <div class="section-head">
          <h2 id="envs-title">Environments</h2>
        </div>
        {envs.loading && !envs.data ? <Loading label="Loading environments…" /> : null}
        <ErrorMessage error={envs.error} onRetry={envs.reload} />
        {envs.data && environments.length === 0 ? (
          <p>
            This project has no environments yet.{" "}
            {canShip ? <a href={`${routes.team(team.id)}#project-${project.id}`}>Add one in the project settings</a> : null}
          </p>
        ) : null}
        <ul class="grid three" style={{ listStyle: "none", padding: 0, margin: 0 }}>
          {environments.map((env) => (
            <li key={env.id} class="card" data-environment={env.name}>
              <h3>{env.name}</h3>
              <p class="small muted">
                Branch <span class="mono">{env.branch}</span> · SleakOps <span class="mono">{env.sleakops_env}</span>
              </p>
              <EnvironmentStatus environment={env} />
              {canShip ? (
                <div class="actions" style={{ marginTop: "0.5rem" }}>
                  <button
                    type="button"
                    class="secondary"
                    onClick={() => {
                      setDeployTarget((t) => ({ id: env.id, token: t.token + 1 }));
                      document.getElementById("ship")?.scrollIntoView({ block: "start" });
                    }}
                  >
                    Deploy to {env.name}
                  </button>
                </div>
              ) : null}
            </li>
          ))}
        </ul>
      </section>

      <section id="ship" aria-labelledby="ship-title" class="card section">
        <h2 id="ship-title">Ship</h2>
        <div class="grid two">
          <StartBuildForm projectId={project.id} environments={environments} canShip={canShip} onStarted={onStarted} />
          <StartDeploymentForm
            environments={environments}
            builds={history.builds}
            canShip={canShip}
            environmentId={deployTarget.id}
            focusToken={deployTarget.token}
            onStarted={onStarted}
          />
        </div>
      </section>

      <div class="layout-side">
        <ReleaseHistory
          state={history.state}
          environments={environments}
          onFilter={history.filter}
          onMore={history.more}
          onRetry={history.retry}
        />
        <TimelinePanel
          events={timeline.events}
          freshIds={timeline.freshIds}
          status={timeline.status}
          loading={timeline.loading}
          error={timeline.error}
          hasMore={timeline.hasMore}
          onMore={timeline.loadMore}
          onRetry={timeline.retry}
          onReconnect={timeline.reconnect}
        />
      </div>
    </div>
  );
}

/** Release history: filters, cursor pagination, and in-place updates from live events. */
function useHistory(projectId: string | null) {
  const [state, setState] = useState<HistoryState>({
    items: [],
    cursor: null,
    loading: true,
    error: null,
    kind: "",
    environmentId: "",
  });
  const [builds, setBuilds] = useState<Release[]>([]);
  const stateRef = useRef(state);
  stateRef.current = state;

  const load = useCallback(
    async (kind: ReleaseKind | "", environmentId: string, cursor: string | null) => {
      if (!projectId) return;
      setState((s) => ({ ...s, kind, environmentId, loading: true, error: null, ...(cursor ? {} : { items: [], cursor: null }) }));
      try {
        const page = await listReleases(projectId, { kind: kind || null, environmentId: environmentId || null, cursor });
        setState((s) => {
          if (s.kind !== kind || s.environmentId !== environmentId) return s;
          const items = cursor ? dedupe([...s.items, ...page.items]) : page.items;
          return { ...s, items, cursor: page.next_cursor ?? null, loading: false };
        });
      } catch (error) {
        setState((s) => ({ ...s, loading: false, error }));
      }
    },
    [projectId],
  );

  const loadBuilds = useCallback(async () => {
    if (!projectId) return;
    try {
      const page = await listReleases(projectId, { kind: "build", limit: 50 });
      setBuilds(page.items);
    } catch {
      // The deployment form then offers images only.
    }
  }, [projectId]);

  useEffect(() => {
    void load("", "", null);
    void loadBuilds();
  }, [load, loadBuilds]);

  const matches = (r: Release) => {
    const s = stateRef.current;
    return (!s.kind || r.kind === s.kind) && (!s.environmentId || r.environment_id === s.environmentId);
  };

  const upsert = useCallback((release: Release) => {
    setState((s) => {
      const i = s.items.findIndex((r) => r.id === release.id);
      if (i >= 0) {
        const items = s.items.slice();
        items[i] = release;
        return { ...s, items };
      }
      if (!matches(release)) return s;
      return { ...s, items: [release, ...s.items] };
    });
    if (release.kind === "build") setBuilds((b) => dedupe([release, ...b.filter((x) => x.id !== release.id)]));
  }, []);

  const refreshOne = useCallback(
    async (releaseId: string) => {
      try {
        upsert(await getRelease(releaseId));
      } catch {
        // The timeline still shows the change; the row catches up on the next event.
      }
    },
    [upsert],
  );

  return {
    state,
    builds,
    upsert,
    refreshOne,
    filter: (kind: ReleaseKind | "", environmentId: string) => void load(kind, environmentId, null),
    more: () => void load(stateRef.current.kind, stateRef.current.environmentId, stateRef.current.cursor),
    retry: () => void load(stateRef.current.kind, stateRef.current.environmentId, null),
  };
}

function dedupe(items: Release[]): Release[] {
  const seen = new Set<string>();
  return items.filter((r) => (seen.has(r.id) ? false : (seen.add(r.id), true)));
}

