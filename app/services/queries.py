"""Reading the desk's data: search, lists, one dossier's detail, sync counts."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
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


def fts_query(query: str) -> str | None:
    """"nguyen van đ" -> '"nguyen"* AND "van"* AND "d"*' (folded, each word a prefix)."""
    tokens = _TOKEN.findall(fold(query))
    if not tokens:
        return None
    return " AND ".join(f'"{t}"*' for t in tokens)


def _to_rows(desk: Desk, rows: list[Any]) -> list[DossierRow]:
    now = desk.now()
    calendar = desk.calendar()
    warn = calendar.day_length * desk.settings().deadline_warning_days
    warn_until = from_local(calendar.warning_threshold(to_local(now), warn))
    return [DossierRow(r.uid, r.code, r.owner_name, r.procedure_name, r.field, r.received_at, r.due_at,
                       Status(r.status), deadline_state(Status(r.status), r.due_at, now, warn_until), r.workstation_no)
            for r in rows]


def _joined() -> Any:
    return select(*LIST_COLUMNS).join(PV, PV.c.id == D.c.procedure_version_id).join(P, P.c.id == PV.c.procedure_id)


def search_dossiers(desk: Desk, query: str, *, limit: int = 50) -> list[DossierRow]:
    """Newest first; diacritics and đ folded, every word a prefix: "nguyen van duc" finds "Nguyễn Văn Đức"."""
    match = fts_query(query)
    if match is None:
        return list_dossiers(desk, limit=limit)
    with desk.read() as connection:
        ids = connection.execute(
            text("SELECT rowid FROM dossier_fts WHERE dossier_fts MATCH :q ORDER BY rowid DESC LIMIT :n"),
            {"q": match, "n": limit},
        ).scalars().all()
        if not ids:
            return []
        rows = connection.execute(_joined().where(D.c.id.in_(ids)).order_by(D.c.id.desc())).all()
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
