from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
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


class User(Base):
    __tablename__ = "users"
    __table_args__ = TABLE_OPTIONS

    id: Mapped[str] = mapped_column(IdColumnType(), primary_key=True, default=new_id)
    # Stored lower-cased; compared byte for byte so uniqueness is the same on every database.
    email: Mapped[str] = mapped_column(BinaryString(254), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
