"""An index on outbox.entity_id: applying a pulled change asks whether the dossier still has local
changes waiting, once per change.

Revision ID: 0003
Revises: 0002
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_outbox_entity", "outbox", ["entity_id", "state"])


def downgrade() -> None:
    op.drop_index("ix_outbox_entity", table_name="outbox")
