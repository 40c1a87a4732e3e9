"""Officer accounts of each commune, synced between its desks (issue 9).

Revision ID: h006
Revises: h005
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "h006"
down_revision = "h005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
