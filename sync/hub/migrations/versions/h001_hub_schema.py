"""hub schema

Revision ID: h001
Revises:
Create Date: 2026-11-22 15:14:58.547087
"""

import sqlalchemy as sa
from alembic import op

revision = 'h001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table('agency',
    sa.Column('id', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('change',
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.String(length=20), nullable=False),
    sa.Column('entity', sa.String(length=20), nullable=False),
    sa.Column('entity_id', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('origin_device', sa.String(length=36), nullable=False),
    sa.PrimaryKeyConstraint('seq'),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('change', schema=None) as batch_op:
        batch_op.create_index('ix_change_agency_seq', ['agency_id', 'seq'], unique=False)

    op.create_table('device',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('agency_id', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('workstation_no', sa.Integer(), nullable=False),
    sa.Column('app_version', sa.String(length=40), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash')
    )
    with op.batch_alter_table('device', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_device_agency_id'), ['agency_id'], unique=False)

    op.create_table('dossier',
    sa.Column('uid', sa.String(length=36), nullable=False),
    sa.Column('agency_id', sa.String(length=20), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('status', sa.Integer(), nullable=False),
    sa.Column('procedure_code', sa.String(length=40), nullable=False),
    sa.Column('owner_name', sa.String(length=200), nullable=False),
    sa.Column('snapshot', sa.JSON(), nullable=False),
    sa.Column('due_at', sa.String(length=40), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], ),
    sa.PrimaryKeyConstraint('uid'),
    sa.UniqueConstraint('code')
    )
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dossier_agency_id'), ['agency_id'], unique=False)

    op.create_table('enroll_code',
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('agency_id', sa.String(length=20), nullable=False),
    sa.Column('workstation_no', sa.Integer(), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], ),
    sa.PrimaryKeyConstraint('code_hash')
    )
    op.create_table('receipt',
    sa.Column('uid', sa.String(length=36), nullable=False),
    sa.Column('agency_id', sa.String(length=20), nullable=False),
    sa.Column('dossier_uid', sa.String(length=36), nullable=True),
    sa.Column('template_symbol', sa.String(length=20), nullable=False),
    sa.Column('series_symbol', sa.String(length=20), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], ),
    sa.PrimaryKeyConstraint('uid'),
    sa.UniqueConstraint('agency_id', 'template_symbol', 'series_symbol', 'number')
    )
    with op.batch_alter_table('receipt', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_receipt_agency_id'), ['agency_id'], unique=False)

    op.create_table('applied_op',
    sa.Column('op_id', sa.String(length=36), nullable=False),
    sa.Column('device_id', sa.String(length=36), nullable=False),
    sa.Column('payload_sha256', sa.String(length=64), nullable=False),
    sa.Column('result', sa.JSON(), nullable=False),
    sa.Column('applied_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['device_id'], ['device.id'], ),
    sa.PrimaryKeyConstraint('op_id')
    )
    op.create_table('dossier_event',
    sa.Column('uid', sa.String(length=36), nullable=False),
    sa.Column('dossier_uid', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('status_after', sa.Integer(), nullable=False),
    sa.Column('actor', sa.String(length=120), nullable=False),
    sa.Column('device_id', sa.String(length=36), nullable=False),
    sa.Column('device_time', sa.String(length=40), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['dossier_uid'], ['dossier.uid'], ),
    sa.PrimaryKeyConstraint('uid')
    )
    with op.batch_alter_table('dossier_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dossier_event_dossier_uid'), ['dossier_uid'], unique=False)




def downgrade() -> None:

    with op.batch_alter_table('dossier_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dossier_event_dossier_uid'))

    op.drop_table('dossier_event')
    op.drop_table('applied_op')
    with op.batch_alter_table('receipt', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_receipt_agency_id'))

    op.drop_table('receipt')
    op.drop_table('enroll_code')
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dossier_agency_id'))

    op.drop_table('dossier')
    with op.batch_alter_table('device', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_device_agency_id'))

    op.drop_table('device')
    with op.batch_alter_table('change', schema=None) as batch_op:
        batch_op.drop_index('ix_change_agency_seq')

    op.drop_table('change')
    op.drop_table('agency')

