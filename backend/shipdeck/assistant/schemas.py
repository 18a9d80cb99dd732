from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints

from shipdeck.validation import STRICT_BODY

Title = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=120, pattern=r"^[^\x00-\x1f\x7f]*$")
]


class ConversationCreate(BaseModel):
    model_config = STRICT_BODY

    title: Title | None = None


class Author(BaseModel):
    id: str
    name: str


class ConversationOut(BaseModel):
    id: str
    project_id: str
    title: str
    created_by: Author
    created_at: datetime
    updated_at: datetime


class TokenUsage(BaseModel):
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int


class MessageOut(BaseModel):
    id: str
    role: Literal["user", "assistant"]
    content: str
    status: Literal["complete", "interrupted", "failed"] = Field(
        description="An assistant answer cut short is kept, marked `interrupted` or `failed`."
    )
    created_at: datetime
    usage: TokenUsage | None = None


class ConversationDetail(ConversationOut):
    messages: list[MessageOut]


class MessageCreate(BaseModel):
    model_config = STRICT_BODY

    content: str = Field(min_length=1, max_length=8000)


class ReleaseNotesRequest(BaseModel):
    model_config = STRICT_BODY

    from_release_id: str | None = Field(default=None, max_length=26)
    to_release_id: str | None = Field(default=None, max_length=26)
    environment_id: str | None = Field(default=None, max_length=26)


class AiUsageOut(BaseModel):
    date: str
    tokens_used: int
    daily_quota: int
    resets_at: datetime
