from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field


class EventActor(BaseModel):
    id: str
    name: str


class EventOut(BaseModel):
    id: str = Field(description="The event's number in its project's timeline (increasing).")
    project_id: str
    type: str = Field(description="e.g. release.requested, release.state_changed")
    at: datetime
    actor: EventActor | None
    release_id: str | None
    summary: str = Field(description="One sentence a person can read.")
    data: dict[str, Any]
