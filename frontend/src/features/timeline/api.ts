import { apiUrl, call, client } from "../../lib/api/client";
import type { Page, TimelineEvent } from "../../lib/api/types";

export const listEvents = (projectId: string, cursor?: string | null, signal?: AbortSignal): Promise<Page<TimelineEvent>> =>
  call(
    client.GET("/api/projects/{project_id}/events", {
      params: { path: { project_id: projectId }, query: { limit: 30, ...(cursor ? { cursor } : {}) } },
      ...(signal ? { signal } : {}),
    }),
  );

export const eventStreamUrl = (projectId: string) => apiUrl(`/api/projects/${encodeURIComponent(projectId)}/events/stream`);
