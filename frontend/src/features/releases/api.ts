import { streamAnswer, type StreamOptions } from "../../lib/api/ai";
import { call, client } from "../../lib/api/client";
import type { Page, Release, ReleaseKind } from "../../lib/api/types";

export const startBuild = (
  projectId: string,
  body: { branch: string; commit?: string | null; tag?: string | null },
  idempotencyKey: string,
) =>
  call(
    client.POST("/api/projects/{project_id}/builds", {
      params: { path: { project_id: projectId }, header: { "Idempotency-Key": idempotencyKey } },
      body,
    }),
  );

export const startDeployment = (
  environmentId: string,
  body: { build_id?: string | null; image?: string | null },
  idempotencyKey: string,
) =>
  call(
    client.POST("/api/environments/{environment_id}/deployments", {
      params: { path: { environment_id: environmentId }, header: { "Idempotency-Key": idempotencyKey } },
      body,
    }),
  );

export interface ReleaseFilter {
  kind?: ReleaseKind | null;
  environmentId?: string | null;
  cursor?: string | null;
  limit?: number;
}

export const listReleases = (projectId: string, filter: ReleaseFilter = {}, signal?: AbortSignal): Promise<Page<Release>> =>
  call(
    client.GET("/api/projects/{project_id}/releases", {
      params: {
        path: { project_id: projectId },
        query: {
          ...(filter.kind ? { kind: filter.kind } : {}),
          ...(filter.environmentId ? { environment_id: filter.environmentId } : {}),
          ...(filter.cursor ? { cursor: filter.cursor } : {}),
          limit: filter.limit ?? 20,
        },
      },
      ...(signal ? { signal } : {}),
    }),
  );

export const getRelease = (releaseId: string, signal?: AbortSignal): Promise<Release> =>
  call(
    client.GET("/api/releases/{release_id}", { params: { path: { release_id: releaseId } }, ...(signal ? { signal } : {}) }),
  );

export const explainRelease = (releaseId: string, options: StreamOptions) =>
  streamAnswer(`/api/releases/${encodeURIComponent(releaseId)}/explain`, {}, options);

export const draftReleaseNotes = (
  projectId: string,
  range: { from_release_id?: string | null; to_release_id?: string | null; environment_id?: string | null },
  options: StreamOptions,
) => streamAnswer(`/api/projects/${encodeURIComponent(projectId)}/release-notes`, range, options);
