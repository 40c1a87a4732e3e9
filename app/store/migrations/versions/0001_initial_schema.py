"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-22 14:23:11.940485
"""

import sqlalchemy as sa
from alembic import op

import app.store.types

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table('daily_counter',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('workstation', sa.Integer(), nullable=False),
    sa.Column('last', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('day', 'workstation')
    )
    op.create_table('holiday',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=4), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('source', sa.String(length=60), nullable=False),
    sa.PrimaryKeyConstraint('day')
    )
    op.create_table('holiday_year',
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=120), nullable=False),
    sa.Column('created_at', app.store.types.UtcDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('year')
    )
    op.create_table('outbox',
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('op_id', sa.String(length=36), nullable=False),
    sa.Column('entity', sa.String(length=20), nullable=False),
    sa.Column('entity_id', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.Column('payload_sha256', sa.String(length=64), nullable=False),
    sa.Column('actor', sa.String(length=120), nullable=False),
    sa.Column('device_time', app.store.types.UtcDateTime(), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('seq'),
    sa.UniqueConstraint('op_id'),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_state_seq', ['state', 'seq'], unique=False)

    op.create_table('procedure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('national_code', sa.String(length=40), nullable=True),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('name_folded', sa.String(length=300), nullable=False),
    sa.Column('field', sa.String(length=120), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code')
    )
    op.create_table('receipt_series',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('template_symbol', sa.String(length=20), nullable=False),
    sa.Column('series_symbol', sa.String(length=20), nullable=False),
    sa.Column('first_number', sa.Integer(), nullable=False),
    sa.Column('last_number', sa.Integer(), nullable=False),
    sa.Column('next_number', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('source', sa.String(length=60), nullable=False),
    sa.Column('created_at', app.store.types.UtcDateTime(), nullable=False),
    sa.CheckConstraint('next_number BETWEEN first_number AND last_number + 1', name='ck_series_next'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('template_symbol', 'series_symbol', 'first_number')
    )
    op.create_table('setting',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    op.create_table('procedure_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('procedure_id', sa.Integer(), nullable=False),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.Column('legal_time', sa.JSON(), nullable=False),
    sa.Column('fee_rule', sa.JSON(), nullable=False),
    sa.Column('documents', sa.JSON(), nullable=False),
    sa.Column('legal_basis', sa.Text(), nullable=False),
    sa.Column('source', sa.String(length=60), nullable=False),
    sa.Column('created_at', app.store.types.UtcDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['procedure_id'], ['procedure.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('procedure_id', 'effective_from')
    )
    op.create_table('dossier',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uid', sa.String(length=36), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('procedure_version_id', sa.Integer(), nullable=False),
    sa.Column('owner_name', sa.String(length=200), nullable=False),
    sa.Column('owner_kind', sa.Integer(), nullable=False),
    sa.Column('owner_id_number', sa.String(length=20), nullable=False),
    sa.Column('owner_birth_date', sa.Date(), nullable=True),
    sa.Column('owner_sex', sa.String(length=8), nullable=False),
    sa.Column('owner_address', sa.String(length=400), nullable=False),
    sa.Column('owner_phone', sa.String(length=20), nullable=False),
    sa.Column('owner_email', sa.String(length=120), nullable=False),
    sa.Column('channel', sa.Integer(), nullable=False),
    sa.Column('return_method', sa.String(length=10), nullable=False),
    sa.Column('sets_count', sa.Integer(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('received_at', app.store.types.UtcDateTime(), nullable=False),
    sa.Column('due_at', app.store.types.UtcDateTime(), nullable=False),
    sa.Column('original_due_at', app.store.types.UtcDateTime(), nullable=False),
    sa.Column('status', sa.Integer(), nullable=False),
    sa.Column('paused_since', app.store.types.UtcDateTime(), nullable=True),
    sa.Column('finished_at', app.store.types.UtcDateTime(), nullable=True),
    sa.Column('returned_at', app.store.types.UtcDateTime(), nullable=True),
    sa.Column('reschedule_count', sa.Integer(), nullable=False),
    sa.Column('fee_amount', sa.Integer(), nullable=False),
    sa.Column('fee_detail', sa.String(length=300), nullable=False),
    sa.Column('fee_exemption', sa.String(length=300), nullable=False),
    sa.Column('pages', sa.Integer(), nullable=False),
    sa.Column('copies', sa.Integer(), nullable=False),
    sa.Column('workstation_no', sa.Integer(), nullable=False),
    sa.Column('received_by', sa.String(length=120), nullable=False),
    sa.Column('rating', sa.String(length=40), nullable=False),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.Column('updated_at', app.store.types.UtcDateTime(), nullable=False),
    sa.CheckConstraint('status BETWEEN 1 AND 10', name='ck_dossier_status'),
    sa.ForeignKeyConstraint(['procedure_version_id'], ['procedure_version.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code'),
    sa.UniqueConstraint('uid')
    )
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.create_index('ix_dossier_received', ['received_at'], unique=False)
        batch_op.create_index('ix_dossier_status_due', ['status', 'due_at'], unique=False)

    op.create_table('dossier_document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=400), nullable=False),
    sa.Column('form', sa.String(length=20), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('dossier_document', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dossier_document_dossier_id'), ['dossier_id'], unique=False)

    op.create_table('event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uid', sa.String(length=36), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('status_after', sa.Integer(), nullable=False),
    sa.Column('actor', sa.String(length=120), nullable=False),
    sa.Column('device_time', app.store.types.UtcDateTime(), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('uid')
    )
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.create_index('ix_event_dossier', ['dossier_id', 'id'], unique=False)

    op.create_table('receipt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uid', sa.String(length=36), nullable=False),
    sa.Column('series_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=True),
    sa.Column('payer_name', sa.String(length=200), nullable=False),
    sa.Column('payer_address', sa.String(length=400), nullable=False),
    sa.Column('fee_name', sa.String(length=300), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('amount_words', sa.String(length=400), nullable=False),
    sa.Column('issued_at', app.store.types.UtcDateTime(), nullable=False),
    sa.Column('issued_by', sa.String(length=120), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('void_reason', sa.String(length=400), nullable=False),
    sa.Column('voided_at', app.store.types.UtcDateTime(), nullable=True),
    sa.Column('voided_by', sa.String(length=120), nullable=False),
    sa.Column('replaces_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("status IN ('issued', 'voided')", name='ck_receipt_status'),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], ),
    sa.ForeignKeyConstraint(['replaces_id'], ['receipt.id'], ),
    sa.ForeignKeyConstraint(['series_id'], ['receipt_series.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('series_id', 'number'),
    sa.UniqueConstraint('uid')
    )
    with op.batch_alter_table('receipt', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_receipt_dossier_id'), ['dossier_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_receipt_issued_at'), ['issued_at'], unique=False)




def downgrade() -> None:

    with op.batch_alter_table('receipt', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_receipt_issued_at'))
        batch_op.drop_index(batch_op.f('ix_receipt_dossier_id'))

    op.drop_table('receipt')
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_index('ix_event_dossier')

    op.drop_table('event')
    with op.batch_alter_table('dossier_document', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dossier_document_dossier_id'))

    op.drop_table('dossier_document')
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.drop_index('ix_dossier_status_due')
        batch_op.drop_index('ix_dossier_received')

    op.drop_table('dossier')
    op.drop_table('procedure_version')
    op.drop_table('setting')
    op.drop_table('receipt_series')
    op.drop_table('procedure')
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_state_seq')

    op.drop_table('outbox')
    op.drop_table('holiday_year')
    op.drop_table('holiday')
    op.drop_table('daily_counter')

