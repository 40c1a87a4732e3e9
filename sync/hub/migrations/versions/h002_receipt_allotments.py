"""receipt allotments

Revision ID: h002
Revises: h001
Create Date: 2026-11-22 15:30:44.216533
"""

import sqlalchemy as sa
from alembic import op

revision = 'h002'
down_revision = 'h001'
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table('allotment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.String(length=20), nullable=False),
    sa.Column('workstation_no', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('template_symbol', sa.String(length=20), nullable=False),
    sa.Column('series_symbol', sa.String(length=20), nullable=False),
    sa.Column('first_number', sa.Integer(), nullable=False),
    sa.Column('last_number', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('allotment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_allotment_agency_id'), ['agency_id'], unique=False)




def downgrade() -> None:

    with op.batch_alter_table('allotment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_allotment_agency_id'))

    op.drop_table('allotment')

