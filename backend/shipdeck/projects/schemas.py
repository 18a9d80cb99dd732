from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from shipdeck.releases.schemas import ReleaseSummary
from shipdeck.validation import (
    STRICT_BODY,
    DisplayName,
    EnvironmentName,
    ExternalName,
    GitRef,
    RepoUrl,
    Slug,
)


class ProjectCreate(BaseModel):
    model_config = STRICT_BODY

    name: DisplayName
    sleakops_project: ExternalName
    slug: Slug | None = None
    repo_url: RepoUrl | None = None


class ProjectUpdate(BaseModel):
    model_config = STRICT_BODY

    name: DisplayName | None = None
    sleakops_project: ExternalName | None = None
    slug: Slug | None = None
    repo_url: RepoUrl | None = None


class ProjectOut(BaseModel):
    id: str
    team_id: str
    name: str
    slug: str
    sleakops_project: str
    repo_url: str | None
    created_at: datetime
    updated_at: datetime


class EnvironmentCreate(BaseModel):
    model_config = STRICT_BODY

    name: EnvironmentName
    sleakops_env: ExternalName
    branch: GitRef


class EnvironmentUpdate(BaseModel):
    model_config = STRICT_BODY

    name: EnvironmentName | None = None
    sleakops_env: ExternalName | None = None
    branch: GitRef | None = None


class EnvironmentOut(BaseModel):
    id: str
    project_id: str
    name: str
    sleakops_env: str
    branch: str
    created_at: datetime
    updated_at: datetime
    last_release: ReleaseSummary | None = Field(
        default=None, description="The newest build or deployment of this environment."
    )
    last_successful_deployment: ReleaseSummary | None = Field(
        default=None, description="What is deployed: the newest deployment that finished well."
    )
