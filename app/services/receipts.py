"""Fee receipts: the next number of this workstation's range, never a gap, never deleted."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, text, update

from app.core.errors import NotFoundError, NumberingError, TransitionError, ValidationError
from app.core.money import amount_in_words
from app.core.receipts import SeriesSpec, check_paper_allowed, format_number, next_number, validate_series
from app.core.text import nfc
from app.services.catalogue import version_by_id
from app.services.clock import from_local, to_local
from app.services.desk import Desk
from app.services.outbox import enqueue
from app.store.models import Dossier, Receipt, ReceiptSeries
from sync.ops import ReceiptIssued, ReceiptVoided

S, R, D = ReceiptSeries.__table__, Receipt.__table__, Dossier.__table__
LOW_STOCK = 50
INSERT_RECEIPT = insert(R)


@dataclass(frozen=True)
class Issued:
    uid: str
    number: int
    template_symbol: str
    series_symbol: str
    amount: int
    amount_words: str
    issued_at: datetime

    @property
    def label(self) -> str:
        return f"{self.template_symbol} {self.series_symbol} số {format_number(self.number)}"


def add_series(desk: Desk, spec: SeriesSpec, *, source: str = "admin") -> int:
    """Record a range allotted to this workstation (from the hub or the issuing notice)."""
    spec = validate_series(spec)
    with desk.write() as connection:
        overlapping = connection.execute(select(S.c.id).where(
            S.c.template_symbol == spec.template_symbol, S.c.series_symbol == spec.series_symbol,
            S.c.first_number <= spec.last_number, S.c.last_number >= spec.first_number,
        )).first()
        if overlapping:
            raise ValidationError("Dải số này trùng với một dải đã có của cùng ký hiệu.", field="range")
        return connection.execute(insert(S).values(
            kind=spec.kind, template_symbol=spec.template_symbol, series_symbol=spec.series_symbol,
            first_number=spec.first_number, last_number=spec.last_number, next_number=spec.first_number,
            active=True, source=source, created_at=desk.now(),
        )).inserted_primary_key[0]


_DOSSIER_WITH_LIVE_RECEIPT = select(
    D, select(R.c.number).where(R.c.dossier_id == D.c.id, R.c.status == "issued", R.c.id != bindparam("rid"))
    .limit(1).scalar_subquery().label("live_receipt")
).where(D.c.uid == bindparam("uid"))
# One statement takes the next number: BEGIN IMMEDIATE already makes this writer the only one.
_TAKE_NUMBER = text(
    "UPDATE receipt_series SET next_number = next_number + 1 WHERE id = COALESCE(:sid, "
    "(SELECT id FROM receipt_series WHERE active AND next_number <= last_number ORDER BY id LIMIT 1)) "
    "AND next_number <= last_number "
    "RETURNING id, next_number - 1 AS number, kind, template_symbol, series_symbol, last_number"
)


def _take_number(connection: Connection, series_id: int | None) -> Any:
    taken = connection.execute(_TAKE_NUMBER, {"sid": series_id}).first()
    if taken is not None:
        return taken
    if series_id is not None:
        row = connection.execute(select(S).where(S.c.id == series_id)).first()
        if row is None:
            raise NotFoundError("Không tìm thấy dải số biên lai.", field="series")
        next_number(row.next_number, row.last_number, f"{row.template_symbol} {row.series_symbol}")
    raise NumberingError("Chưa có dải số biên lai nào còn số. Hãy nhập dải số mới được cấp.")


def _payer_from_dossier(
    desk: Desk, connection: Connection, dossier_uid: str, replaces_id: int | None
) -> tuple[int, dict[str, Any]]:
    row = connection.execute(_DOSSIER_WITH_LIVE_RECEIPT, {"uid": dossier_uid, "rid": replaces_id or -1}).first()
    if row is None:
        raise NotFoundError("Không tìm thấy hồ sơ.", field="dossier")
    if row.live_receipt is not None:
        raise ValidationError(
            f"Hồ sơ đã có biên lai số {format_number(row.live_receipt)}. Muốn lập lại, hãy hủy biên lai đó trước.",
            field="dossier",
        )
    procedure = version_by_id(connection, row.procedure_version_id, desk.versions)
    fee_name = procedure.fee_rule.name or f"Phí, lệ phí {procedure.name.lower()}"
    return row.id, {"payer_name": row.owner_name, "payer_address": row.owner_address, "fee_name": fee_name,
                    "amount": row.fee_amount}


def _replaced(connection: Connection, replaces_uid: str | None) -> int | None:
    if replaces_uid is None:
        return None
    row = connection.execute(select(R.c.id, R.c.status).where(R.c.uid == replaces_uid)).first()
    if row is None:
        raise NotFoundError("Không tìm thấy biên lai được thay thế.", field="replaces")
    if row.status != "voided":
        raise ValidationError("Chỉ lập biên lai thay thế cho một biên lai đã hủy.", field="replaces")
    return row.id


def _payment_fields(
    payer_name: str | None, fee_name: str | None, amount: int | None, payer_address: str
) -> dict[str, Any]:
    if not nfc(payer_name or ""):
        raise ValidationError("Hãy ghi tên người nộp tiền.", field="payer_name")
    if not nfc(fee_name or ""):
        raise ValidationError("Hãy ghi tên loại phí, lệ phí.", field="fee_name")
    return {"payer_name": nfc(payer_name or ""), "payer_address": nfc(payer_address), "fee_name": nfc(fee_name or ""),
            "amount": amount}


def issue_receipt(
    desk: Desk, *, dossier_uid: str | None = None, series_id: int | None = None, payer_name: str | None = None,
    payer_address: str = "", fee_name: str | None = None, amount: int | None = None, replaces_uid: str | None = None,
) -> Issued:
    """Allocate the next number and write the receipt and its outbox op in one transaction."""
    now = desk.now()
    with desk.write() as connection:
        replaces_id = _replaced(connection, replaces_uid)
        dossier_id = None
        if dossier_uid is not None:
            dossier_id, fields = _payer_from_dossier(desk, connection, dossier_uid, replaces_id)
        else:
            fields = _payment_fields(payer_name, fee_name, amount, payer_address)
        if not isinstance(fields["amount"], int) or fields["amount"] <= 0:
            raise ValidationError("Số tiền trên biên lai phải lớn hơn 0.", field="amount")
        series = _take_number(connection, series_id)
        check_paper_allowed(series.kind, to_local(now).date(), desk.settings().paper_until)  # raising undoes it
        number = series.number
        uid = str(uuid.uuid4())
        words = amount_in_words(fields["amount"])
        connection.execute(INSERT_RECEIPT, {
            "uid": uid, "series_id": series.id, "number": number, "dossier_id": dossier_id, "amount_words": words,
            "issued_at": now, "issued_by": desk.actor, "status": "issued", "void_reason": "", "voided_by": "",
            "replaces_id": replaces_id, **fields,
        })
        payload = ReceiptIssued(receipt_id=uid, template_symbol=series.template_symbol,
                                series_symbol=series.series_symbol, number=number, dossier_id=dossier_uid,
                                amount_words=words, issued_at=now, replaces=replaces_uid, **fields)
        enqueue(connection, entity="receipt", entity_id=uid, kind="receipt.issued", payload=payload.wire(),
                actor=desk.actor, device_time=now)
    return Issued(uid, number, series.template_symbol, series.series_symbol, fields["amount"], words, now)


def void_receipt(desk: Desk, uid: str, *, reason: str) -> None:
    """The receipt stays, marked void with its reason; its number is never reused."""
    why = nfc(reason or "")
    if len(why) < 5:
        raise ValidationError("Hãy ghi rõ lý do hủy biên lai (ít nhất 5 ký tự).", field="reason")
    now = desk.now()
    with desk.write() as connection:
        row = connection.execute(select(R).where(R.c.uid == uid)).first()
        if row is None:
            raise NotFoundError("Không tìm thấy biên lai.", field="receipt")
        if row.status == "voided":
            raise TransitionError("Biên lai này đã bị hủy trước đó.")
        connection.execute(update(R).where(R.c.id == row.id).values(
            status="voided", void_reason=why, voided_at=now, voided_by=desk.actor))
        enqueue(connection, entity="receipt", entity_id=uid, kind="receipt.voided",
                payload=ReceiptVoided(receipt_id=uid, reason=why, voided_at=now, number=row.number).wire(),
                actor=desk.actor, device_time=now)


def series_status(desk: Desk) -> list[dict[str, Any]]:
    """Each range with how many numbers are left, and a warning when few remain."""
    with desk.read() as connection:
        rows = connection.execute(select(S).where(S.c.source != "pulled").order_by(S.c.id)).all()
    result = []
    for row in rows:
        left = row.last_number - row.next_number + 1
        result.append({**row._mapping, "left": left, "low": left < LOW_STOCK})
    return result


@dataclass(frozen=True)
class ReceiptLine:
    uid: str
    label: str
    number: int
    issued_at: datetime
    issued_by: str
    payer_name: str
    fee_name: str
    amount: int
    status: str
    void_reason: str
    dossier_uid: str | None


def receipts_of_day(desk: Desk, day: date, officer: str = "") -> list[ReceiptLine]:
    """Receipts issued on a local day, by one officer or all."""
    start = from_local(datetime.combine(day, time.min))
    end = from_local(datetime.combine(day, time.max))
    query = (select(R, S.c.template_symbol, S.c.series_symbol, D.c.uid.label("dossier_uid"))
             .join(S, S.c.id == R.c.series_id).outerjoin(D, D.c.id == R.c.dossier_id)
             .where(R.c.issued_at.between(start, end)).order_by(R.c.id))
    if officer:
        query = query.where(R.c.issued_by == officer)
    with desk.read() as connection:
        rows = connection.execute(query).all()
    return [ReceiptLine(r.uid, f"{r.template_symbol} {r.series_symbol}", r.number, r.issued_at, r.issued_by,
                        r.payer_name, r.fee_name, r.amount, r.status, r.void_reason, r.dossier_uid) for r in rows]


def day_totals(lines: list[ReceiptLine]) -> dict[str, int]:
    """Cash each officer hands in for the day: issued receipts only, voided ones excluded."""
    totals: dict[str, int] = {}
    for line in lines:
        if line.status == "issued":
            totals[line.issued_by] = totals.get(line.issued_by, 0) + line.amount
    return totals
