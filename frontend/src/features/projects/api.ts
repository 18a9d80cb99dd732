import { call, client } from "../../lib/api/client";
import type { Environment, Page, Project } from "../../lib/api/types";

export async function listProjects(teamId: string, signal?: AbortSignal): Promise<Project[]> {
  const projects: Project[] = [];
  let cursor: string | null = null;
  do {
    const page: Page<Project> = await call(
      client.GET("/api/teams/{team_id}/projects", {
        params: { path: { team_id: teamId }, query: { limit: 200, ...(cursor ? { cursor } : {}) } },
        ...(signal ? { signal } : {}),
      }),
    );
    projects.push(...page.items);
    cursor = page.next_cursor ?? null;
  } while (cursor);
  return projects;
}

export interface ProjectInput {
  name: string;
  sleakops_project: string;
  slug?: string | null;
  repo_url?: string | null;
}

export const createProject = (teamId: string, body: ProjectInput) =>
  call(client.POST("/api/teams/{team_id}/projects", { params: { path: { team_id: teamId } }, body }));

export const getProject = (projectId: string, signal?: AbortSignal) =>
  call(
    client.GET("/api/projects/{project_id}", { params: { path: { project_id: projectId } }, ...(signal ? { signal } : {}) }),
  );

export const updateProject = (projectId: string, body: Partial<ProjectInput>) =>
  call(client.PATCH("/api/projects/{project_id}", { params: { path: { project_id: projectId } }, body }));

export const deleteProject = (projectId: string) =>
  call(client.DELETE("/api/projects/{project_id}", { params: { path: { project_id: projectId } } }));

export async function listEnvironments(projectId: string, signal?: AbortSignal): Promise<Environment[]> {
  const envs: Environment[] = [];
  let cursor: string | null = null;
  do {
    const page: Page<Environment> = await call(
      client.GET("/api/projects/{project_id}/environments", {
        params: { path: { project_id: projectId }, query: { limit: 200, ...(cursor ? { cursor } : {}) } },
        ...(signal ? { signal } : {}),
      }),
    );
    envs.push(...(page.items as Environment[]));
    cursor = page.next_cursor ?? null;
  } while (cursor);
  return envs;
}

export interface EnvironmentInput {
  name: string;
  sleakops_env: string;
  branch: string;
}

export const createEnvironment = (projectId: string, body: EnvironmentInput) =>
  call(client.POST("/api/projects/{project_id}/environments", { params: { path: { project_id: projectId } }, body }));

export const updateEnvironment = (environmentId: string, body: Partial<EnvironmentInput>) =>
  call(
    client.PATCH("/api/environments/{environment_id}", { params: { path: { environment_id: environmentId } }, body }),
  );

export const deleteEnvironment = (environmentId: string) =>
  call(client.DELETE("/api/environments/{environment_id}", { params: { path: { environment_id: environmentId } } }));
