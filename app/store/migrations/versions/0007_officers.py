"""Officer accounts and the officer on every act (issue 9).

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

import app.store.types

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "officer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.String(length=36), nullable=False),
        sa.Column("username", sa.String(length=40), nullable=False),
        sa.Column("full_name", sa.String(length=120), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False, server_default=""),
        sa.Column("roles", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("must_change", sa.Boolean(), nullable=False, server_default=sa.false()),
        # Lock-out is this workstation's own: never synced (each desk counts the attempts made at it).
        sa.Column("failed_count", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("locked_until", app.store.types.UtcDateTime(), nullable=True),
        sa.Column("saved_at", app.store.types.UtcDateTime(), nullable=False),
        sa.Column("saved_by", sa.String(length=120), nullable=False, server_default=""),
        sa.Column("version", sa.Integer(), nullable=False, server_default="1"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("uid"),
        sa.UniqueConstraint("username"),
    )


def downgrade() -> None:
    op.drop_table("officer")
