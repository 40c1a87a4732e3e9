"""Fee receipts: the next number of this workstation's range, never a gap, never deleted."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any, NamedTuple

from sqlalchemy import Connection, insert, select, update

from app.core.errors import NotFoundError, NumberingError, TransitionError, ValidationError
from app.core.money import amount_in_words
from app.core.permissions import Perm
from app.core.receipts import (
    ELECTRONIC,
    PAPER,
    SeriesSpec,
    check_paper_allowed,
    e_series_prefix,
    format_e_number,
    format_number,
    next_number,
    regime_on,
    validate_series,
)
from app.core.text import nfc
from app.services import ereceipts
from app.services.catalogue import version_by_id
from app.services.clock import from_local, to_local
from app.services.desk import Desk
from app.services.outbox import enqueue
from app.services.text_input import clean_text
from app.store.models import Dossier, Receipt, ReceiptSeries
from app.store.prepared import Insert, first
from sync.ops import ReceiptIssued, ReceiptVoided

S, R, D = ReceiptSeries.__table__, Receipt.__table__, Dossier.__table__
LOW_STOCK = 50
VOID_REASON_MAX = 400  # the column and the notice's LDo hold 400 characters
INSERT_RECEIPT = Insert(R)  # app/store/prepared.py: the hot path's statements


class Taken(NamedTuple):
    """The number taken and the range it came from (_TAKE_NUMBER's RETURNING)."""

    id: int
    number: int
    kind: str
    template_symbol: str
    series_symbol: str
    last_number: int


class _Payer(NamedTuple):
    id: int
    owner_name: str
    owner_address: str
    fee_amount: int
    procedure_version_id: int
    live_receipt: int | None


@dataclass(frozen=True)
class Issued:
    uid: str
    number: int
    template_symbol: str
    series_symbol: str
    amount: int
    amount_words: str
    issued_at: datetime
    kind: str = PAPER  # paper | electronic
    lookup_code: str = ""  # an e-receipt's code for the public lookup page

    @property
    def label(self) -> str:
        number = format_e_number(self.number) if self.kind == ELECTRONIC else format_number(self.number)
        return f"{self.template_symbol} {self.series_symbol} số {number}"


def add_series(desk: Desk, spec: SeriesSpec, *, source: str = "admin") -> int:
    """Record a range allotted to this workstation (from the hub or the issuing notice)."""
    desk.require(Perm.RANGES)
    spec = validate_series(spec)
    with desk.write() as connection:
        overlapping = connection.execute(select(S.c.first_number, S.c.last_number).where(
            S.c.template_symbol == spec.template_symbol, S.c.series_symbol == spec.series_symbol,
            S.c.first_number <= spec.last_number, S.c.last_number >= spec.first_number,
        )).first()
        if overlapping:  # named, so the administrator can check it against the issuing notice
            raise ValidationError(
                f"Dải số {format_number(spec.first_number)}–{format_number(spec.last_number)} trùng với dải "
                f"{spec.template_symbol} {spec.series_symbol} số {format_number(overlapping.first_number)}–"
                f"{format_number(overlapping.last_number)} đã có.", field="range")
        return connection.execute(insert(S).values(
            kind=spec.kind, template_symbol=spec.template_symbol, series_symbol=spec.series_symbol,
            first_number=spec.first_number, last_number=spec.last_number, next_number=spec.first_number,
            active=True, source=source, created_at=desk.now(),
        )).inserted_primary_key[0]


# What a receipt takes from its dossier, and the number of a live receipt it already has (plain
# columns, read through app/store/prepared.py like the rest of issue_receipt's statements).
_DOSSIER_WITH_LIVE_RECEIPT = (
    "SELECT d.id, d.owner_name, d.owner_address, d.fee_amount, d.procedure_version_id, "
    "(SELECT r.number FROM receipt r WHERE r.dossier_id = d.id AND r.status = 'issued' AND r.id != :rid "
    "LIMIT 1) AS live_receipt FROM dossier d WHERE d.uid = :uid"
)
# One statement takes the next number: BEGIN IMMEDIATE already makes this writer the only one.
# Without a chosen range: in the electronic regime, the first e-receipt range of the year of issue
# with numbers left (its symbol starts with the year: 27TAA), so numbering restarts each year; in the
# paper regime, the first paper range with numbers left. An e-range's numbers never go on an
# unsigned receipt (app.core.receipts.check_paper_allowed refuses a chosen one). The symbol's prefix
# is compared with substr, not `LIKE :prefix`: SQLite prepares a statement whose LIKE pattern is a
# parameter again at every execution (≈ 45 µs here, most of taking a number).
_TAKE_NUMBER = (
    "UPDATE receipt_series SET next_number = next_number + 1 WHERE id = COALESCE(:sid, "
    "(SELECT id FROM receipt_series WHERE active AND kind = :kind "
    "AND substr(series_symbol, 1, length(:prefix)) = :prefix AND next_number <= last_number ORDER BY id LIMIT 1)) "
    "AND next_number <= last_number "
    "RETURNING id, next_number - 1 AS number, kind, template_symbol, series_symbol, last_number"
)
ASK_FOR_E_RANGE = ("Hãy đồng bộ với hệ thống cấp trên để nhận dải số mới (quản trị cấp trên cấp dải bằng lệnh "
                   "«allot --kind electronic»), hoặc nhập dải số được cấp trong phần Biên lai.")


def _no_electronic_range(connection: Connection, year: int) -> None:
    prefix = e_series_prefix(year)
    used = connection.execute(select(S).where(S.c.kind == ELECTRONIC, S.c.active, S.c.source != "pulled",
                                              S.c.series_symbol.like(f"{prefix}%")).order_by(S.c.id.desc())).first()
    if used is not None:
        raise NumberingError(
            f"Dải số biên lai điện tử {used.template_symbol} {used.series_symbol} của máy trạm này đã dùng hết "
            f"(đến số {format_e_number(used.last_number)}). {ASK_FOR_E_RANGE}")
    # A ValidationError like the paper deadline's: the official cannot issue paper, and learns why.
    raise ValidationError(
        f"Phải lập biên lai điện tử nhưng máy trạm này chưa có dải số biên lai điện tử năm {year} "
        f"(ký hiệu bắt đầu bằng {prefix}). {ASK_FOR_E_RANGE}", field="series")


def _take_number(connection: Connection, series_id: int | None, kind: str = PAPER, year: int = 0) -> Any:
    prefix = e_series_prefix(year) if kind == ELECTRONIC else ""  # symbols are upper case (validate_series)
    taken = first(connection, _TAKE_NUMBER, {"sid": series_id, "kind": kind, "prefix": prefix})
    if taken is not None:
        return Taken(*taken)
    if series_id is not None:
        row = connection.execute(select(S).where(S.c.id == series_id)).first()
        if row is None:
            raise NotFoundError("Không tìm thấy dải số biên lai.", field="series")
        if row.kind == ELECTRONIC and row.next_number > row.last_number:
            _no_electronic_range(connection, year)
        next_number(row.next_number, row.last_number, f"{row.template_symbol} {row.series_symbol}")
    if kind == ELECTRONIC:
        _no_electronic_range(connection, year)
    raise NumberingError("Chưa có dải số biên lai nào còn số. Hãy nhập dải số mới được cấp.")


def _check_kind(series: Any, day: date, settings: Any) -> None:
    """No paper number once the regime is electronic (raising undoes the number taken)."""
    check_paper_allowed(series.kind, day, settings.paper_until, settings.electronic_from)


def _payer_from_dossier(
    desk: Desk, connection: Connection, dossier_uid: str, replaces_id: int | None
) -> tuple[int, dict[str, Any]]:
    found = first(connection, _DOSSIER_WITH_LIVE_RECEIPT, {"uid": dossier_uid, "rid": replaces_id or -1})
    if found is None:
        raise NotFoundError("Không tìm thấy hồ sơ.", field="dossier")
    row = _Payer(*found)
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


def _corrected(fields: dict[str, Any], payer_name: str | None, fee_name: str | None,
               amount: int | None) -> dict[str, Any]:
    """What the official corrected over the dossier's values (a replacement for a wrong receipt)."""
    if payer_name is None and fee_name is None and amount is None:
        return fields
    if payer_name is not None:  # printed where the owner's name is: the same limit and fonts
        payer_name = clean_text(payer_name, "owner_name", label="Tên người nộp tiền")
    return _payment_fields(fields["payer_name"] if payer_name is None else payer_name,
                           fields["fee_name"] if fee_name is None else fee_name,
                           fields["amount"] if amount is None else amount, fields["payer_address"])


def issue_receipt(
    desk: Desk, *, dossier_uid: str | None = None, series_id: int | None = None, payer_name: str | None = None,
    payer_address: str = "", fee_name: str | None = None, amount: int | None = None, replaces_uid: str | None = None,
) -> Issued:
    """Allocate the next number and write the receipt and its outbox op in one transaction.

    The regime follows the local day (paper until 31/12/2026, unless the desk switched earlier):
    an e-receipt is built, signed with the configured key and stored in the same transaction, and
    `receipt.issued` then `receipt.signed` are queued. No key (token unplugged): SignerUnavailable,
    and nothing is written. For a replacement (`replaces_uid`, a voided receipt) the payer, fee and
    amount may be corrected over the dossier's; an e-receipt replacing an e-receipt links it in its XML."""
    desk.require(Perm.ISSUE_RECEIPT)
    now = desk.now()
    settings = desk.settings()
    day = to_local(now).date()
    kind = regime_on(day, settings.paper_until, settings.electronic_from)
    holder = ereceipts.signer_for(desk) if kind == ELECTRONIC else None  # before anything is written
    with desk.write() as connection:
        replaces_id = _replaced(connection, replaces_uid)
        dossier_id = None
        if dossier_uid is not None:
            dossier_id, fields = _payer_from_dossier(desk, connection, dossier_uid, replaces_id)
            fields = _corrected(fields, payer_name, fee_name, amount)
        else:
            fields = _payment_fields(payer_name, fee_name, amount, payer_address)
        if not isinstance(fields["amount"], int) or fields["amount"] <= 0:
            raise ValidationError("Số tiền trên biên lai phải lớn hơn 0.", field="amount")
        series = _take_number(connection, series_id, kind, day.year)
        _check_kind(series, day, settings)
        number = series.number
        uid = str(uuid.uuid4())
        words = amount_in_words(fields["amount"])
        row_id = INSERT_RECEIPT.one(connection, {
            "uid": uid, "series_id": series.id, "number": number, "dossier_id": dossier_id, "amount_words": words,
            "issued_at": now, "issued_by": desk.actor, "status": "issued", "void_reason": "", "voided_by": "",
            "replaces_id": replaces_id, **fields,
        })
        payload = ReceiptIssued(receipt_id=uid, template_symbol=series.template_symbol,
                                series_symbol=series.series_symbol, number=number, dossier_id=dossier_uid,
                                amount_words=words, issued_at=now, replaces=replaces_uid, **fields)
        enqueue(connection, entity="receipt", entity_id=uid, kind="receipt.issued", payload=payload.wire(),
                actor=desk.actor, device_time=now)
        lookup = ""
        if holder is not None:
            lookup = ereceipts.sign_receipt(desk, connection, holder, ereceipts.ToSign(
                row_id, uid, series.template_symbol, series.series_symbol, number, now, fields, dossier_id,
                replaces_id))
    return Issued(uid, number, series.template_symbol, series.series_symbol, fields["amount"], words, now,
                  ELECTRONIC if holder is not None else PAPER, lookup)


def void_receipt(desk: Desk, uid: str, *, reason: str, replacing: bool = False) -> str | None:
    """The receipt stays, marked void with its reason; its number is never reused.

    An e-receipt also gets a signed Mẫu 04/SS-CTĐT notice (action "Hủy", or "Thay thế" when
    `replacing`: a replacement follows), stored and queued as `receipt.noticed` in the same
    transaction; returns the notice's id (None for a paper receipt)."""
    desk.require(Perm.VOID_RECEIPT)
    why = nfc(reason or "")
    if len(why) < 5:
        raise ValidationError("Hãy ghi rõ lý do hủy biên lai (ít nhất 5 ký tự).", field="reason")
    if len(why) > VOID_REASON_MAX:
        raise ValidationError(f"Lý do hủy biên lai dài quá {VOID_REASON_MAX} ký tự.", field="reason")
    now = desk.now()
    with desk.read() as connection:
        electronic = ereceipts.is_electronic(connection, uid)
    holder = ereceipts.signer_for(desk) if electronic else None  # the notice is signed, or nothing is done
    notice_id = None
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
        if holder is not None:
            from ereceipt import notice as notice_form  # the e-receipt stack loads with the first e-receipt

            action = notice_form.REPLACE if replacing else notice_form.CANCEL
            notice_id = ereceipts.sign_notice(desk, connection, holder, row, action=action, reason=why, at=now)
    return notice_id


@dataclass(frozen=True)
class Replacement:
    issued: Issued
    notice_id: str | None  # the Mẫu 04/SS-CTĐT notice of an e-receipt


def replace_receipt(desk: Desk, uid: str, *, reason: str, payer_name: str | None = None,
                    fee_name: str | None = None, amount: int | None = None) -> Replacement:
    """Void a wrong receipt and issue its replacement (for the same dossier, with what the official
    corrected) in ONE transaction: to the official and the citizen it is one act, so a refused
    replacement or a power cut in between leaves the wrong receipt as it was, never voided alone."""
    with desk.read() as connection:
        dossier_uid = connection.execute(select(D.c.uid).select_from(R.join(D, R.c.dossier_id == D.c.id))
                                         .where(R.c.uid == uid)).scalar()
    with desk.batch():
        notice_id = void_receipt(desk, uid, reason=reason, replacing=True)
        issued = issue_receipt(desk, dossier_uid=dossier_uid, replaces_uid=uid, payer_name=payer_name,
                               fee_name=fee_name, amount=amount)
    return Replacement(issued, notice_id)


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
