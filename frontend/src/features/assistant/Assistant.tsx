import { useEffect, useRef, useState } from "preact/hooks";
import { EmptyState } from "../../components/ui/EmptyState";
import { ErrorMessage } from "../../components/ui/ErrorMessage";
import { Loading } from "../../components/ui/Loading";
import { Markdown } from "../../components/ui/Markdown";
import { RelativeTime } from "../../components/ui/RelativeTime";
import type { Conversation, Message } from "../../lib/api/types";
import { useResource } from "../../lib/hooks";
import { param, routes } from "../../lib/routes";
import { requireSignIn } from "../auth/session";
import { ProjectChrome } from "../projects/ProjectChrome";
import { useProject } from "../projects/useProject";
import { AnswerView } from "../releases/AnswerView";
import { useAnswerStream } from "../releases/useAnswerStream";
import { createConversation, getConversation, listConversations, sendMessage } from "./api";

interface Pending {
  content: string;
  /** How many stored messages the conversation had when this one was sent. */
  before: number;
}

export default function Assistant() {
  requireSignIn();
  const [projectId] = useState(() => param("project"));
  const [conversationId, setConversationId] = useState<string | null>(() => param("c"));
  const ctx = useProject(projectId);
  const conversations = useResource(
    (signal) => (projectId ? listConversations(projectId, null, signal).then((p) => p.items) : Promise.resolve([] as Conversation[])),
    [projectId],
  );
  const detail = useResource(
    (signal) => (conversationId ? getConversation(conversationId, signal) : Promise.resolve(null)),
    [conversationId],
  );
  const answer = useAnswerStream();
  const [pending, setPending] = useState<Pending | null>(null);
  const [draft, setDraft] = useState("");
  const [sendError, setSendError] = useState<unknown>(null);
  const [lastSent, setLastSent] = useState<string | null>(null);
  const inputRef = useRef<HTMLTextAreaElement>(null);
  const endRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    endRef.current?.scrollIntoView({ block: "end" });
  }, [detail.data, pending, answer.text]);

  const openConversation = (id: string | null) => {
    setConversationId(id);
    setPending(null);
    setSendError(null);
    const url = projectId ? routes.assistant(projectId, id) : window.location.pathname;
    window.history.pushState(null, "", url);
    setTimeout(() => inputRef.current?.focus(), 0);
  };

  useEffect(() => {
    const onPop = () => setConversationId(param("c"));
    window.addEventListener("popstate", onPop);
    return () => window.removeEventListener("popstate", onPop);
  }, []);

  const send = async (content: string) => {
    if (!projectId || !content.trim() || answer.busy) return;
    setSendError(null);
    setLastSent(content);
    setPending({ content, before: conversationId ? (detail.data?.messages.length ?? 0) : 0 });
    setDraft("");
    let id = conversationId;
    try {
      if (!id) {
        const created = await createConversation(projectId, content.slice(0, 60));
        id = created.id;
        setConversationId(id);
        window.history.replaceState(null, "", routes.assistant(projectId, id));
        conversations.set((list) => [created, ...(list ?? [])]);
      }
    } catch (e) {
      setSendError(e);
      setPending(null);
      setDraft(content);
      return;
    }
    const conversation = id;
    const result = await answer.run((o) => sendMessage(conversation, content, o));
    if (result) {
      // The stored conversation is the truth: reload it, then drop the local copies.
      detail.reload();
      conversations.reload();
    } else if (!answer.received()) {
      // Nothing came back (quota, outage): give the question back so it can be sent again.
      setDraft(content);
    }
  };

  useEffect(() => {
    // Once the stored conversation holds the question and its answer, the local copies go away.
    if (pending && answer.phase === "done" && (detail.data?.messages.length ?? 0) >= pending.before + 2) {
      setPending(null);
    }
  }, [detail.data, answer.phase]);

  if (ctx.loading && !ctx.data) return <Loading label="Loading the project…" />;
  if (!ctx.data) return <ErrorMessage error={ctx.error} onRetry={ctx.reload} />;
  const { project, team } = ctx.data;
  const stored: Message[] = detail.data?.messages ?? [];
  // While an exchange is shown locally, the stored copies of it are not shown twice.
  const messages = pending ? stored.slice(0, pending.before) : stored;
  const showLocal = pending !== null;

  return (
    <div>
      <ProjectChrome project={project} team={team} current="assistant" title={`Assistant · ${project.name}`} />
      <div class="chat">
        <nav aria-labelledby="conv-title" class="card conversations">
          <h2 id="conv-title">Conversations</h2>
          <button type="button" class="secondary" onClick={() => openConversation(null)} style={{ width: "100%", marginBottom: "0.5rem" }}>
            New conversation
          </button>
          {conversations.loading && !conversations.data ? <Loading label="Loading conversations…" /> : null}
          <ErrorMessage error={conversations.error} onRetry={conversations.reload} />
          {conversations.data && conversations.data.length === 0 ? <p class="small muted">No conversations yet.</p> : null}
          <ul class="plain-list">
            {(conversations.data ?? []).map((c) => (
              <li key={c.id}>
                <a
                  href={routes.assistant(project.id, c.id)}
                  aria-current={c.id === conversationId ? "page" : undefined}
                  onClick={(e) => {
                    e.preventDefault();
                    openConversation(c.id);
                  }}
                >
                  {c.title || "Untitled conversation"}
                  <span class="small muted" style={{ display: "block" }}>
                    <RelativeTime value={c.updated_at} />
                  </span>
                </a>
              </li>
            ))}
          </ul>
        </nav>

        <section aria-labelledby="chat-title" class="card">
          <h2 id="chat-title">{detail.data?.title || (conversationId ? "Conversation" : "New conversation")}</h2>
          {detail.loading && !detail.data && conversationId ? <Loading label="Loading the conversation…" /> : null}
          <ErrorMessage error={detail.error} onRetry={detail.reload} />
          {!conversationId && !showLocal ? (
            <EmptyState title={`Ask about ${project.name}`} headingLevel={3}>
              <p>
                The assistant knows this project's environments, recent releases and their errors. Try “Why did the last
                deployment fail?” or “What is running in prod?”.
              </p>
            </EmptyState>
          ) : null}
          <ol class="messages" aria-label="Messages" aria-live="polite">
            {messages.map((m) => (
              <li key={m.id} class={m.role}>
                <div class="who">{m.role === "user" ? "You" : "Assistant"}</div>
                <Markdown source={m.content} />
                {m.role === "assistant" && m.status !== "complete" ? (
                  <p class="small muted" style={{ margin: "0.4rem 0 0" }}>
                    <span aria-hidden="true">! </span>
                    {m.status === "interrupted" ? "This answer was cut off before it finished." : "This answer failed part-way."}
                  </p>
                ) : null}
              </li>
            ))}
            {showLocal && pending ? (
              <>
                <li class="user">
                  <div class="who">You</div>
                  <Markdown source={pending.content} />
                </li>
                {answer.phase !== "idle" ? (
                  <li class="assistant">
                    <div class="who">Assistant</div>
                    <AnswerView
                      id="assistant-answer"
                      label="Assistant's answer"
                      text={answer.text}
                      phase={answer.phase}
                      error={answer.error}
                      result={answer.result}
                      onRetry={lastSent ? () => void send(lastSent) : undefined}
                      onStop={answer.stop}
                    />
                  </li>
                ) : null}
              </>
            ) : null}
          </ol>
          <div ref={endRef} />
          <ErrorMessage error={sendError} onRetry={lastSent ? () => void send(lastSent) : undefined} />
          <form
            noValidate
            aria-busy={answer.busy}
            onSubmit={(e) => {
              e.preventDefault();
              void send(draft);
            }}
          >
            <div class="field">
              <label for="message">Your message</label>
              <textarea
                id="message"
                name="content"
                ref={inputRef}
                rows={3}
                value={draft}
                maxLength={8000}
                aria-describedby="message-hint"
                onInput={(e) => setDraft((e.currentTarget as HTMLTextAreaElement).value)}
                onKeyDown={(e) => {
                  if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
                    e.preventDefault();
                    void send(draft);
                  }
                }}
              />
              <span class="hint" id="message-hint">
                Enter sends; Shift+Enter starts a new line. Markdown is supported.
              </span>
            </div>
            <button type="submit" disabled={answer.busy || !draft.trim()}>
              {answer.busy ? "Answering…" : "Send"}
            </button>
          </form>
        </section>
      </div>
    </div>
  );
}
