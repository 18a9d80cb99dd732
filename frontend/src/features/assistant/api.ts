import { streamAnswer, type StreamOptions } from "../../lib/api/ai";
import { call, client } from "../../lib/api/client";
import type { Conversation, ConversationDetail, Page } from "../../lib/api/types";

export const listConversations = (projectId: string, cursor?: string | null, signal?: AbortSignal): Promise<Page<Conversation>> =>
  call(
    client.GET("/api/projects/{project_id}/conversations", {
      params: { path: { project_id: projectId }, query: { limit: 50, ...(cursor ? { cursor } : {}) } },
      ...(signal ? { signal } : {}),
    }),
  );

export const createConversation = (projectId: string, title?: string | null): Promise<Conversation> =>
  call(
    client.POST("/api/projects/{project_id}/conversations", {
      params: { path: { project_id: projectId } },
      body: title ? { title } : {},
    }),
  );

export const getConversation = (conversationId: string, signal?: AbortSignal): Promise<ConversationDetail> =>
  call(
    client.GET("/api/conversations/{conversation_id}", {
      params: { path: { conversation_id: conversationId } },
      ...(signal ? { signal } : {}),
    }),
  );

export const sendMessage = (conversationId: string, content: string, options: StreamOptions) =>
  streamAnswer(`/api/conversations/${encodeURIComponent(conversationId)}/messages`, { content }, options);
