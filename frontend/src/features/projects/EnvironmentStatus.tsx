import { RelativeTime } from "../../components/ui/RelativeTime";
import type { Environment } from "../../lib/api/types";
import { StateBadge } from "../releases/StateBadge";
import { kindLabel, releaseTarget } from "../releases/states";
import { routes } from "../../lib/routes";

/** What is deployed in an environment, and how its last release went. */
export function EnvironmentStatus(props: { environment: Environment }) {
  const env = props.environment;
  const last = env.last_release ?? null;
  const deployed = env.last_successful_deployment ?? null;
  return (
    <div class="small">
      {deployed ? (
        <p style={{ margin: 0 }}>
          <span class="muted">Deployed: </span>
          <span class="mono">{deployed.image ?? "latest"}</span>
          {deployed.tag ? <span class="mono"> ({deployed.tag})</span> : null}{" "}
          <span class="muted">
            · <RelativeTime value={deployed.finished_at ?? deployed.created_at} />
          </span>
        </p>
      ) : (
        <p style={{ margin: 0 }} class="muted">
          Nothing deployed yet.
        </p>
      )}
      {last ? (
        <p style={{ margin: 0 }}>
          <span class="muted">Last release: </span>
          <a href={routes.release(last.id)}>
            {kindLabel(last.kind)} · {releaseTarget(last)}
          </a>{" "}
          <StateBadge state={last.state} />{" "}
          <span class="muted">
            <RelativeTime value={last.finished_at ?? last.created_at} />
          </span>
        </p>
      ) : null}
    </div>
  );
}
