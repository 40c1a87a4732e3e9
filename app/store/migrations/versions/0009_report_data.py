"""What the reports need recorded: channel, online payment, digitisation (issue 13).

The channel (KenhThucHien 1/2/3) and every supplement request (supplement_count) are already
columns. Added: how the fee was paid online (DuocThanhToanTrucTuyen 0/1/2), whether the dossier's
components were digitised (HoSoCoThanhPhanSoHoa) or taken from the national data store
(DuocLayTuKhoDMQG), whether the result is an electronic file and its code (MaKetQua). Dossiers
recorded before this revision get 0 / "" (nothing was recorded about them), which the reports count
as "not digitised, not paid online": the honest reading of a missing fact.

An index on (finished_at, received_at) lets a period's report read only the dossiers that were open
at some point of the period instead of the whole file.

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


def upgrade() -> None:
    for name in FLAGS:
        op.add_column("dossier", sa.Column(name, sa.Integer(), nullable=False, server_default="0"))
    op.add_column("dossier", sa.Column("result_code", sa.String(length=60), nullable=False, server_default=""))
    op.create_index("ix_dossier_finished_received", "dossier", ["finished_at", "received_at"])


def downgrade() -> None:
    op.drop_index("ix_dossier_finished_received", table_name="dossier")
    op.drop_column("dossier", "result_code")
    for name in reversed(FLAGS):
        op.drop_column("dossier", name)
