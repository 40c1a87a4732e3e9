"""What the province's page needs (issue 13).

Revision ID: h008
Revises: h007
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "h008"
down_revision = "h007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
