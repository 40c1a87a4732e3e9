"""What the province's page needs: each dossier's report facts (sync/hub/report_facts.py), each
desk's health as it last reported it (last seen, clock offset, what waits in its outbox) and the
page's login sessions (issue 13). Dossiers already on the hub get their facts here.

Revision ID: h008
Revises: h007
"""

import sqlalchemy as sa
from alembic import op

# name -> type of the report columns on `dossier` (epoch seconds as doubles, flags 0/1)
REPORT_COLUMNS = {
    "r_field": sa.String(length=120), "r_channel": sa.Integer(), "r_received": sa.Float(),
    "r_original_due": sa.Float(), "r_fee": sa.BigInteger(), "r_online_payment": sa.Integer(),
    "r_docs_digitised": sa.Integer(), "r_docs_reused": sa.Integer(), "r_result_digitised": sa.Integer(),
    "r_due": sa.Float(), "r_due_day": sa.Float(), "r_end": sa.Float(), "r_result": sa.Integer(),
    "r_paused": sa.Float(), "r_late": sa.Integer(),
}
COVERED = ["uid", "agency_id", "r_field", "r_channel", "r_received", "r_original_due", "r_fee", "r_online_payment",
           "r_docs_digitised", "r_docs_reused", "r_result_digitised", "r_due", "r_due_day", "r_end", "r_result",
           "r_paused", "r_late", "reschedule_count", "rating"]
ZERO_DEFAULT = {"r_online_payment", "r_docs_digitised", "r_docs_reused", "r_result_digitised", "r_result", "r_late"}

revision = "h008"
down_revision = "h007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("dossier") as batch:
        for name, type_ in REPORT_COLUMNS.items():
            batch.add_column(sa.Column(name, type_, nullable=name not in ZERO_DEFAULT,
                                       server_default="0" if name in ZERO_DEFAULT else None))
    # On PostgreSQL both indexes carry every column the province's report reads (province_report.READ,
    # and uid): a period's dossiers are read from them alone (index-only scans), never from the rows.
    op.create_index("ix_dossier_report_end", "dossier", ["r_end"], postgresql_include=COVERED)
    op.create_index("ix_dossier_report_open", "dossier", ["r_received"], sqlite_where=sa.text("r_end IS NULL"),
                    postgresql_where=sa.text("r_end IS NULL"), postgresql_include=COVERED)
    _fill_report_facts()
    with op.batch_alter_table("device") as batch:
        batch.add_column(sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("clock_offset_ms", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("pending_reported", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("rejected_reported", sa.Integer(), nullable=True))
    op.create_table(
        "admin_session",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("admin_name", sa.String(length=120), nullable=False),
        sa.Column("csrf", sa.String(length=64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("token_hash"),
    )


def _fill_report_facts() -> None:
    """Dossiers synced before this revision: their facts from the stored reception and state."""
    from sync.hub.apply import hub_state
    from sync.hub.report_facts import received_facts, state_facts
    from sync.ops import Received

    connection = op.get_bind()
    dossier = sa.table("dossier", sa.column("uid"), sa.column("snapshot", sa.JSON()), sa.column("status"),
                       sa.column("due_at"), sa.column("paused_since"), sa.column("resume_status"),
                       sa.column("reschedule_count"), sa.column("supplement_count"), sa.column("finished_at"),
                       sa.column("returned_at"), sa.column("rating"), *(sa.column(n) for n in REPORT_COLUMNS))
    rows = connection.execute(sa.select(dossier)).all()
    for row in rows:
        facts = {**received_facts(Received.model_validate(row.snapshot)), **state_facts(hub_state(row))}
        connection.execute(sa.update(dossier).where(dossier.c.uid == row.uid).values(**facts))


def downgrade() -> None:
    op.drop_index("ix_dossier_report_open", "dossier")
    op.drop_index("ix_dossier_report_end", "dossier")
    with op.batch_alter_table("dossier") as batch:
        for name in REPORT_COLUMNS:
            batch.drop_column(name)
    op.drop_table("admin_session")
    with op.batch_alter_table("device") as batch:
        for column in ("rejected_reported", "pending_reported", "clock_offset_ms", "last_seen_at"):
            batch.drop_column(column)
