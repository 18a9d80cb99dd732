import { useEffect } from "preact/hooks";
import type { Project, Team } from "../../lib/api/types";
import { routes } from "../../lib/routes";

type Tab = "overview" | "notes" | "assistant";

/** Breadcrumbs, title and the project's tabs, shared by its pages. */
export function ProjectChrome(props: { project: Project; team: Team | undefined; current: Tab; title?: string }) {
  const { project, team, current } = props;
  const heading = props.title ?? project.name;
  useEffect(() => {
    document.title = `${heading} · Shipdeck`;
  }, [heading]);
  const tabs: { id: Tab; label: string; href: string }[] = [
    { id: "overview", label: "Overview", href: routes.project(project.id) },
    { id: "notes", label: "Release notes", href: routes.notes(project.id) },
    { id: "assistant", label: "Assistant", href: routes.assistant(project.id) },
  ];
  return (
    <>
      <nav class="breadcrumbs" aria-label="Breadcrumb">
        <ol>
          <li>
            <a href={routes.dashboard()}>Dashboard</a>
          </li>
          {team ? (
            <li>
              <a href={routes.team(team.id)}>{team.name}</a>
            </li>
          ) : null}
          <li>
            <a href={routes.project(project.id)} aria-current={current === "overview" ? "page" : undefined}>
              {project.name}
            </a>
          </li>
        </ol>
      </nav>
      <div class="page-head">
        <div>
          <h1>{heading}</h1>
          <p class="meta">
            SleakOps project <span class="mono">{project.sleakops_project}</span>
            {project.repo_url ? (
              <>
                {" · "}
                <a href={project.repo_url} rel="noopener noreferrer" target="_blank">
                  Repository<span class="visually-hidden"> (opens in a new tab)</span>
                </a>
              </>
            ) : null}
            {team ? (
              <>
                {" · your role: "}
                <span class="role">{team.role}</span>
              </>
            ) : null}
          </p>
        </div>
        {team ? <a href={`${routes.team(team.id)}#project-${project.id}`}>Project settings</a> : null}
      </div>
      <nav aria-label="Project sections">
        <ul class="tabs">
          {tabs.map((t) => (
            <li key={t.id}>
              <a href={t.href} aria-current={t.id === current ? "page" : undefined}>
                {t.label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
    </>
  );
}
