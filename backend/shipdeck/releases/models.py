from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from shipdeck.db.base import TABLE_OPTIONS, Base, IdColumnType, UTCDateTime, new_id, utcnow


class ReleaseKind(enum.StrEnum):
    build = "build"
    deploy = "deploy"


class ReleaseState(enum.StrEnum):
    initial = "initial"
    creating = "creating"
    created = "created"
    error = "error"
    timed_out = "timed_out"
    submit_failed = "submit_failed"

    @property
    def finished(self) -> bool:
        return self in FINISHED


FINISHED = frozenset(
    {ReleaseState.created, ReleaseState.error, ReleaseState.timed_out, ReleaseState.submit_failed}
)


class Release(Base):
    __tablename__ = "releases"
    __table_args__ = (
        # A repeated request (same key) finds the release the first one created.
        UniqueConstraint("project_id", "idempotency_key"),
        # History pages, newest first, read this index backwards.
        Index("ix_releases_project_id_id", "project_id", "id"),
        Index("ix_releases_environment_id_id", "environment_id", "id"),
        # The reconciler's question: which unfinished releases are due for a poll?
        Index("ix_releases_polling_next_poll_at", "polling", "next_poll_at"),
        TABLE_OPTIONS,
    )

    id: Mapped[str] = mapped_column(IdColumnType(), primary_key=True, default=new_id)
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    environment_id: Mapped[str | None] = mapped_column(
        ForeignKey("environments.id", ondelete="SET NULL"), default=None
    )
    kind: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16), default=ReleaseState.initial.value)
    branch: Mapped[str | None] = mapped_column(String(255), default=None)
    commit: Mapped[str | None] = mapped_column(String(64), default=None)
    tag: Mapped[str | None] = mapped_column(String(255), default=None)
    image: Mapped[str | None] = mapped_column(String(255), default=None)
    # For a deployment: the Shipdeck build release it ships.
    build_id: Mapped[str | None] = mapped_column(
        ForeignKey("releases.id", ondelete="SET NULL"), default=None
    )
    # Names as they were when the release started (a project renamed later keeps its history).
    sleakops_project: Mapped[str] = mapped_column(String(100))
    sleakops_env: Mapped[str | None] = mapped_column(String(100), default=None)
    sleakops_id: Mapped[str | None] = mapped_column(String(64), default=None)
    errors: Mapped[str | None] = mapped_column(Text, default=None)
    error_code: Mapped[str | None] = mapped_column(String(64), default=None)
    requested_by: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    idempotency_key: Mapped[str] = mapped_column(String(255))
    request_hash: Mapped[str] = mapped_column(String(64))
    polling: Mapped[bool] = mapped_column(Boolean, default=False)
    next_poll_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    poll_count: Mapped[int] = mapped_column(Integer, default=0)
    not_found_polls: Mapped[int] = mapped_column(Integer, default=0)
    deadline_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
