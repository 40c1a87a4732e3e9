"""Attachments (scans) of a dossier, uploaded to the hub on their own channel.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

import app.store.types

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "attachment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dossier_id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("added_at", app.store.types.UtcDateTime(), nullable=False),
        sa.Column("uploaded_at", app.store.types.UtcDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["dossier_id"], ["dossier.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_attachment_dossier_id", "attachment", ["dossier_id"])


def downgrade() -> None:
    op.drop_index("ix_attachment_dossier_id", table_name="attachment")
    op.drop_table("attachment")
