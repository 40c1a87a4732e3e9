"""Officer accounts of each commune, synced between its desks (issue 9).

Revision ID: h006
Revises: h005
"""

import sqlalchemy as sa
from alembic import op

revision = "h006"
down_revision = "h005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "officer",
        sa.Column("uid", sa.String(length=36), nullable=False),
        sa.Column("agency_id", sa.String(length=20), sa.ForeignKey("agency.id"), nullable=False),
        sa.Column("username", sa.String(length=40), nullable=False),
        sa.Column("full_name", sa.String(length=120), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False, server_default=""),
        sa.Column("roles", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("must_change", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("saved_at", sa.String(length=40), nullable=False),
        sa.Column("saved_by", sa.String(length=120), nullable=False, server_default=""),
        sa.Column("version", sa.Integer(), nullable=False, server_default="1"),
        sa.PrimaryKeyConstraint("uid"),
        sa.UniqueConstraint("agency_id", "username", name="uq_officer_agency_username"),
    )


def downgrade() -> None:
    op.drop_table("officer")
