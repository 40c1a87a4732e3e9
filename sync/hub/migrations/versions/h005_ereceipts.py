"""The hub stores each signed e-receipt and notice and its transmission state (issue 10).

Revision ID: h005
Revises: h004
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "h005"
down_revision = "h004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
