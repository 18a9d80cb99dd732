import { allPages, call, client } from "../../lib/api/client";
import type { Environment, Project } from "../../lib/api/types";

const opts = (signal?: AbortSignal) => (signal ? { signal } : {});
const page = (cursor: string | null) => ({ limit: 200, ...(cursor ? { cursor } : {}) });

export const listProjects = (teamId: string, signal?: AbortSignal): Promise<Project[]> =>
  allPages((cursor) =>
    call(
      client.GET("/api/teams/{team_id}/projects", {
        params: { path: { team_id: teamId }, query: page(cursor) },
        ...opts(signal),
      }),
    ),
  );

export interface ProjectInput {
  name: string;
  sleakops_project: string;
  slug?: string | null;
  repo_url?: string | null;
}

export const createProject = (teamId: string, body: ProjectInput) =>
  call(client.POST("/api/teams/{team_id}/projects", { params: { path: { team_id: teamId } }, body }));

export const getProject = (projectId: string, signal?: AbortSignal) =>
  call(client.GET("/api/projects/{project_id}", { params: { path: { project_id: projectId } }, ...opts(signal) }));

export const updateProject = (projectId: string, body: Partial<ProjectInput>) =>
  call(client.PATCH("/api/projects/{project_id}", { params: { path: { project_id: projectId } }, body }));

export const deleteProject = (projectId: string) =>
  call(client.DELETE("/api/projects/{project_id}", { params: { path: { project_id: projectId } } }));

export const listEnvironments = (projectId: string, signal?: AbortSignal): Promise<Environment[]> =>
  allPages((cursor) =>
    call(
      client.GET("/api/projects/{project_id}/environments", {
        params: { path: { project_id: projectId }, query: page(cursor) },
        ...opts(signal),
      }),
    ),
  );

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
