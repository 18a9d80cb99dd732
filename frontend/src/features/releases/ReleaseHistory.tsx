import { ErrorMessage } from "../../components/ui/ErrorMessage";
import { SelectField } from "../../components/ui/Field";
import { Loading } from "../../components/ui/Loading";
import { RelativeTime } from "../../components/ui/RelativeTime";
import type { Environment, Release, ReleaseKind } from "../../lib/api/types";
import { duration, shortId } from "../../lib/format";
import { routes } from "../../lib/routes";
import { StateBadge } from "./StateBadge";
import { kindLabel, releaseTarget } from "./states";

export interface HistoryState {
  items: Release[];
  cursor: string | null;
  loading: boolean;
  error: unknown;
  kind: ReleaseKind | "";
  environmentId: string;
}

export function ReleaseHistory(props: {
  state: HistoryState;
  environments: Environment[];
  onFilter: (kind: ReleaseKind | "", environmentId: string) => void;
  onMore: () => void;
  onRetry: () => void;
}) {
  const { state, environments } = props;
  const envName = (id: string | null) => environments.find((e) => e.id === id)?.name ?? "";
  return (
    <section aria-labelledby="history-title" class="card section">
      <div class="section-head">
        <h2 id="history-title">Release history</h2>
      </div>
      <form class="inline-fields" onSubmit={(e) => e.preventDefault()} aria-label="Filter releases">
        <SelectField
          label="Kind"
          name="kind"
          value={state.kind}
          onChange={(e) => props.onFilter((e.currentTarget as HTMLSelectElement).value as ReleaseKind | "", state.environmentId)}
          options={[
            { value: "", label: "Builds and deployments" },
            { value: "build", label: "Builds" },
            { value: "deploy", label: "Deployments" },
          ]}
        />
        <SelectField
          label="Environment"
          name="environment"
          value={state.environmentId}
          onChange={(e) => props.onFilter(state.kind, (e.currentTarget as HTMLSelectElement).value)}
          options={[{ value: "", label: "All environments" }, ...environments.map((env) => ({ value: env.id, label: env.name }))]}
        />
      </form>
      {state.items.length === 0 && state.loading ? <Loading label="Loading releases…" /> : null}
      {state.items.length === 0 && !state.loading && !state.error ? (
        <p class="muted">No releases yet{state.kind || state.environmentId ? " match these filters" : ""}. Start a build or a deployment above.</p>
      ) : null}
      {state.items.length > 0 ? (
        <div class="table-wrap">
          <table class="responsive" aria-describedby="history-title">
            <thead>
              <tr>
                <th scope="col">Release</th>
                <th scope="col">State</th>
                <th scope="col">Target</th>
                <th scope="col">Requested by</th>
                <th scope="col">Started</th>
                <th scope="col">Took</th>
              </tr>
            </thead>
            <tbody>
              {state.items.map((r) => (
                <tr key={r.id} data-release-id={r.id}>
                  <td data-label="Release">
                    <a href={routes.release(r.id)}>
                      {kindLabel(r.kind)} <span class="mono small">{shortId(r.id)}</span>
                    </a>
                  </td>
                  <td data-label="State">
                    <StateBadge state={r.state} />
                  </td>
                  <td data-label="Target">
                    {r.environment_id ? <strong>{envName(r.environment_id) || "environment"}</strong> : null}
                    {r.environment_id ? " · " : null}
                    <span class="mono small">{releaseTarget(r)}</span>
                  </td>
                  <td data-label="Requested by">{r.requested_by?.name ?? "—"}</td>
                  <td data-label="Started">
                    <RelativeTime value={r.created_at} />
                  </td>
                  <td data-label="Took">{r.finished_at ? duration(r.created_at, r.finished_at) : <span class="muted">running</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <ErrorMessage error={state.error} onRetry={props.onRetry} />
      {state.cursor ? (
        <div class="actions" style={{ marginTop: "0.75rem" }}>
          <button type="button" class="secondary" onClick={props.onMore} disabled={state.loading}>
            {state.loading ? "Loading…" : "Show older releases"}
          </button>
        </div>
      ) : null}
    </section>
  );
}
