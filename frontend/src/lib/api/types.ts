/** Names the screens use for the API's shapes (all generated from the OpenAPI document). */
import type { components } from "./schema";

type Schemas = components["schemas"];

export type User = Schemas["UserOut"];
export type Team = Schemas["TeamOut"];
export type Role = Schemas["Role"];
export type Member = Schemas["MemberOut"];
export type Project = Schemas["ProjectOut"];
export type Environment = Schemas["EnvironmentOut"];
export type Release = Schemas["ReleaseOut"];
export type ReleaseKind = Schemas["ReleaseKind"];
export type ReleaseState = Schemas["ReleaseState"];
export type ReleaseSummary = Schemas["ReleaseSummary"];
export type TimelineEvent = Schemas["EventOut"];
export type Conversation = Schemas["ConversationOut"];
export type ConversationDetail = Schemas["ConversationDetail"];
export type Message = Schemas["MessageOut"];
export type AiUsage = Schemas["AiUsageOut"];

export interface Page<T> {
  items: T[];
  next_cursor?: string | null;
}

const RANK: Record<Role, number> = { viewer: 0, maintainer: 1, owner: 2 };

/** Whether `role` is at least `needed` (owner > maintainer > viewer). */
export function hasRole(role: Role | undefined, needed: Role): boolean {
  return role !== undefined && RANK[role] >= RANK[needed];
}
