import { useEffect, useState } from "preact/hooks";
import { ErrorMessage } from "../../components/ui/ErrorMessage";
import { Loading } from "../../components/ui/Loading";
import { RelativeTime } from "../../components/ui/RelativeTime";
import { ApiError, UserFacingError } from "../../lib/api/errors";
import { useResource } from "../../lib/hooks";
import { param, routes } from "../../lib/routes";
import { currentUser, requireSignIn } from "../auth/session";
import { aiUsage, getTeam } from "./api";
import { Members } from "./Members";
import { ProjectsAdmin } from "./ProjectsAdmin";

export default function TeamSettings() {
  requireSignIn();
  const [teamId] = useState(() => param("id"));
  const team = useResource(async (signal) => {
    if (!teamId) throw new UserFacingError("This address does not name a team. Open it from the dashboard.");
    return getTeam(teamId, signal);
  }, [teamId]);
  const me = useResource((signal) => currentUser(signal));
  useEffect(() => {
    if (team.data) document.title = `${team.data.name} settings · Shipdeck`;
  }, [team.data]);

  if (team.loading && !team.data) return <Loading label="Loading the team…" />;
  if (!team.data) return <ErrorMessage error={team.error} onRetry={team.reload} />;
  const t = team.data;
  return (
    <div>
      <nav class="breadcrumbs" aria-label="Breadcrumb">
        <ol>
          <li>
            <a href={routes.dashboard()}>Dashboard</a>
          </li>
          <li>
            <a href={routes.team(t.id)} aria-current="page">
              {t.name}
            </a>
          </li>
        </ol>
      </nav>
      <div class="page-head">
        <div>
          <h1>{t.name} settings</h1>
          <p class="meta">
            Your role: <span class="role">{t.role}</span>
          </p>
        </div>
      </div>
      <AiUsageCard teamId={t.id} />
      <Members team={t} me={me.data} />
      <ProjectsAdmin team={t} />
    </div>
  );
}

function AiUsageCard(props: { teamId: string }) {
  const usage = useResource((signal) => aiUsage(props.teamId, signal), [props.teamId]);
  if (usage.loading && !usage.data) return <Loading label="Loading AI usage…" />;
  if (usage.error instanceof ApiError && usage.error.status === 404) return null;
  if (usage.error) return <ErrorMessage error={usage.error} onRetry={usage.reload} />;
  if (!usage.data) return null;
  const { tokens_used, daily_quota, date, resets_at } = usage.data;
  const pct = daily_quota > 0 ? Math.min(100, Math.round((tokens_used / daily_quota) * 100)) : 0;
  return (
    <section class="card section" aria-labelledby="usage-title">
      <h2 id="usage-title">AI usage today</h2>
      <p>
        {tokens_used.toLocaleString("en")} of {daily_quota.toLocaleString("en")} tokens used on {date} ({pct}%).
        {pct >= 100 ? " The allowance is used up; the co-pilot answers again" : " It renews"}{" "}
        <RelativeTime value={resets_at} />.
      </p>
      <progress max={100} value={pct} aria-label="Share of today's AI quota used" style={{ width: "100%" }}>
        {pct}%
      </progress>
    </section>
  );
}
