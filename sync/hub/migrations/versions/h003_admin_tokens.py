"""admin tokens

Revision ID: h003
Revises: h002
Create Date: 2026-11-22 15:40:54.391872
"""

import sqlalchemy as sa
from alembic import op

revision = 'h003'
down_revision = 'h002'
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table('admin_token',
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('token_hash')
    )



def downgrade() -> None:

    op.drop_table('admin_token')

