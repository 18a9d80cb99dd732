from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field, model_validator

from shipdeck.releases.models import ReleaseKind, ReleaseState
from shipdeck.validation import STRICT_BODY, CommitSha, GitRef, ImageTag


class BuildRequest(BaseModel):
    model_config = STRICT_BODY

    branch: GitRef
    commit: CommitSha | None = None
    tag: GitRef | None = None


class DeploymentRequest(BaseModel):
    model_config = STRICT_BODY

    build_id: str | None = Field(
        default=None, max_length=26, description="A build release of this project."
    )
    image: ImageTag | None = Field(
        default=None, description="Image tag to deploy; `latest` if neither is given."
    )

    @model_validator(mode="after")
    def _one_source(self) -> DeploymentRequest:
        if self.build_id and self.image:
            raise ValueError("give either build_id or image, not both")
        return self


class Requester(BaseModel):
    id: str
    name: str


class ReleaseOut(BaseModel):
    id: str
    project_id: str
    environment_id: str | None
    kind: ReleaseKind
    state: ReleaseState
    branch: str | None
    commit: str | None
    tag: str | None
    image: str | None
    build_id: str | None
    sleakops_id: str | None
    errors: str | None
    requested_by: Requester
    created_at: datetime
    updated_at: datetime
    finished_at: datetime | None


class ReleaseSummary(BaseModel):
    id: str
    kind: ReleaseKind
    state: ReleaseState
    image: str | None
    tag: str | None
    branch: str | None
    created_at: datetime
    finished_at: datetime | None
