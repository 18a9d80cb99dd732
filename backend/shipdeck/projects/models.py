from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from shipdeck.db.base import (
    TABLE_OPTIONS,
    Base,
    BinaryString,
    IdColumnType,
    UTCDateTime,
    new_id,
    utcnow,
)


class Project(Base):
    __tablename__ = "projects"
    __table_args__ = (
        UniqueConstraint("team_id", "slug"),
        # Keyset pages of a team's projects read this index in order, never a sort.
        Index("ix_projects_team_id_id", "team_id", "id"),
        TABLE_OPTIONS,
    )

    id: Mapped[str] = mapped_column(IdColumnType(), primary_key=True, default=new_id)
    team_id: Mapped[str] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    slug: Mapped[str] = mapped_column(BinaryString(100))
    sleakops_project: Mapped[str] = mapped_column(String(100))
    repo_url: Mapped[str | None] = mapped_column(String(500), default=None)
    # The number of the project's latest timeline event (taken under a row lock, so events are
    # numbered in commit order).
    event_seq: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class Environment(Base):
    __tablename__ = "environments"
    __table_args__ = (
        UniqueConstraint("project_id", "name"),
        Index("ix_environments_project_id_id", "project_id", "id"),
        TABLE_OPTIONS,
    )

    id: Mapped[str] = mapped_column(IdColumnType(), primary_key=True, default=new_id)
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(BinaryString(64))
    sleakops_env: Mapped[str] = mapped_column(String(100))
    branch: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
