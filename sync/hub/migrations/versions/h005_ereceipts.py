"""The hub stores each signed e-receipt and notice and its transmission state (issue 10).

Revision ID: h005
Revises: h004
"""

import sqlalchemy as sa
from alembic import op

revision = "h005"
down_revision = "h004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "e_document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.String(length=36), nullable=False),
        sa.Column("agency_id", sa.String(length=20), nullable=False),
        sa.Column("receipt_uid", sa.String(length=36), nullable=False),
        sa.Column("document", sa.String(length=8), nullable=False),
        sa.Column("tax_code", sa.String(length=14), nullable=False),
        sa.Column("doc_key", sa.String(length=80), nullable=False),
        sa.Column("lookup_code", sa.String(length=12), nullable=True),
        sa.Column("xml", sa.LargeBinary(), nullable=False),
        sa.Column("xml_sha256", sa.String(length=64), nullable=False),
        sa.Column("signed_at", sa.String(length=40), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.Text(), server_default="", nullable=False),
        sa.Column("message_id", sa.String(length=64), server_default="", nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("stored_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("state_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["agency_id"], ["agency.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("uid"),
        sa.UniqueConstraint("lookup_code"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_e_document_state_id", "e_document", ["state", "id"])
    op.create_index("ix_e_document_receipt_uid", "e_document", ["receipt_uid"])


def downgrade() -> None:
    op.drop_index("ix_e_document_receipt_uid", table_name="e_document")
    op.drop_index("ix_e_document_state_id", table_name="e_document")
    op.drop_table("e_document")
