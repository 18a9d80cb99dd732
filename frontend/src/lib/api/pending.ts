/**
 * The release, timeline and co-pilot endpoints of the v1 contract (docs PRODUCT.md) written in the
 * generated client's shape, for as long as the backend's OpenAPI document does not describe them.
 * When it does, `make frontend-client` puts them in schema.d.ts and this file goes away: types.ts
 * then points the same names at the generated schemas.
 */

export type ReleaseKind = "build" | "deploy";
export type ReleaseState = "initial" | "creating" | "created" | "error" | "timed_out" | "submit_failed";

export interface ReleaseOut {
  id: string;
  project_id: string;
  environment_id: string | null;
  kind: ReleaseKind;
  state: ReleaseState;
  branch: string | null;
  commit: string | null;
  tag: string | null;
  image: string | null;
  build_id: string | null;
  sleakops_id: string | null;
  errors: string | null;
  requested_by: { id: string; name: string };
  created_at: string;
  updated_at: string;
  finished_at: string | null;
}

export interface ReleaseSummary {
  id: string;
  kind: ReleaseKind;
  state: ReleaseState;
  image: string | null;
  tag: string | null;
  branch: string | null;
  created_at: string;
  finished_at: string | null;
}

export interface TimelineEvent {
  /** Per-project sequence number, as a string. */
  id: string;
  project_id: string;
  type: string;
  at: string;
  actor: { id: string; name: string } | null;
  release_id: string | null;
  summary: string;
  data: Record<string, unknown>;
}

export interface ConversationOut {
  id: string;
  project_id: string;
  title: string;
  created_at: string;
  updated_at: string;
}

export interface MessageOut {
  id: string;
  role: "user" | "assistant";
  content: string;
  created_at: string;
}

export interface ConversationDetail extends ConversationOut {
  messages: MessageOut[];
}

export interface AiUsage {
  date: string;
  tokens_used: number;
  daily_quota: number;
}

export interface BuildCreate {
  branch: string;
  commit?: string | null;
  tag?: string | null;
}

export interface DeploymentCreate {
  build_id?: string | null;
  image?: string | null;
}

export interface ReleaseNotesRequest {
  from_release_id?: string | null;
  to_release_id?: string | null;
  environment_id?: string | null;
}

interface Page<T> {
  items: T[];
  next_cursor?: string | null;
}

interface ErrorJson {
  error: { code: string; message: string; details?: unknown };
}

type Json<T> = { headers: { [name: string]: unknown }; content: { "application/json": T } };
type Errors = { default: Json<ErrorJson> };
type NoParams = { query?: never; header?: never; path?: never; cookie?: never };
type Op<P, B, R, S extends number = 200> = {
  parameters: P;
  responses: { [K in S]: Json<R> } & Errors;
} & ([B] extends [never] ? { requestBody?: never } : { requestBody: { content: { "application/json": B } } });
type Path<Ops> = { parameters: NoParams } & Ops;
type Cursor = { cursor?: string | null; limit?: number };

export interface PendingPaths {
  "/api/projects/{project_id}/builds": Path<{
    post: Op<{ path: { project_id: string }; header: { "Idempotency-Key": string } }, BuildCreate, ReleaseOut, 202>;
  }>;
  "/api/environments/{environment_id}/deployments": Path<{
    post: Op<
      { path: { environment_id: string }; header: { "Idempotency-Key": string } },
      DeploymentCreate,
      ReleaseOut,
      202
    >;
  }>;
  "/api/projects/{project_id}/releases": Path<{
    get: Op<
      {
        path: { project_id: string };
        query?: Cursor & { kind?: ReleaseKind | null; environment_id?: string | null };
      },
      never,
      Page<ReleaseOut>
    >;
  }>;
  "/api/releases/{release_id}": Path<{
    get: Op<{ path: { release_id: string } }, never, ReleaseOut>;
  }>;
  "/api/projects/{project_id}/events": Path<{
    get: Op<{ path: { project_id: string }; query?: Cursor }, never, Page<TimelineEvent>>;
  }>;
  "/api/projects/{project_id}/conversations": Path<{
    get: Op<{ path: { project_id: string }; query?: Cursor }, never, Page<ConversationOut>>;
    post: Op<{ path: { project_id: string } }, { title?: string | null }, ConversationOut, 201>;
  }>;
  "/api/conversations/{conversation_id}": Path<{
    get: Op<{ path: { conversation_id: string } }, never, ConversationDetail>;
  }>;
  "/api/teams/{team_id}/ai-usage": Path<{
    get: Op<{ path: { team_id: string } }, never, AiUsage>;
  }>;
}
