"""The step table's columns (where a paused dossier resumes, how many supplement requests) and the
pulled changes this desk set aside because it could not apply them.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

import app.store.types

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("dossier", sa.Column("resume_status", sa.Integer(), nullable=True))
    op.add_column("dossier", sa.Column("supplement_count", sa.Integer(), nullable=False, server_default="0"))
    # Dossiers already paused resume where their request said; counts come from the history.
    op.execute("UPDATE dossier SET resume_status = (SELECT json_extract(e.payload, '$.resume_status') FROM event e "
               "WHERE e.dossier_id = dossier.id AND e.kind = 'supplement_requested' ORDER BY e.id DESC LIMIT 1) "
               "WHERE status = 5")
    op.execute("UPDATE dossier SET supplement_count = (SELECT count(*) FROM event e "
               "WHERE e.dossier_id = dossier.id AND e.kind = 'supplement_requested')")
    op.create_table(
        "pulled_aside",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("entity", sa.String(length=20), nullable=False),
        sa.Column("entity_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("set_aside_at", app.store.types.UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("pulled_aside")
    op.drop_column("dossier", "supplement_count")
    op.drop_column("dossier", "resume_status")
