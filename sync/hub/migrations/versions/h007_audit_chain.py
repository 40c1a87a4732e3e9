"""Each workstation's audit chain head as verified by the hub (issue 9).

Revision ID: h007
Revises: h006
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "h007"
down_revision = "h006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
