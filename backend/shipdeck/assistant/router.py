from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, status
from sse_starlette import EventSourceResponse

from shipdeck.assistant import conversations, prompts, service
from shipdeck.assistant.quota import TokenQuota
from shipdeck.assistant.schemas import (
    AiUsageOut,
    ConversationCreate,
    ConversationDetail,
    ConversationOut,
    MessageCreate,
    MessageOut,
    ReleaseNotesRequest,
)
from shipdeck.assistant.streaming import Status, stream_answer
from shipdeck.auth.deps import CurrentUser
from shipdeck.deps import ResourcesDep, SessionDep
from shipdeck.errors import InvalidCursor, ValidationFailed, error_responses
from shipdeck.http.pagination import Page, PageParams, decode_cursor, encode_cursor, page_params
from shipdeck.ids import is_valid_id
from shipdeck.integrations.deepseek.client import Usage
from shipdeck.projects.deps import ProjectViewer
from shipdeck.releases.deps import ReleaseViewer
from shipdeck.teams.deps import TeamViewer
from shipdeck.teams.models import Role

router = APIRouter(tags=["assistant"])
Paging = Annotated[PageParams, Depends(page_params)]
STREAM_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/event-stream": {}}, "description": "The answer, as Server-Sent Events"},
    **error_responses(401, 404, 422, 429, 502, 503),
}
HISTORY_SHOWN = 200


@router.post("/api/releases/{release_id}/explain", responses=STREAM_RESPONSES)
async def explain_release(
    access: ReleaseViewer, db: SessionDep, resources: ResourcesDep, user: CurrentUser
) -> EventSourceResponse:
    """Explains a release (its errors, its events, the project) — most useful when it failed."""
    resources.deepseek.check_available()
    settings = resources.settings.assistant
    release = access.release
    context = await service.context(db, access.project, settings)
    events = await service.release_events(resources.table, release)
    env_names = {e.id: e.name for e in await service.environments(db, access.project.id)}
    messages = prompts.explain(
        context,
        release,
        env_names.get(release.environment_id or ""),
        events,
        budget=settings.max_prompt_chars,
    )
    return await stream_answer(
        resources, db, team_id=access.project.team_id, user_id=user.id, messages=messages
    )


@router.post("/api/projects/{project_id}/release-notes", responses=STREAM_RESPONSES)
async def write_release_notes(
    body: ReleaseNotesRequest,
    access: ProjectViewer,
    db: SessionDep,
    resources: ResourcesDep,
) -> EventSourceResponse:
    """Release notes for a range of releases (inclusive; by default the latest ones)."""
    resources.deepseek.check_available()
    settings = resources.settings.assistant
    for value in (body.from_release_id, body.to_release_id, body.environment_id):
        if value is not None and not is_valid_id(value):
            raise ValidationFailed("Release and environment ids must be ids from this project.")
    # The releases in range are the data; listing recent ones in the context too would repeat them.
    context = await service.context(db, access.project, settings, with_recent_releases=False)
    selected = await service.releases_in_range(
        db,
        access.project,
        from_id=body.from_release_id,
        to_id=body.to_release_id,
        environment_id=body.environment_id,
    )
    names = {e.id: e.name for e in await service.environments(db, access.project.id)}
    messages = prompts.release_notes(context, selected, names, budget=settings.max_prompt_chars)
    return await stream_answer(
        resources, db, team_id=access.project.team_id, user_id=access.user.id, messages=messages
    )


def _conversation_out(item: dict[str, Any]) -> ConversationOut:
    return ConversationOut.model_validate(
        {**item, "title": item.get("title") or "New conversation"}
    )


@router.get("/api/projects/{project_id}/conversations", responses=error_responses(400, 401, 404))
async def list_conversations(
    access: ProjectViewer, resources: ResourcesDep, paging: Paging
) -> Page[ConversationOut]:
    """The project's conversations, newest first."""
    before = None
    if paging.cursor:
        before = decode_cursor(paging.cursor, arity=1)[0]
        if not isinstance(before, str) or not is_valid_id(before):
            raise InvalidCursor
    items = await conversations.list_for_project(
        resources.table, access.project.id, before=before, limit=paging.limit + 1
    )
    page = [_conversation_out(i) for i in items[: paging.limit]]
    more = len(items) > paging.limit
    return Page(items=page, next_cursor=encode_cursor([page[-1].id]) if more else None)


@router.post(
    "/api/projects/{project_id}/conversations",
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(401, 404, 422),
)
async def create_conversation(
    body: ConversationCreate, access: ProjectViewer, resources: ResourcesDep
) -> ConversationOut:
    item = await conversations.create(
        resources.table,
        project_id=access.project.id,
        title=body.title or "",
        user_id=access.user.id,
        user_name=access.user.name,
    )
    return _conversation_out(item)


@router.get("/api/conversations/{conversation_id}", responses=error_responses(401, 404))
async def get_conversation(
    conversation_id: str, user: CurrentUser, db: SessionDep, resources: ResourcesDep
) -> ConversationDetail:
    item, _ = await service.conversation_access(
        db, resources.table, user, conversation_id, Role.viewer
    )
    history = await conversations.messages(resources.table, conversation_id, last=HISTORY_SHOWN)
    return ConversationDetail(
        **_conversation_out(item).model_dump(),
        messages=[MessageOut.model_validate(m) for m in history],
    )


@router.post("/api/conversations/{conversation_id}/messages", responses=STREAM_RESPONSES)
async def send_message(
    conversation_id: str,
    body: MessageCreate,
    user: CurrentUser,
    db: SessionDep,
    resources: ResourcesDep,
) -> EventSourceResponse:
    """Adds the question to the conversation and streams the answer; the answer is saved
    (marked `interrupted` or `failed` if it was cut short)."""
    resources.deepseek.check_available()
    settings = resources.settings.assistant
    table = resources.table
    item, access = await service.conversation_access(db, table, user, conversation_id, Role.viewer)
    context = await service.context(db, access.project, settings)
    history = await conversations.messages(table, conversation_id, last=settings.history_messages)
    messages = prompts.chat(
        context,
        [m for m in history if m.get("content")],
        body.content,
        budget=settings.max_prompt_chars,
    )
    question = await conversations.add_message(
        table, conversation_id, role="user", content=body.content
    )
    if not item.get("title"):
        await conversations.set_title(table, conversation_id, prompts.clip(body.content, 60))

    async def save_answer(text: str, usage: Usage | None, status: Status) -> dict[str, Any]:
        answer = await conversations.add_message(
            table,
            conversation_id,
            role="assistant",
            content=text,
            status=status,
            usage=(
                {
                    "prompt_tokens": usage.prompt_tokens,
                    "completion_tokens": usage.completion_tokens,
                    "total_tokens": usage.total_tokens,
                }
                if usage
                else None
            ),
        )
        return {"message_id": answer["id"], "question_id": question["id"]}

    return await stream_answer(
        resources,
        db,
        team_id=access.project.team_id,
        user_id=user.id,
        messages=messages,
        finish=save_answer,
    )


@router.get("/api/teams/{team_id}/ai-usage", responses=error_responses(401, 404, 503))
async def get_ai_usage(access: TeamViewer, resources: ResourcesDep) -> AiUsageOut:
    """Today's AI token use of the team, against its daily allowance."""
    usage = await TokenQuota(resources.table, resources.settings.assistant).usage(access.team.id)
    return AiUsageOut(
        date=usage.date,
        tokens_used=usage.tokens_used,
        daily_quota=usage.daily_quota,
        resets_at=usage.resets_at,
    )
