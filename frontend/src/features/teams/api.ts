import { allPages, call, client } from "../../lib/api/client";
import type { AiUsage, Member, Role, Team } from "../../lib/api/types";

const opts = (signal?: AbortSignal) => (signal ? { signal } : {});
const page = (cursor: string | null) => ({ limit: 200, ...(cursor ? { cursor } : {}) });

export const listTeams = (signal?: AbortSignal): Promise<Team[]> =>
  allPages((cursor) => call(client.GET("/api/teams", { params: { query: page(cursor) }, ...opts(signal) })));

export const createTeam = (name: string) => call(client.POST("/api/teams", { body: { name } }));

export const getTeam = (teamId: string, signal?: AbortSignal) =>
  call(client.GET("/api/teams/{team_id}", { params: { path: { team_id: teamId } }, ...opts(signal) }));

export const listMembers = (teamId: string, signal?: AbortSignal): Promise<Member[]> =>
  allPages((cursor) =>
    call(
      client.GET("/api/teams/{team_id}/members", {
        params: { path: { team_id: teamId }, query: page(cursor) },
        ...opts(signal),
      }),
    ),
  );

export const addMember = (teamId: string, email: string, role: Role) =>
  call(client.POST("/api/teams/{team_id}/members", { params: { path: { team_id: teamId } }, body: { email, role } }));

export const updateMember = (teamId: string, userId: string, role: Role) =>
  call(
    client.PATCH("/api/teams/{team_id}/members/{user_id}", {
      params: { path: { team_id: teamId, user_id: userId } },
      body: { role },
    }),
  );

export const removeMember = (teamId: string, userId: string) =>
  call(client.DELETE("/api/teams/{team_id}/members/{user_id}", { params: { path: { team_id: teamId, user_id: userId } } }));

export const aiUsage = (teamId: string, signal?: AbortSignal): Promise<AiUsage> =>
  call(client.GET("/api/teams/{team_id}/ai-usage", { params: { path: { team_id: teamId } }, ...opts(signal) }));
