"""What the reports need recorded: channel, online payment, digitisation (issue 13).

The channel (KenhThucHien 1/2/3) and every supplement request (supplement_count) are already
columns. Added: how the fee was paid online (DuocThanhToanTrucTuyen 0/1/2), whether the dossier's
components were digitised (HoSoCoThanhPhanSoHoa) or taken from the national data store
(DuocLayTuKhoDMQG), whether the result is an electronic file and its code (MaKetQua). Dossiers
recorded before this revision get 0 / "" (nothing was recorded about them), which the reports count
as "not digitised, not paid online": the honest reading of a missing fact.

Two facts that do not depend on the period are kept by triggers, so a year's report reads numbers
instead of parsing two dates per dossier (bench/report.py): `report_early` (processing ended on a
local day before the due day) and `report_days` (days from reception to the end, less the wait for
supplements: app.core.reporting.processing_days). They change only when their inputs change; after
an end the due time no longer moves. Triggers keep them right for every writer: the services, the
pulled apply, an import.

One covering index, led by the procedure version so that each lĩnh vực's rows come out grouped
without a sort, holds every column the period's report reads.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

FLAGS = ("online_payment", "docs_digitised", "docs_reused", "result_digitised")
REPORT_INDEX = ("procedure_version_id", "finished_at", "received_at", "channel", "due_at", "status", "paused_since",
                "supplement_count", "reschedule_count", "fee_amount", "online_payment", "docs_digitised", "docs_reused",
                "result_digitised", "rating", "report_early", "report_days")
# Asia/Ho_Chi_Minh is UTC+7 all year: a stored UTC instant's local day is date(x, '+7 hours').
EARLY = ("CASE WHEN {r}finished_at IS NULL THEN NULL "
         "ELSE date({r}finished_at, '+7 hours') < date({r}due_at, '+7 hours') END")
DAYS = ("CASE WHEN {r}finished_at IS NULL THEN NULL ELSE max(julianday({r}finished_at) - julianday({r}received_at)"
        " - CASE WHEN {r}reschedule_count = 0 THEN max(julianday({r}due_at) - julianday({r}original_due_at), 0)"
        " ELSE 0 END, 0) END")


def set_facts(row: str) -> str:
    """The SET clause of the two facts, over the trigger's NEW row ("NEW.") or the row itself ("")."""
    return f"SET report_early = {EARLY.format(r=row)}, report_days = {DAYS.format(r=row)}"


SET_FACTS = f"UPDATE dossier {set_facts('NEW.')} WHERE id = NEW.id;"
TRIGGERS = {
    "dossier_report_ai": f"AFTER INSERT ON dossier BEGIN {SET_FACTS} END",
    "dossier_report_au": ("AFTER UPDATE OF finished_at, due_at, original_due_at, received_at, reschedule_count "
                          f"ON dossier BEGIN {SET_FACTS} END"),
}


def upgrade() -> None:
    for name in FLAGS:
        op.add_column("dossier", sa.Column(name, sa.Integer(), nullable=False, server_default="0"))
    op.add_column("dossier", sa.Column("result_code", sa.String(length=60), nullable=False, server_default=""))
    op.add_column("dossier", sa.Column("report_early", sa.Integer(), nullable=True))
    op.add_column("dossier", sa.Column("report_days", sa.Float(), nullable=True))
    for name, body in TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {body}")
    op.execute(f"UPDATE dossier {set_facts('')}")
    op.create_index("ix_dossier_report", "dossier", list(REPORT_INDEX))


def downgrade() -> None:
    op.drop_index("ix_dossier_report", table_name="dossier")
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    for name in ("report_days", "report_early", "result_code", *reversed(FLAGS)):
        op.drop_column("dossier", name)
