import { call, client } from "../../lib/api/client";
import type { AiUsage, Member, Page, Role, Team } from "../../lib/api/types";

export async function listTeams(signal?: AbortSignal): Promise<Team[]> {
  const teams: Team[] = [];
  let cursor: string | null = null;
  do {
    const page: Page<Team> = await call(
      client.GET("/api/teams", { params: { query: { limit: 200, ...(cursor ? { cursor } : {}) } }, ...(signal ? { signal } : {}) }),
    );
    teams.push(...page.items);
    cursor = page.next_cursor ?? null;
  } while (cursor);
  return teams;
}

export const createTeam = (name: string) => call(client.POST("/api/teams", { body: { name } }));

export const getTeam = (teamId: string, signal?: AbortSignal) =>
  call(client.GET("/api/teams/{team_id}", { params: { path: { team_id: teamId } }, ...(signal ? { signal } : {}) }));

export async function listMembers(teamId: string, signal?: AbortSignal): Promise<Member[]> {
  const members: Member[] = [];
  let cursor: string | null = null;
  do {
    const page: Page<Member> = await call(
      client.GET("/api/teams/{team_id}/members", {
        params: { path: { team_id: teamId }, query: { limit: 200, ...(cursor ? { cursor } : {}) } },
        ...(signal ? { signal } : {}),
      }),
    );
    members.push(...page.items);
    cursor = page.next_cursor ?? null;
  } while (cursor);
  return members;
}

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
  call(client.GET("/api/teams/{team_id}/ai-usage", { params: { path: { team_id: teamId } }, ...(signal ? { signal } : {}) }));
