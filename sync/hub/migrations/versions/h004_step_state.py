"""The hub keeps every column the step table moves, so it applies the same rules as the desks; each
change carries the officer who acted; receipts know their workstation.

Revision ID: h004
Revises: h003
"""

import sqlalchemy as sa
from alembic import op

revision = "h004"
down_revision = "h003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("dossier") as batch:
        batch.add_column(sa.Column("paused_since", sa.String(length=40), nullable=True))
        batch.add_column(sa.Column("resume_status", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("reschedule_count", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("supplement_count", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("finished_at", sa.String(length=40), nullable=True))
        batch.add_column(sa.Column("returned_at", sa.String(length=40), nullable=True))
        batch.add_column(sa.Column("rating", sa.String(length=40), nullable=False, server_default=""))
    with op.batch_alter_table("change") as batch:
        batch.add_column(sa.Column("actor", sa.String(length=120), nullable=False, server_default=""))
    with op.batch_alter_table("receipt") as batch:
        batch.add_column(sa.Column("device_id", sa.String(length=36), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("receipt") as batch:
        batch.drop_column("device_id")
    with op.batch_alter_table("change") as batch:
        batch.drop_column("actor")
    with op.batch_alter_table("dossier") as batch:
        for column in ("rating", "returned_at", "finished_at", "supplement_count", "reschedule_count",
                       "resume_status", "paused_since"):
            batch.drop_column(column)
