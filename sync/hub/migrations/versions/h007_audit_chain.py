"""Each workstation's audit chain as the hub received it, and the breaks it found (issue 9).

Revision ID: h007
Revises: h006
"""

import sqlalchemy as sa
from alembic import op

revision = "h007"
down_revision = "h006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_link",
        sa.Column("op_id", sa.String(length=36), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("device_seq", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("chain_prev", sa.String(length=64), nullable=False),
        sa.Column("chain_hash", sa.String(length=64), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("op_id"),
    )
    op.create_index("ix_audit_link_hash", "audit_link", ["device_id", "chain_hash"])
    op.create_index("ix_audit_link_prev", "audit_link", ["device_id", "chain_prev"])
    op.create_index("ix_audit_link_seq", "audit_link", ["device_id", "device_seq"])
    op.create_table(
        "audit_break",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("agency_id", sa.String(length=20), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("op_id", sa.String(length=36), nullable=False),
        sa.Column("device_seq", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("found_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_audit_break_agency_id", "audit_break", ["agency_id"])


def downgrade() -> None:
    op.drop_table("audit_break")
    op.drop_table("audit_link")
