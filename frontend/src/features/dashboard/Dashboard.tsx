import { useState } from "preact/hooks";
import { EmptyState } from "../../components/ui/EmptyState";
import { ErrorMessage } from "../../components/ui/ErrorMessage";
import { Loading } from "../../components/ui/Loading";
import { hasRole, type Project, type Team } from "../../lib/api/types";
import { useResource } from "../../lib/hooks";
import { routes } from "../../lib/routes";
import { requireSignIn } from "../auth/session";
import { listEnvironments, listProjects } from "../projects/api";
import { EnvironmentStatus } from "../projects/EnvironmentStatus";
import { ProjectForm } from "../projects/ProjectForm";
import { listTeams } from "../teams/api";
import { CreateTeamForm } from "../teams/CreateTeamForm";

export default function Dashboard() {
  requireSignIn();
  const teams = useResource((signal) => listTeams(signal));
  const [showNewTeam, setShowNewTeam] = useState(false);

  if (teams.loading && !teams.data) return <Loading label="Loading your teams…" />;
  if (teams.error && !teams.data) return <ErrorMessage error={teams.error} onRetry={teams.reload} />;
  const list = teams.data ?? [];

  if (list.length === 0) {
    return (
      <EmptyState title="Welcome to Shipdeck" headingLevel={1}>
        <p>Shipdeck works by team. Start by creating one; you can invite people and add projects next.</p>
        <CreateTeamForm submitLabel="Create my first team" onCreated={() => teams.reload()} />
      </EmptyState>
    );
  }

  return (
    <div>
      <div class="page-head">
        <h1>Your teams and projects</h1>
        <button type="button" class="secondary" aria-expanded={showNewTeam} aria-controls="new-team" onClick={() => setShowNewTeam((v) => !v)}>
          {showNewTeam ? "Close" : "New team"}
        </button>
      </div>
      {showNewTeam ? (
        <section id="new-team" class="card section" aria-labelledby="new-team-title">
          <h2 id="new-team-title">New team</h2>
          <CreateTeamForm
            onCreated={() => {
              setShowNewTeam(false);
              teams.reload();
            }}
          />
        </section>
      ) : null}
      {list.map((team) => (
        <TeamBlock key={team.id} team={team} />
      ))}
    </div>
  );
}

function TeamBlock(props: { team: Team }) {
  const { team } = props;
  const projects = useResource((signal) => listProjects(team.id, signal), [team.id]);
  const [adding, setAdding] = useState(false);
  const canCreate = hasRole(team.role, "maintainer");
  const headingId = `team-${team.id}`;
  return (
    <section class="team-block" aria-labelledby={headingId}>
      <div class="section-head">
        <h2 id={headingId}>
          {team.name} <span class="role">{team.role}</span>
        </h2>
        <div class="actions">
          {canCreate && projects.data && projects.data.length > 0 ? (
            <button type="button" class="secondary" aria-expanded={adding} onClick={() => setAdding((v) => !v)}>
              {adding ? "Close" : "New project"}
            </button>
          ) : null}
          <a href={routes.team(team.id)}>Team settings</a>
        </div>
      </div>
      {projects.loading && !projects.data ? <Loading label={`Loading ${team.name}'s projects…`} /> : null}
      <ErrorMessage error={projects.error} onRetry={projects.reload} />
      {adding ? (
        <div class="card section">
          <h3>New project in {team.name}</h3>
          <ProjectForm
            teamId={team.id}
            onSaved={() => {
              setAdding(false);
              projects.reload();
            }}
          />
        </div>
      ) : null}
      {projects.data && projects.data.length === 0 ? (
        <EmptyState title="No projects yet" headingLevel={3}>
          {canCreate ? (
            <>
              <p>Add the first project: it maps to a project on SleakOps.</p>
              <ProjectForm teamId={team.id} onSaved={() => projects.reload()} />
            </>
          ) : (
            <p>A maintainer or owner of {team.name} can add the first project.</p>
          )}
        </EmptyState>
      ) : null}
      {projects.data && projects.data.length > 0 ? (
        <ul class="grid two plain" style={{ listStyle: "none", padding: 0, margin: 0 }}>
          {projects.data.map((p) => (
            <li key={p.id}>
              <ProjectCard project={p} team={team} />
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}

function ProjectCard(props: { project: Project; team: Team }) {
  const { project, team } = props;
  const envs = useResource((signal) => listEnvironments(project.id, signal), [project.id]);
  return (
    <article class="card project-card" aria-labelledby={`p-${project.id}`}>
      <h3 id={`p-${project.id}`}>
        <a href={routes.project(project.id)}>{project.name}</a>
      </h3>
      <p class="muted small">
        SleakOps project <span class="mono">{project.sleakops_project}</span>
      </p>
      {envs.loading && !envs.data ? <Loading label="Loading environments…" /> : null}
      <ErrorMessage error={envs.error} onRetry={envs.reload} />
      {envs.data && envs.data.length === 0 ? (
        <p class="small">
          No environments yet.{" "}
          {hasRole(team.role, "maintainer") ? (
            <a href={`${routes.team(team.id)}#project-${project.id}`}>Add the first environment</a>
          ) : (
            "A maintainer can add one."
          )}
        </p>
      ) : null}
      {envs.data && envs.data.length > 0 ? (
        <ul class="plain-list env-list" aria-label={`Environments of ${project.name}`}>
          {envs.data.map((env) => (
            <li key={env.id}>
              <span class="env-name">{env.name}</span>
              <EnvironmentStatus environment={env} />
            </li>
          ))}
        </ul>
      ) : null}
    </article>
  );
}
