"""Personal data (issue 9; NĐ 13/2023/NĐ-CP, the 2025 Law on personal data protection).

- Files readable only by the desk's OS account: app.store.engine.make_private (POSIX: the
  database, its -wal and -shm and the pre-migration copies 0600, a folder the desk creates 0700;
  encrypted backups 0600 in a 0700 folder, app/services/backup.py). On Windows the per-user data
  folder (%LOCALAPPDATA%\\MotCua) already carries the profile's ACL (the user, SYSTEM,
  Administrators), so nothing is changed there.
- `export_person`: everything this desk holds about one citizen, by CCCD, for a data-subject
  request — dossiers owned, their documents, steps, receipts and scans (names and sizes), as JSON,
  and optionally a readable PDF.
- Retention: closed dossiers (refused, withdrawn, stopped, returned) older than the setting
  `retention_years` lose their personal fields; code, procedure, dates, status, fee, channel and
  the owner's kind stay, so every report and statistic still counts them. The purge is one chained
  record of the audit chain naming the dossiers, so the verifier knows their payloads changed on
  purpose (their chained hashes stay as they were). Dossiers with ops not yet sent are left for later.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, bindparam, func, select, text, update

from app.core.errors import ValidationError
from app.core.identity import validate_cccd
from app.core.lifecycle import CLOSED, Status
from app.services.clock import show, to_local
from app.services.desk import Desk
from app.services.outbox import record_local
from app.services.reception import search_text
from app.store.models import Attachment, Dossier, DossierDocument, Event, Outbox, Receipt, ReceiptSeries

D, DD, E, R, S, A, OB = (Dossier.__table__, DossierDocument.__table__, Event.__table__, Receipt.__table__,
                         ReceiptSeries.__table__, Attachment.__table__, Outbox.__table__)
# Fields that name or locate a person, in dossiers, their reception payloads and their receipts.
PERSONAL_TEXT = ("owner_name", "owner_id_number", "owner_sex", "owner_address", "owner_phone", "owner_email",
                 "summary", "payer_name", "payer_address")
PERSONAL_DATES = ("owner_birth_date",)
PURGED_NAME = "(đã xóa theo thời hạn lưu trữ)"
CLOSED_CODES = tuple(int(s) for s in CLOSED)


# -- a data-subject request ------------------------------------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def _rows(connection: Connection, query: Any) -> list[dict[str, Any]]:
    return [{k: _plain(v) for k, v in row._mapping.items()} for row in connection.execute(query)]


def person_record(desk: Desk, cccd: str) -> dict[str, Any]:
    number = validate_cccd(cccd).number
    settings = desk.settings()
    with desk.read() as connection:
        dossiers = connection.execute(select(D).where(D.c.owner_id_number == number).order_by(D.c.received_at)).all()
        items = []
        for row in dossiers:
            dossier = {k: _plain(v) for k, v in row._mapping.items() if k not in ("id", "search_text")}
            dossier["status_label"] = Status(row.status).label
            dossier["documents"] = _rows(connection, select(DD.c.position, DD.c.name, DD.c.form, DD.c.quantity)
                                         .where(DD.c.dossier_id == row.id).order_by(DD.c.position))
            dossier["steps"] = _rows(connection, select(E.c.kind, E.c.status_after, E.c.actor, E.c.device_time,
                                                        E.c.payload).where(E.c.dossier_id == row.id).order_by(E.c.id))
            dossier["receipts"] = _rows(connection, select(
                R.c.number, S.c.template_symbol, S.c.series_symbol, R.c.payer_name, R.c.payer_address, R.c.fee_name,
                R.c.amount, R.c.issued_at, R.c.issued_by, R.c.status, R.c.void_reason).join(
                S, S.c.id == R.c.series_id).where(R.c.dossier_id == row.id).order_by(R.c.number))
            dossier["scans"] = _rows(connection, select(A.c.name, A.c.size, A.c.sha256, A.c.added_at)
                                     .where(A.c.dossier_id == row.id))
            items.append(dossier)
        queued = connection.execute(select(func.count()).select_from(OB).where(
            OB.c.state != "sent", OB.c.entity_id.in_([row.uid for row in dossiers]))).scalar() if dossiers else 0
    return {
        "cccd": number, "exported_at": datetime.now(UTC).isoformat(),
        "held_by": {"agency_id": settings.agency_id, "commune": settings.commune_name,
                    "office": settings.office_name, "workstation_no": settings.workstation_no},
        "purpose": "Giải quyết thủ tục hành chính tại Bộ phận Một cửa (Luật Bảo vệ dữ liệu cá nhân 2025; "
                   "NĐ 13/2023/NĐ-CP).",
        "shared_with": "Hệ thống cấp trên (hệ thống một cửa cấp tỉnh, Cổng Dịch vụ công quốc gia) qua đồng bộ.",
        "dossiers": items, "ops_waiting_to_sync": queued,
    }


@dataclass(frozen=True)
class Exported:
    path: Path
    dossiers: int
    pdf: Path | None

    @property
    def message(self) -> str:
        pdf = f" và {self.pdf}" if self.pdf else ""
        if not self.dossiers:
            return f"Không có hồ sơ nào của số CCCD này trên máy; đã ghi tệp xác nhận {self.path}{pdf}."
        return f"Đã xuất {self.dossiers} hồ sơ vào {self.path}{pdf}."


def export_person(desk: Desk, cccd: str, out: str | Path, *, pdf: str | Path | None = None) -> Exported:
    """Everything held about one citizen, as JSON (and a PDF to hand over, when asked)."""
    record = person_record(desk, cccd)
    target = Path(out)
    try:
        target.write_text(json.dumps(record, ensure_ascii=False, indent=2), encoding="utf-8")
        if os.name == "posix":
            target.chmod(0o600)
    except OSError as error:
        raise ValidationError(f"Không ghi được tệp {target} ({error.strerror}).", field="out") from None
    pdf_path = _person_pdf(record, Path(pdf)) if pdf else None
    return Exported(target, len(record["dossiers"]), pdf_path)


def _person_pdf(record: dict[str, Any], path: Path) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    from forms.fonts import SERIF, register_fonts

    register_fonts()
    body = ParagraphStyle("body", fontName=SERIF, fontSize=11, leading=14)
    title = ParagraphStyle("title", parent=body, fontName=f"{SERIF}-Bold", fontSize=13, alignment=1, spaceAfter=6)
    held = record["held_by"]
    flow = [Paragraph("DỮ LIỆU CÁ NHÂN ĐANG ĐƯỢC LƯU GIỮ", title),
            Paragraph(f"Số định danh cá nhân: {record['cccd']}", body),
            Paragraph(f"Nơi lưu giữ: {held['office']} — {held['commune']} (mã {held['agency_id']}), "
                      f"máy trạm số {held['workstation_no']}", body),
            Paragraph(f"Mục đích xử lý: {record['purpose']}", body),
            Paragraph(f"Chia sẻ với: {record['shared_with']}", body), Spacer(1, 4 * mm)]
    if not record["dossiers"]:
        flow.append(Paragraph("Không có hồ sơ nào của số định danh này.", body))
    for item in record["dossiers"]:
        received = show(datetime.fromisoformat(item["received_at"]))
        flow.append(Paragraph(f"<b>Hồ sơ {item['code']}</b> — nhận lúc {received}; {item['status_label']}", body))
        for label, key in (("Họ tên", "owner_name"), ("Ngày sinh", "owner_birth_date"), ("Giới tính", "owner_sex"),
                           ("Địa chỉ", "owner_address"), ("Điện thoại", "owner_phone"), ("Thư điện tử", "owner_email")):
            if item.get(key):
                flow.append(Paragraph(f"{label}: {item[key]}", body))
        flow.append(Paragraph(f"Giấy tờ: {len(item['documents'])}; các bước: {len(item['steps'])}; "
                              f"biên lai: {len(item['receipts'])}; bản quét: {len(item['scans'])}", body))
        flow.append(Spacer(1, 3 * mm))
    flow.append(Paragraph(f"Lập lúc {show(datetime.fromisoformat(record['exported_at']))}.", body))
    SimpleDocTemplate(str(path), pagesize=A4, leftMargin=20 * mm, rightMargin=15 * mm, topMargin=15 * mm,
                      bottomMargin=15 * mm, title="Dữ liệu cá nhân").build(flow)
    return path


# -- retention -------------------------------------------------------------------------------

CLOSED_AT = func.coalesce(D.c.returned_at, D.c.updated_at)


@dataclass(frozen=True)
class Expired:
    uid: str
    code: str
    status: Status
    closed_at: datetime
    waiting: bool  # ops not yet sent upstream: left for a later purge


def _cutoff(today: date, years: int) -> datetime:
    try:
        day = today.replace(year=today.year - years)
    except ValueError:  # 29 February
        day = today.replace(year=today.year - years, day=28)
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def expired_dossiers(desk: Desk, years: int | None = None, today: date | None = None) -> list[Expired]:
    """Closed dossiers whose personal fields are past the retention period (not yet purged)."""
    keep = desk.settings().retention_years if years is None else years
    if keep <= 0:
        return []
    day = today or to_local(desk.now()).date()
    with desk.read() as connection:
        rows = connection.execute(select(D.c.uid, D.c.code, D.c.status, CLOSED_AT.label("closed_at")).where(
            D.c.status.in_(CLOSED_CODES), CLOSED_AT < _cutoff(day, keep), D.c.owner_name != PURGED_NAME)
            .order_by(D.c.id)).all()
        # A desk that syncs purges only what went upstream whole; a desk on its own has nowhere to send.
        enrolled = bool(desk.settings().hub_url)
        waiting = set(connection.execute(select(OB.c.entity_id).where(
            OB.c.state != "sent", OB.c.entity_id.in_([r.uid for r in rows]))).scalars()) if rows and enrolled else set()
    return [Expired(r.uid, r.code, Status(r.status), r.closed_at, r.uid in waiting) for r in rows]


def redact(payload: dict[str, Any]) -> dict[str, Any]:
    """One redaction for a dossier's reception payload, its history row and its receipts' ops."""
    out = dict(payload)
    for key in PERSONAL_TEXT:
        if out.get(key):
            out[key] = PURGED_NAME if key in ("owner_name", "payer_name") else ""
    for key in PERSONAL_DATES:
        if key in out:
            out[key] = None
    return out


_EVENT_PAYLOAD = update(E).where(E.c.id == bindparam("i")).values(payload=bindparam("p"))
_OP_PAYLOAD = update(OB).where(OB.c.seq == bindparam("s")).values(payload=bindparam("p"))


def _purge_one(connection: Connection, desk: Desk, uid: str) -> None:
    row = connection.execute(select(D.c.id, D.c.code).where(D.c.uid == uid)).one()
    connection.execute(update(D).where(D.c.id == row.id).values(
        owner_name=PURGED_NAME, owner_id_number="", owner_birth_date=None, owner_sex="", owner_address="",
        owner_phone="", owner_email="", summary="", search_text=search_text(row.code, "", "", "")))
    events = connection.execute(select(E.c.id, E.c.payload).where(E.c.dossier_id == row.id)).all()
    rows = [{"i": e.id, "p": redact(e.payload)} for e in events if isinstance(e.payload, dict)]
    if rows:
        connection.execute(_EVENT_PAYLOAD, rows)
    receipts = connection.execute(select(R.c.id, R.c.uid).where(R.c.dossier_id == row.id)).all()
    connection.execute(update(R).where(R.c.dossier_id == row.id).values(payer_name=PURGED_NAME, payer_address=""))
    # The queued ops (all sent) keep their chained hash; their text loses the same fields.
    ops = connection.execute(select(OB.c.seq, OB.c.payload).where(OB.c.entity_id.in_(
        [uid, *(r.uid for r in receipts)]))).all()
    if ops:
        connection.execute(_OP_PAYLOAD, [{"s": o.seq, "p": _canonical(redact(json.loads(o.payload)))} for o in ops])
    scans = connection.execute(select(A.c.sha256).where(A.c.dossier_id == row.id)).scalars().all()
    connection.execute(update(A).where(A.c.dossier_id == row.id).values(name=""))
    for sha in scans:
        from app.services.attachments import stored_path

        stored_path(desk, sha).unlink(missing_ok=True)


def _canonical(payload: dict[str, Any]) -> str:
    from sync.canonical import canonical_json

    return canonical_json(payload)


@dataclass(frozen=True)
class Purged:
    dossiers: list[str]
    left_waiting: list[str]

    @property
    def message(self) -> str:
        later = (f" {len(self.left_waiting)} hồ sơ còn thay đổi chưa đồng bộ, sẽ xóa ở lần sau."
                 if self.left_waiting else "")
        return (f"Đã xóa dữ liệu cá nhân của {len(self.dossiers)} hồ sơ đã kết thúc quá thời hạn lưu; số liệu "
                f"thống kê được giữ nguyên.{later}")


def purge_expired(desk: Desk, years: int | None = None, today: date | None = None) -> Purged:
    """Blank the personal fields of expired closed dossiers, in one transaction with its chained record."""
    require = getattr(desk, "require", None)  # the officer's roles (issue 9, item 2): an administrator's act
    if require is not None:
        from app.core.permissions import Perm

        require(Perm.SETTINGS)
    keep = desk.settings().retention_years if years is None else years
    if keep <= 0:
        raise ValidationError("Chưa đặt thời hạn lưu dữ liệu cá nhân (số năm) trong cài đặt.", field="retention_years")
    expired = expired_dossiers(desk, keep, today)
    ready = [e for e in expired if not e.waiting]
    if ready:
        with desk.write() as connection:
            for item in ready:
                _purge_one(connection, desk, item.uid)
            cutoff = _cutoff(today or to_local(desk.now()).date(), keep)
            record_local(connection, kind="purged", content={"dossier_ids": [e.uid for e in ready],
                                                             "closed_before": cutoff.date().isoformat(),
                                                             "years": keep}, actor=desk.actor or "hệ thống",
                         at=desk.now())
    return Purged([e.code for e in ready], [e.code for e in expired if e.waiting])


def purge_count(connection: Connection) -> int:
    return connection.execute(text("SELECT count(*) FROM dossier WHERE owner_name = :n"), {"n": PURGED_NAME}).scalar()
