"""releases outbox event sequence

Revision ID: 694583c42d66
Revises: 0169da37d802
Create Date: 2026-11-27 23:36:02.578051
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import shipdeck.db.base

revision: str = "694583c42d66"
down_revision: str | None = "0169da37d802"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "outbox",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("project_id", sa.String(length=26), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("type", sa.String(length=64), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("created_at", shipdeck.db.base.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
        mysql_charset="utf8mb4",
        mysql_collate="utf8mb4_unicode_ci",
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index("ix_outbox_project_id_seq", ["project_id", "seq"], unique=False)

    op.create_table(
        "releases",
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("project_id", sa.String(length=26), nullable=False),
        sa.Column("environment_id", sa.String(length=26), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("branch", sa.String(length=255), nullable=True),
        sa.Column("commit", sa.String(length=64), nullable=True),
        sa.Column("tag", sa.String(length=255), nullable=True),
        sa.Column("image", sa.String(length=255), nullable=True),
        sa.Column("build_id", sa.String(length=26), nullable=True),
        sa.Column("sleakops_project", sa.String(length=100), nullable=False),
        sa.Column("sleakops_env", sa.String(length=100), nullable=True),
        sa.Column("sleakops_id", sa.String(length=64), nullable=True),
        sa.Column("errors", sa.Text(), nullable=True),
        sa.Column("error_code", sa.String(length=64), nullable=True),
        sa.Column("requested_by", sa.String(length=26), nullable=False),
        sa.Column("idempotency_key", sa.String(length=255), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("polling", sa.Boolean(), nullable=False),
        sa.Column("next_poll_at", shipdeck.db.base.UTCDateTime(), nullable=True),
        sa.Column("poll_count", sa.Integer(), nullable=False),
        sa.Column("not_found_polls", sa.Integer(), nullable=False),
        sa.Column("deadline_at", shipdeck.db.base.UTCDateTime(), nullable=False),
        sa.Column("created_at", shipdeck.db.base.UTCDateTime(), nullable=False),
        sa.Column("updated_at", shipdeck.db.base.UTCDateTime(), nullable=False),
        sa.Column("finished_at", shipdeck.db.base.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["build_id"],
            ["releases.id"],
            name=op.f("fk_releases_build_id_releases"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["environment_id"],
            ["environments.id"],
            name=op.f("fk_releases_environment_id_environments"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_releases_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["requested_by"],
            ["users.id"],
            name=op.f("fk_releases_requested_by_users"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_releases")),
        sa.UniqueConstraint(
            "project_id", "idempotency_key", name=op.f("uq_releases_project_id_idempotency_key")
        ),
        mysql_charset="utf8mb4",
        mysql_collate="utf8mb4_unicode_ci",
    )
    with op.batch_alter_table("releases", schema=None) as batch_op:
        batch_op.create_index(
            "ix_releases_environment_id_id", ["environment_id", "id"], unique=False
        )
        batch_op.create_index(
            "ix_releases_polling_next_poll_at", ["polling", "next_poll_at"], unique=False
        )
        batch_op.create_index("ix_releases_project_id_id", ["project_id", "id"], unique=False)

    with op.batch_alter_table("environments", schema=None) as batch_op:
        batch_op.create_index("ix_environments_project_id_id", ["project_id", "id"], unique=False)

    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("event_seq", sa.BigInteger(), server_default="0", nullable=False)
        )
        batch_op.create_index("ix_projects_team_id_id", ["team_id", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.drop_index("ix_projects_team_id_id")
        batch_op.drop_column("event_seq")

    with op.batch_alter_table("environments", schema=None) as batch_op:
        batch_op.drop_index("ix_environments_project_id_id")

    with op.batch_alter_table("releases", schema=None) as batch_op:
        batch_op.drop_index("ix_releases_project_id_id")
        batch_op.drop_index("ix_releases_polling_next_poll_at")
        batch_op.drop_index("ix_releases_environment_id_id")

    op.drop_table("releases")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_project_id_seq")

    op.drop_table("outbox")
