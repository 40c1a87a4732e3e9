"""Verifying this workstation's audit chain and the stored rows it vouches for (issue 9).

Two chains, each link covering its record and the link before it (sync/chain.py):
- the outbox: every op this desk queued (events, receipts, voids, accounts, a restore), which the
  hub also verifies as they arrive;
- `audit_record`: what stays on the desk (setting changes, personal data purged).
A link proves the op; the op proves the row: each event, receipt and void row must still say what
its op said, and each setting must hold the value last chained for it. Rows pulled from other
desks are not this desk's records and are never looked at here (their desks and the hub vouch for
them), so a sync can never break this chain.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, select, text

from app.services.clock import show
from app.services.desk import Desk
from app.services.outbox import CORE, LOCAL
from app.store.models import Dossier, Receipt, ReceiptSeries
from sync.chain import GENESIS, link_hash, stored_instant_text

D, R, S = Dossier.__table__, Receipt.__table__, ReceiptSeries.__table__
OPS = text("SELECT seq, op_id, entity, entity_id, kind, payload, payload_sha256, actor, device_time, chain_prev, "
           "chain_hash FROM outbox WHERE seq > :after ORDER BY seq LIMIT 5000")
RECORDS = text("SELECT id, uid, kind, content, actor, at, chain_prev, chain_hash FROM audit_record ORDER BY id")
EVENTS = text("SELECT e.uid, e.kind, e.status_after, e.actor, e.device_time, e.payload, d.uid AS dossier_uid "
              "FROM event e JOIN dossier d ON d.id = e.dossier_id")
# Setting keys the desk rewrites on its own (app/services/settings.py UNAUDITED) are never compared.
SETTINGS = text("SELECT key, value FROM setting")

EDITED_OP = "nội dung thao tác trong hàng đợi đồng bộ đã bị sửa"
BROKEN_LINK = "không nối tiếp bản ghi trước nó (một bản ghi đã bị xóa, chèn thêm hoặc đổi thứ tự)"
BAD_HASH = "mã băm của bản ghi không khớp với nội dung của nó"
DELETED = "bản ghi đã bị xóa khỏi cơ sở dữ liệu"


@dataclass(frozen=True)
class Break:
    chain: str  # "outbox" | "local"
    position: int  # outbox seq, or audit_record id
    record: str  # which record, in Vietnamese
    reason: str

    @property
    def message(self) -> str:
        if not self.position:  # a stored setting: no link of its own, it disagrees with its last one
            return f"Chuỗi kiểm toán bị phá vỡ: {self.record} — {self.reason}."
        where = "hàng đợi đồng bộ" if self.chain == "outbox" else "nhật ký cục bộ"
        return f"Chuỗi kiểm toán bị phá vỡ tại bản ghi số {self.position} ({where}): {self.record} — {self.reason}."


@dataclass(frozen=True)
class Verdict:
    ops: int  # links checked in the outbox chain
    records: int  # links checked in the local chain
    rows: int  # stored rows compared with their op
    first_break: Break | None

    @property
    def ok(self) -> bool:
        return self.first_break is None

    @property
    def message(self) -> str:
        if self.first_break is not None:
            return self.first_break.message
        return (f"Chuỗi kiểm toán nguyên vẹn: {self.ops} thao tác, {self.records} bản ghi cục bộ, "
                f"{self.rows} bản ghi dữ liệu khớp với chuỗi.")


class _Found(Exception):
    def __init__(self, found: Break) -> None:
        super().__init__(found.message)
        self.found = found


def _sha(body: str) -> str:
    return hashlib.sha256(body.encode()).hexdigest()


def _aware(value: Any) -> datetime:
    """A column read through text() comes back as naive UTC text; make it the instant it is."""
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _same_instant(stored: Any, wire: Any) -> bool:
    """A stored instant (naive UTC text or datetime) and a wire one (ISO text with its zone)."""
    if stored is None or wire is None:
        return stored is None and wire is None
    try:
        return _aware(stored) == datetime.fromisoformat(wire)
    except (TypeError, ValueError):
        return False


# -- the local chain --------------------------------------------------------------------------


@dataclass
class LocalState:
    records: int = 0
    settings: dict[str, Any] | None = None  # key -> value last chained
    purged: frozenset[str] = frozenset()  # dossier uids whose personal fields were blanked on purpose


def _local_chain(connection: Connection) -> LocalState:
    prev, settings, purged, count = GENESIS, {}, set(), 0
    for row in connection.execute(RECORDS):
        count += 1
        what = {"settings": "thay đổi cài đặt", "purged": "xóa dữ liệu cá nhân hết hạn lưu"}.get(row.kind, row.kind)
        record = f"{what} của {row.actor} lúc {show(_aware(row.at))}"
        if row.chain_prev != prev:
            raise _Found(Break("local", row.id, record, BROKEN_LINK))
        expected = link_hash(prev, op_id=row.uid, entity=LOCAL, entity_id=row.uid, kind=row.kind,
                             payload_sha256=_sha(row.content), actor=row.actor,
                             device_time=stored_instant_text(str(row.at)))
        if expected != row.chain_hash:
            raise _Found(Break("local", row.id, record, BAD_HASH))
        content = json.loads(row.content)
        if row.kind == "settings":
            settings.update(content)
        elif row.kind == "purged":
            purged.update(content.get("dossier_ids", []))
        prev = row.chain_hash
    return LocalState(count, settings, frozenset(purged))


def _check_settings(connection: Connection, chained: dict[str, Any]) -> int:
    stored = {row.key: row.value for row in connection.execute(SETTINGS)}
    for key, value in chained.items():
        current = json.loads(stored[key]) if isinstance(stored.get(key), str) else stored.get(key)
        if key not in stored or current != json.loads(json.dumps(value, default=str)):
            raise _Found(Break("local", 0, f"cài đặt «{key}»",
                               "giá trị đang lưu khác giá trị được ghi khi thay đổi (đã bị sửa ngoài phần mềm)"))
    return len(chained)


# -- the outbox chain and the rows it vouches for --------------------------------------------


class Rows:
    """This desk's stored rows, read once, by the uid their ops name."""

    def __init__(self, connection: Connection) -> None:
        self.events = {row.uid: row for row in connection.execute(EVENTS)}
        self.receipts = {row.uid: row for row in connection.execute(
            select(R.c.uid, R.c.number, R.c.payer_name, R.c.payer_address, R.c.fee_name, R.c.amount,
                   R.c.amount_words, R.c.issued_at, R.c.issued_by, R.c.status, R.c.void_reason, R.c.voided_at,
                   R.c.voided_by, S.c.template_symbol, S.c.series_symbol).join(S, S.c.id == R.c.series_id))}
        self.dossiers = {row.uid: row for row in connection.execute(select(D.c.uid, D.c.code, D.c.received_at))}

    def dossier_code(self, uid: str) -> str:
        row = self.dossiers.get(uid)
        return row.code if row is not None else uid


def _describe(rows: Rows, op: Any, wire: dict[str, Any]) -> str:
    when = show(_aware(op.device_time))
    if op.entity == "dossier":
        return f"bước «{wire.get('kind', op.kind)}» của hồ sơ {rows.dossier_code(op.entity_id)} lúc {when}"
    if op.entity == "receipt":
        number = wire.get("number")
        label = f"biên lai số {number:07d}" if isinstance(number, int) else "biên lai"
        action = {"receipt.issued": "lập", "receipt.voided": "hủy"}.get(op.kind, op.kind)
        return f"{label} ({action}) lúc {when}"
    return f"thao tác «{op.kind}» lúc {when}"


def _event_differs(rows: Rows, wire: dict[str, Any], actor: str) -> str | None:
    row = rows.events.get(wire.get("event_id"))
    if row is None:
        return DELETED
    stored = json.loads(row.payload) if isinstance(row.payload, str) else row.payload
    checks = (("loại bước", row.kind == wire.get("kind")), ("trạng thái", row.status_after == wire.get("status_after")),
              ("người thực hiện", row.actor == actor), ("hồ sơ", row.dossier_uid == wire.get("dossier_id")),
              ("thời điểm", _same_instant(row.device_time, wire.get("device_time"))),
              ("nội dung", stored == {k: v for k, v in wire.items() if k not in CORE}))
    return _named(checks, "bước hồ sơ lưu trong cơ sở dữ liệu đã bị sửa")


def _receipt_differs(rows: Rows, kind: str, wire: dict[str, Any], actor: str) -> str | None:
    row = rows.receipts.get(wire.get("receipt_id"))
    if row is None:
        return DELETED
    if kind == "receipt.issued":
        checks = tuple((label, getattr(row, column) == wire.get(key)) for label, column, key in (
            ("số", "number", "number"), ("ký hiệu mẫu", "template_symbol", "template_symbol"),
            ("ký hiệu", "series_symbol", "series_symbol"), ("người nộp", "payer_name", "payer_name"),
            ("địa chỉ người nộp", "payer_address", "payer_address"), ("khoản thu", "fee_name", "fee_name"),
            ("số tiền", "amount", "amount"), ("số tiền bằng chữ", "amount_words", "amount_words")))
        checks += (("người thu", row.issued_by == actor),
                   ("thời điểm lập", _same_instant(row.issued_at, wire.get("issued_at"))))
        return _named(checks, "biên lai lưu trong cơ sở dữ liệu đã bị sửa")
    if kind == "receipt.voided":
        checks = (("trạng thái hủy", row.status == "voided"), ("lý do hủy", row.void_reason == wire.get("reason")),
                  ("người hủy", row.voided_by == actor),
                  ("thời điểm hủy", _same_instant(row.voided_at, wire.get("voided_at"))))
        return _named(checks, "việc hủy biên lai lưu trong cơ sở dữ liệu đã bị sửa")
    return None


def _named(checks: tuple[tuple[str, bool], ...], summary: str) -> str | None:
    wrong = [label for label, same in checks if not same]
    return f"{summary} (trường: {', '.join(wrong)})" if wrong else None


def _row_differs(rows: Rows, op: Any, wire: dict[str, Any]) -> tuple[str | None, int]:
    if op.entity == "dossier" and "event_id" in wire:
        return _event_differs(rows, wire, op.actor), 1
    if op.entity == "receipt" and op.kind in ("receipt.issued", "receipt.voided"):
        return _receipt_differs(rows, op.kind, wire, op.actor), 1
    return None, 0


def _ops(connection: Connection) -> Iterator[Any]:
    after = 0
    while page := connection.execute(OPS, {"after": after}).all():
        yield from page
        after = page[-1].seq


def _outbox_chain(connection: Connection, purged: frozenset[str]) -> tuple[int, int]:
    rows = Rows(connection)
    prev, count, compared = GENESIS, 0, 0
    for op in _ops(connection):
        count += 1
        wire = json.loads(op.payload)
        # A purge blanked this dossier's personal fields on purpose; its chained hash stays as it was.
        redacted = (wire.get("dossier_id") or op.entity_id) in purged
        if op.chain_prev != prev:
            raise _Found(Break("outbox", op.seq, _describe(rows, op, wire), BROKEN_LINK))
        if not redacted and _sha(op.payload) != op.payload_sha256:
            raise _Found(Break("outbox", op.seq, _describe(rows, op, wire), EDITED_OP))
        expected = link_hash(prev, op_id=op.op_id, entity=op.entity, entity_id=op.entity_id, kind=op.kind,
                             payload_sha256=op.payload_sha256, actor=op.actor,
                             device_time=stored_instant_text(str(op.device_time)))
        if expected != op.chain_hash:
            raise _Found(Break("outbox", op.seq, _describe(rows, op, wire), BAD_HASH))
        differs, checked = _row_differs(rows, op, wire)
        if differs:
            raise _Found(Break("outbox", op.seq, _describe(rows, op, wire), differs))
        compared += checked
        prev = op.chain_hash
    return count, compared


def verify_connection(connection: Connection) -> Verdict:
    """The whole chain of the file behind `connection`, stopping at the first broken record."""
    try:
        local = _local_chain(connection)
        ops, compared = _outbox_chain(connection, local.purged)
        compared += _check_settings(connection, local.settings or {})
    except _Found as found:
        return Verdict(0, 0, 0, found.found)
    return Verdict(ops, local.records, compared, None)


def verify_chain(desk: Desk) -> Verdict:
    """Read-only and off the GUI thread: the desk calls it from a worker at start-up."""
    with desk.read() as connection:
        return verify_connection(connection)
