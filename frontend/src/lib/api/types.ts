/** Names the screens use for the API's shapes. */
import type { components } from "./schema";
import type * as pending from "./pending";

type Schemas = components["schemas"];

export type User = Schemas["UserOut"];
export type Team = Schemas["TeamOut"];
export type Role = Schemas["Role"];
export type Member = Schemas["MemberOut"];
export type Project = Schemas["ProjectOut"];
export type Environment = Schemas["EnvironmentOut"] & {
  last_release?: pending.ReleaseSummary | null;
  last_successful_deployment?: pending.ReleaseSummary | null;
};

export type Release = pending.ReleaseOut;
export type ReleaseKind = pending.ReleaseKind;
export type ReleaseState = pending.ReleaseState;
export type ReleaseSummary = pending.ReleaseSummary;
export type TimelineEvent = pending.TimelineEvent;
export type Conversation = pending.ConversationOut;
export type ConversationDetail = pending.ConversationDetail;
export type Message = pending.MessageOut;
export type AiUsage = pending.AiUsage;

export interface Page<T> {
  items: T[];
  next_cursor?: string | null;
}

const RANK: Record<Role, number> = { viewer: 0, maintainer: 1, owner: 2 };

/** Whether `role` is at least `needed` (owner > maintainer > viewer). */
export function hasRole(role: Role | undefined, needed: Role): boolean {
  return role !== undefined && RANK[role] >= RANK[needed];
}
