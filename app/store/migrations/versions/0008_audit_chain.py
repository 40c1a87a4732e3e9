"""The audit hash chain over each workstation's records (issue 9): every outbox op carries its link
(ops queued before this revision are chained here, in their device order), and `audit_record` holds
the chained records that stay on the desk (setting changes, personal data purged).

Revision ID: 0008
Revises: 0007
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import app.store.types
from sync.chain import GENESIS, link_hash

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def _instant(value: object) -> datetime:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def upgrade() -> None:
    op.add_column("outbox", sa.Column("chain_prev", sa.String(length=64), nullable=False, server_default=""))
    op.add_column("outbox", sa.Column("chain_hash", sa.String(length=64), nullable=False, server_default=""))
    op.create_table(
        "audit_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("actor", sa.String(length=120), nullable=False),
        sa.Column("at", app.store.types.UtcDateTime(), nullable=False),
        sa.Column("chain_prev", sa.String(length=64), nullable=False),
        sa.Column("chain_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("uid"),
        sqlite_autoincrement=True,
    )
    connection = op.get_bind()
    rows = connection.execute(sa.text("SELECT seq, op_id, entity, entity_id, kind, payload_sha256, actor, device_time "
                                      "FROM outbox ORDER BY seq")).all()
    prev, links = GENESIS, []
    for row in rows:
        link = link_hash(prev, op_id=row.op_id, entity=row.entity, entity_id=row.entity_id, kind=row.kind,
                         payload_sha256=row.payload_sha256, actor=row.actor, device_time=_instant(row.device_time))
        links.append({"s": row.seq, "p": prev, "h": link})
        prev = link
    if links:
        connection.execute(sa.text("UPDATE outbox SET chain_prev = :p, chain_hash = :h WHERE seq = :s"), links)


def downgrade() -> None:
    op.drop_table("audit_record")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("chain_hash")
        batch.drop_column("chain_prev")
