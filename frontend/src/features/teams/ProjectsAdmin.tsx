import { useEffect, useState } from "preact/hooks";
import { ConfirmButton } from "../../components/ui/ConfirmButton";
import { EmptyState } from "../../components/ui/EmptyState";
import { ErrorMessage } from "../../components/ui/ErrorMessage";
import { Loading } from "../../components/ui/Loading";
import { hasRole, type Project, type Team } from "../../lib/api/types";
import { useResource, useSubmit } from "../../lib/hooks";
import { routes } from "../../lib/routes";
import { deleteEnvironment, deleteProject, listEnvironments, listProjects } from "../projects/api";
import { EnvironmentForm } from "../projects/EnvironmentForm";
import { ProjectForm } from "../projects/ProjectForm";

export function ProjectsAdmin(props: { team: Team }) {
  const { team } = props;
  const canEdit = hasRole(team.role, "maintainer");
  const projects = useResource((signal) => listProjects(team.id, signal), [team.id]);
  const [adding, setAdding] = useState(false);

  useEffect(() => {
    // Links like /team/?id=…#project-… land on that project once it is on the page.
    if (projects.data && window.location.hash) {
      const el = document.getElementById(window.location.hash.slice(1));
      el?.scrollIntoView();
      el?.focus();
    }
  }, [projects.data]);

  return (
    <section class="section" aria-labelledby="projects-title">
      <div class="section-head">
        <h2 id="projects-title">Projects and environments</h2>
        {canEdit && projects.data && projects.data.length > 0 ? (
          <button type="button" class="secondary" aria-expanded={adding} onClick={() => setAdding((v) => !v)}>
            {adding ? "Close" : "New project"}
          </button>
        ) : null}
      </div>
      {!canEdit ? <p class="small muted">Maintainers and owners manage projects; owners delete them.</p> : null}
      {projects.loading && !projects.data ? <Loading label="Loading projects…" /> : null}
      <ErrorMessage error={projects.error} onRetry={projects.reload} />
      {adding ? (
        <div class="card section">
          <h3>New project</h3>
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
          {canEdit ? <ProjectForm teamId={team.id} onSaved={() => projects.reload()} /> : <p>A maintainer can add one.</p>}
        </EmptyState>
      ) : null}
      <div class="stack">
        {(projects.data ?? []).map((p) => (
          <ProjectAdmin key={p.id} team={team} project={p} onChanged={projects.reload} />
        ))}
      </div>
    </section>
  );
}

function ProjectAdmin(props: { team: Team; project: Project; onChanged: () => void }) {
  const { team, project } = props;
  const canEdit = hasRole(team.role, "maintainer");
  const isOwner = team.role === "owner";
  const envs = useResource((signal) => listEnvironments(project.id, signal), [project.id]);
  const [editing, setEditing] = useState(false);
  const [editingEnv, setEditingEnv] = useState<string | null>(null);
  const [addingEnv, setAddingEnv] = useState(false);
  const removeProject = useSubmit(async () => {
    await deleteProject(project.id);
    props.onChanged();
  });
  const removeEnv = useSubmit(async (id: string) => {
    await deleteEnvironment(id);
    envs.reload();
  });
  const headingId = `project-${project.id}-title`;

  return (
    <article class="card" id={`project-${project.id}`} tabIndex={-1} aria-labelledby={headingId}>
      <div class="section-head">
        <h3 id={headingId}>
          <a href={routes.project(project.id)}>{project.name}</a>
        </h3>
        <div class="actions">
          {canEdit && !editing ? (
            <button type="button" class="secondary" onClick={() => setEditing(true)}>
              Edit<span class="visually-hidden"> {project.name}</span>
            </button>
          ) : null}
          {isOwner ? (
            <ConfirmButton
              label={`Delete project`}
              confirmLabel="Yes, delete it"
              question={`Delete ${project.name} and its environments?`}
              busy={removeProject.pending}
              onConfirm={() => void removeProject.run()}
            />
          ) : null}
        </div>
      </div>
      <ErrorMessage error={removeProject.error} />
      {editing ? (
        <ProjectForm
          teamId={team.id}
          project={project}
          onSaved={() => {
            setEditing(false);
            props.onChanged();
          }}
          onCancel={() => setEditing(false)}
        />
      ) : (
        <p class="small muted">
          Slug <span class="mono">{project.slug}</span> · SleakOps project <span class="mono">{project.sleakops_project}</span>
          {project.repo_url ? (
            <>
              {" · "}
              <span class="mono">{project.repo_url}</span>
            </>
          ) : null}
        </p>
      )}

      <h4 style={{ margin: "0.75rem 0 0.25rem" }}>Environments</h4>
      {envs.loading && !envs.data ? <Loading label="Loading environments…" /> : null}
      <ErrorMessage error={envs.error ?? removeEnv.error} onRetry={envs.error ? envs.reload : undefined} />
      {envs.data && envs.data.length === 0 ? <p class="small">No environments yet.</p> : null}
      <ul class="plain-list">
        {(envs.data ?? []).map((env) => (
          <li key={env.id} style={{ padding: "0.5rem 0" }} data-environment={env.name}>
            {editingEnv === env.id ? (
              <EnvironmentForm
                projectId={project.id}
                projectName={project.name}
                environment={env}
                onSaved={() => {
                  setEditingEnv(null);
                  envs.reload();
                }}
                onCancel={() => setEditingEnv(null)}
              />
            ) : (
              <div class="section-head" style={{ marginBottom: 0 }}>
                <span>
                  <strong>{env.name}</strong>{" "}
                  <span class="small muted">
                    branch <span class="mono">{env.branch}</span> · SleakOps <span class="mono">{env.sleakops_env}</span>
                  </span>
                </span>
                <span class="actions">
                  {canEdit ? (
                    <button type="button" class="secondary" onClick={() => setEditingEnv(env.id)}>
                      Edit<span class="visually-hidden"> environment {env.name}</span>
                    </button>
                  ) : null}
                  {isOwner ? (
                    <ConfirmButton
                      label="Delete"
                      confirmLabel="Yes, delete"
                      question={`Delete environment ${env.name}?`}
                      busy={removeEnv.pending}
                      onConfirm={() => void removeEnv.run(env.id)}
                    />
                  ) : null}
                </span>
              </div>
            )}
          </li>
        ))}
      </ul>
      {canEdit ? (
        addingEnv || (envs.data && envs.data.length === 0) ? (
          <div style={{ marginTop: "0.5rem" }}>
            <EnvironmentForm
              projectId={project.id}
              projectName={project.name}
              onSaved={() => {
                setAddingEnv(false);
                envs.reload();
              }}
              {...(envs.data && envs.data.length > 0 ? { onCancel: () => setAddingEnv(false) } : {})}
            />
          </div>
        ) : (
          <button type="button" class="secondary" onClick={() => setAddingEnv(true)}>
            Add environment<span class="visually-hidden"> to {project.name}</span>
          </button>
        )
      ) : null}
    </article>
  );
}
