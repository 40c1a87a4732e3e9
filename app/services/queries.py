"""Reading the desk's data: search, lists, one dossier's detail, sync counts."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import Connection, func, select, text

from app.core.errors import NotFoundError
from app.core.lifecycle import DeadlineState, Status, deadline_state
from app.core.text import fold
from app.services.catalogue import version_by_id
from app.services.clock import from_local, to_local
from app.services.desk import Desk
from app.services.outbox import pending_count
from app.store.models import Dossier, DossierDocument, Event, Procedure, ProcedureVersion, Receipt, ReceiptSeries

D, DD, E, P, PV = (Dossier.__table__, DossierDocument.__table__, Event.__table__, Procedure.__table__,
                   ProcedureVersion.__table__)
R, S = Receipt.__table__, ReceiptSeries.__table__
_TOKEN = re.compile(r"[0-9a-z]+")
LIST_COLUMNS = (D.c.id, D.c.uid, D.c.code, D.c.owner_name, D.c.received_at, D.c.due_at, D.c.status,
                D.c.workstation_no, P.c.name.label("procedure_name"), P.c.field)


@dataclass(frozen=True)
class DossierRow:
    id: int
    uid: str
    code: str
    owner_name: str
    procedure_name: str
    field: str
    received_at: datetime
    due_at: datetime
    status: Status
    deadline: DeadlineState | None
    workstation_no: int


def scanned_code(query: str) -> str:
    """A paper's QR scanned into the search box (forms/qr.py's MCQR1 line) becomes its dossier code."""
    text = query.strip()
    if text.startswith("MCQR1|"):
        for part in text.split("|")[1:]:
            if part.startswith("HS="):
                return part[3:]
    return query


def fts_query(query: str) -> str | None:
    """"nguyen van đ" -> '"nguyen"* AND "van"* AND "d"*' (folded, each word a prefix)."""
    tokens = _TOKEN.findall(fold(query))
    if not tokens:
        return None
    return " AND ".join(f'"{t}"*' for t in tokens)


def _to_rows(desk: Desk, rows: list[Any]) -> list[DossierRow]:
    now, warn_until = thresholds(desk)
    return [DossierRow(r.id, r.uid, r.code, r.owner_name, r.procedure_name, r.field, r.received_at, r.due_at,
                       Status(r.status), deadline_state(Status(r.status), r.due_at, now, warn_until), r.workstation_no)
            for r in rows]


def _joined() -> Any:
    return select(*LIST_COLUMNS).join(PV, PV.c.id == D.c.procedure_version_id).join(P, P.c.id == PV.c.procedure_id)


def search_dossiers(desk: Desk, query: str, *, limit: int = 50, before_id: int | None = None) -> list[DossierRow]:
    """Newest first; diacritics and đ folded, every word a prefix: "nguyen van duc" finds "Nguyễn Văn Đức"."""
    match = fts_query(scanned_code(query))
    if match is None:
        return list_dossiers(desk, limit=limit)
    with desk.read() as connection:
        ids = connection.execute(
            text("SELECT rowid FROM dossier_fts WHERE dossier_fts MATCH :q AND rowid < :before "
                 "ORDER BY rowid DESC LIMIT :n"),
            {"q": match, "n": limit, "before": before_id if before_id is not None else 2**62},
        ).scalars().all()
        if not ids:
            return []
        rows = connection.execute(_joined().where(D.c.id.in_(ids)).order_by(D.c.id.desc())).all()
    return _to_rows(desk, rows)


@dataclass(frozen=True)
class ListFilter:
    query: str = ""
    statuses: tuple[int, ...] = ()
    field: str = ""
    deadline: str = ""  # "" | "due_soon" | "overdue"
    received_from: date | None = None  # local dates, inclusive
    received_to: date | None = None
    workstation: int = 0  # 0: every workstation

    @property
    def is_default(self) -> bool:
        return self == ListFilter()


def thresholds(desk: Desk) -> tuple[datetime, datetime]:
    """Now, and the instant up to which a due time counts as "sắp đến hạn": the one rule for the list,
    the dossier's own view and the queries, from the setting `deadline_warning_days`."""
    now = desk.now()
    calendar = desk.calendar()
    warn = calendar.day_length * desk.settings().deadline_warning_days
    return now, from_local(calendar.warning_threshold(to_local(now), warn))


def _filtered(desk: Desk, flt: ListFilter) -> Any:
    query = _joined()
    if flt.statuses:
        query = query.where(D.c.status.in_(flt.statuses))
    if flt.field:
        query = query.where(P.c.field == flt.field)
    if flt.workstation:
        query = query.where(D.c.workstation_no == flt.workstation)
    if flt.received_from:
        query = query.where(D.c.received_at >= from_local(datetime.combine(flt.received_from, time.min)))
    if flt.received_to:
        query = query.where(D.c.received_at <= from_local(datetime.combine(flt.received_to, time.max)))
    if flt.deadline:
        now, warn_until = thresholds(desk)
        query = query.where(D.c.status.in_([int(s) for s in RUNNING]))
        query = query.where(D.c.due_at < now) if flt.deadline == "overdue" else query.where(
            D.c.due_at >= now, D.c.due_at <= warn_until)
    match = fts_query(flt.query)
    if match is not None:
        query = query.where(D.c.id.in_(text("SELECT rowid FROM dossier_fts WHERE dossier_fts MATCH :q")
                                       .bindparams(q=match)))
    return query


RUNNING = (Status.NEW, Status.RECEIVED, Status.PROCESSING, Status.PAYMENT)


def urgent_dossiers(desk: Desk, *, limit: int = 500) -> list[DossierRow]:
    """Open dossiers due within the warning window or already late, the most pressing first."""
    _, warn_until = thresholds(desk)
    query = (_joined().where(D.c.status.in_([int(s) for s in RUNNING]), D.c.due_at <= warn_until)
             .order_by(D.c.due_at, D.c.id).limit(limit))
    with desk.read() as connection:
        rows = connection.execute(query).all()
    return _to_rows(desk, rows)


def list_page(desk: Desk, flt: ListFilter, *, before_id: int | None = None, limit: int = 200) -> list[DossierRow]:
    """One page, newest first; pass the last row's id as `before_id` for the next page (keyset
    paging: a deep page costs what the first one does)."""
    if flt.query and flt == ListFilter(query=flt.query):
        return search_dossiers(desk, flt.query, limit=limit, before_id=before_id)
    query = _filtered(desk, flt)
    if before_id is not None:
        query = query.where(D.c.id < before_id)
    with desk.read() as connection:
        rows = connection.execute(query.order_by(D.c.id.desc()).limit(limit)).all()
    return _to_rows(desk, rows)


def list_dossiers(
    desk: Desk, *, statuses: list[int] | None = None, offset: int = 0, limit: int = 100
) -> list[DossierRow]:
    query = _joined()
    if statuses:
        query = query.where(D.c.status.in_(statuses))
    with desk.read() as connection:
        rows = connection.execute(query.order_by(D.c.id.desc()).offset(offset).limit(limit)).all()
    return _to_rows(desk, rows)


def fields(desk: Desk) -> list[str]:
    with desk.read() as connection:
        return list(connection.execute(select(P.c.field).distinct().order_by(P.c.field)).scalars())


def count_dossiers(desk: Desk) -> int:
    with desk.read() as connection:
        return connection.execute(select(func.count()).select_from(D)).scalar_one()


def _receipts(connection: Connection, dossier_id: int) -> list[dict[str, Any]]:
    rows = connection.execute(
        select(R, S.c.template_symbol, S.c.series_symbol).join(S, S.c.id == R.c.series_id)
        .where(R.c.dossier_id == dossier_id).order_by(R.c.id)
    ).all()
    return [dict(r._mapping) for r in rows]


def dossier_detail(desk: Desk, uid_or_code: str) -> dict[str, Any]:
    with desk.read() as connection:
        row = connection.execute(select(D).where((D.c.uid == uid_or_code) | (D.c.code == uid_or_code))).first()
        if row is None:
            raise NotFoundError("Không tìm thấy hồ sơ.", field="dossier")
        procedure = version_by_id(connection, row.procedure_version_id)
        documents = [dict(r._mapping) for r in connection.execute(
            select(DD).where(DD.c.dossier_id == row.id).order_by(DD.c.position))]
        events = [dict(r._mapping) for r in connection.execute(
            select(E).where(E.c.dossier_id == row.id).order_by(E.c.id))]
        receipts = _receipts(connection, row.id)
    return {"dossier": dict(row._mapping), "procedure": procedure, "documents": documents, "events": events,
            "receipts": receipts}


def sync_counts(desk: Desk) -> dict[str, int]:
    with desk.read() as connection:
        return pending_count(connection)
