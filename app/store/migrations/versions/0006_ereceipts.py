"""Electronic fee receipts: the signed document of each e-receipt, its lookup code and its delivery state (issue 10).

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

import app.store.types

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

STATES = "state IN ('signed', 'at_hub', 'sent', 'accepted', 'rejected')"


def _delivery() -> list[sa.Column]:
    """Where the hub's delivery to the tax authority's provider stands (receipt.transmission)."""
    return [
        sa.Column("state", sa.String(length=10), nullable=False, server_default="signed"),
        sa.Column("reason", sa.Text(), nullable=False, server_default=""),
        sa.Column("message_id", sa.String(length=64), nullable=False, server_default=""),
        sa.Column("state_at", app.store.types.UtcDateTime(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "ereceipt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("receipt_id", sa.Integer(), sa.ForeignKey("receipt.id"), nullable=False),
        sa.Column("lookup_code", sa.String(length=12), nullable=False),
        sa.Column("signed_xml", sa.LargeBinary(), nullable=False),
        sa.Column("xml_sha256", sa.String(length=64), nullable=False),
        sa.Column("signed_at", app.store.types.UtcDateTime(), nullable=False),
        *_delivery(),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("receipt_id"),
        sa.UniqueConstraint("lookup_code"),
        sa.CheckConstraint(STATES, name="ck_ereceipt_state"),
    )
    op.create_table(
        "ereceipt_notice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.String(length=36), nullable=False),
        sa.Column("receipt_id", sa.Integer(), sa.ForeignKey("receipt.id"), nullable=False),
        sa.Column("action", sa.Integer(), nullable=False),
        sa.Column("cause", sa.String(length=400), nullable=False),
        sa.Column("signed_xml", sa.LargeBinary(), nullable=False),
        sa.Column("xml_sha256", sa.String(length=64), nullable=False),
        sa.Column("signed_at", app.store.types.UtcDateTime(), nullable=False),
        *_delivery(),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("uid"),
        sa.CheckConstraint(STATES, name="ck_ereceipt_notice_state"),
    )
    op.create_index("ix_ereceipt_notice_receipt_id", "ereceipt_notice", ["receipt_id"])


def downgrade() -> None:
    op.drop_index("ix_ereceipt_notice_receipt_id", "ereceipt_notice")
    op.drop_table("ereceipt_notice")
    op.drop_table("ereceipt")
