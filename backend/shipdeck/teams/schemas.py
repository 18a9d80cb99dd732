from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, EmailStr, Field

from shipdeck.teams.models import Role
from shipdeck.validation import STRICT_BODY, DisplayName


class TeamCreate(BaseModel):
    model_config = STRICT_BODY

    name: DisplayName


class TeamOut(BaseModel):
    id: str
    name: str
    role: Role = Field(description="The caller's role in this team.")
    created_at: datetime


class MemberAdd(BaseModel):
    model_config = STRICT_BODY

    email: EmailStr = Field(max_length=254)
    role: Role


class MemberUpdate(BaseModel):
    model_config = STRICT_BODY

    role: Role


class MemberOut(BaseModel):
    user_id: str
    email: str
    name: str
    role: Role
    joined_at: datetime
