"""The requests the hub's rate limits let through in the last minute, shared by every worker
(issue 14: a limit kept in each worker's memory let N workers grant N times the limit).

Revision ID: h009
Revises: h008
"""

import sqlalchemy as sa
from alembic import op

revision = "h009"
down_revision = "h008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rate_hit",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("scope", sa.String(length=20), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_rate_hit_key", "rate_hit", ["scope", "address", "at"])


def downgrade() -> None:
    op.drop_index("ix_rate_hit_key", table_name="rate_hit")
    op.drop_table("rate_hit")
