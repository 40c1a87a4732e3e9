"""What the reports need recorded: channel, online payment, digitisation (issue 13).

The channel (KenhThucHien 1/2/3) and every supplement request (supplement_count) are already
columns. Added: how the fee was paid online (DuocThanhToanTrucTuyen 0/1/2), whether the dossier's
components were digitised (HoSoCoThanhPhanSoHoa) or taken from the national data store
(DuocLayTuKhoDMQG), whether the result is an electronic file and its code (MaKetQua). Dossiers
recorded before this revision get 0 / "" (nothing was recorded about them), which the reports count
as "not digitised, not paid online": the honest reading of a missing fact.

What an ended dossier counts as does not depend on the period, so triggers keep it in four columns
and a year's report adds up numbers instead of evaluating the rules on every row (bench/report.py):
`report_on_time` (QĐ 766 2.1), `report_late` and `report_early` (II.06a columns 10 and 8) and
`report_days` (2.2), each as app/core/reporting.py decides it; NULL while the dossier is open. After
an end nothing they read moves. Triggers keep them right for every writer: the services, the pulled
apply, an import.

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
REPORT_INDEX = ("procedure_version_id", "finished_at", "received_at", "report_on_time", "report_late", "report_early",
                "report_days", "channel", "fee_amount", "online_payment", "docs_digitised", "docs_reused",
                "result_digitised", "rating", "due_at", "paused_since", "supplement_count", "reschedule_count")
# Asia/Ho_Chi_Minh is UTC+7 all year: a stored UTC instant's local day is date(x, '+7 hours').
# The lateness rule is app.core.report_rules.LATENESS as it stands at this revision: a change of that
# rule comes with a migration that rewrites these triggers and runs the backfill again.
LATE = "({r}finished_at > {r}due_at OR {r}supplement_count > 1 OR {r}reschedule_count > 0)"
HAS_RESULT = "({r}status NOT IN (3, 7, 8))"  # refused, withdrawn and stopped dossiers end without a result
FACTS = {
    # 2.1: the end (any end) no later than the due, at most one supplement request, no apology
    "report_on_time": f"NOT {LATE}",
    # II.06a (10): a result, late; (8): a result, not late, on a local day before the due day
    "report_late": f"{HAS_RESULT} AND {LATE}",
    "report_early": (f"{HAS_RESULT} AND NOT {LATE} AND "
                     "date({r}finished_at, '+7 hours') < date({r}due_at, '+7 hours')"),
    # 2.2: days from reception to the result less the supplement waits (the due's shift, without an apology)
    "report_days": ("CASE WHEN {r}status IN (3, 7, 8) THEN NULL ELSE max(julianday({r}finished_at) - "
                    "julianday({r}received_at) - CASE WHEN {r}reschedule_count = 0 THEN "
                    "max(julianday({r}due_at) - julianday({r}original_due_at), 0) ELSE 0 END, 0) END"),
}
REPORT_COLUMNS = {"report_on_time": sa.Integer(), "report_late": sa.Integer(), "report_early": sa.Integer(),
                  "report_days": sa.Float()}


def set_facts(row: str) -> str:
    """The SET clause of the facts, over the trigger's NEW row ("NEW.") or the row itself (""); all NULL
    while the dossier has not ended."""
    return "SET " + ", ".join(f"{name} = CASE WHEN {row}finished_at IS NULL THEN NULL ELSE "
                              f"{expr.format(r=row)} END" for name, expr in FACTS.items())


SET_FACTS = f"UPDATE dossier {set_facts('NEW.')} WHERE id = NEW.id;"
TRIGGERS = {
    "dossier_report_ai": f"AFTER INSERT ON dossier BEGIN {SET_FACTS} END",
    "dossier_report_au": ("AFTER UPDATE OF finished_at, status, due_at, original_due_at, received_at, "
                          f"supplement_count, reschedule_count ON dossier BEGIN {SET_FACTS} END"),
}


def upgrade() -> None:
    for name in FLAGS:
        op.add_column("dossier", sa.Column(name, sa.Integer(), nullable=False, server_default="0"))
    op.add_column("dossier", sa.Column("result_code", sa.String(length=60), nullable=False, server_default=""))
    for name, kind in REPORT_COLUMNS.items():
        op.add_column("dossier", sa.Column(name, kind, nullable=True))
    for name, body in TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {body}")
    op.execute(f"UPDATE dossier {set_facts('')}")
    op.create_index("ix_dossier_report", "dossier", list(REPORT_INDEX))


def downgrade() -> None:
    op.drop_index("ix_dossier_report", table_name="dossier")
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    for name in (*REPORT_COLUMNS, "result_code", *reversed(FLAGS)):
        op.drop_column("dossier", name)
