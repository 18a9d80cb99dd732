from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from shipdeck.db.base import TABLE_OPTIONS, Base, IdColumnType, UTCDateTime, utcnow


class OutboxEvent(Base):
    """A timeline event waiting to be copied to DynamoDB.

    Written in the same transaction as the change it describes, so the two cannot disagree; the
    relay deletes it once DynamoDB has it. `seq` numbers a project's events in commit order.
    """

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_project_id_seq", "project_id", "seq"), TABLE_OPTIONS)

    # BigInteger autoincrements on MySQL; SQLite needs INTEGER for its rowid alias.
    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    project_id: Mapped[str] = mapped_column(IdColumnType())
    seq: Mapped[int] = mapped_column(BigInteger)
    type: Mapped[str] = mapped_column(String(64))
    payload: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
