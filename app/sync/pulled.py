"""Applying what the hub sends: other workstations' dossiers, steps and receipts, and the
province's reference data, a page at a time with its cursor in one transaction.

Every dossier step goes through the same step table as the services (sync/steps.py), parsed with
the same contract (sync/ops.py). A change this desk cannot apply is set aside in its own savepoint
(kept with its reason, logged, shown in the sync view) and never holds back the cursor or the
changes after it.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, bindparam, func, insert, select, text, update
from sqlalchemy.exc import SQLAlchemyError

from app.core.codes import parse_dossier_code
from app.core.errors import DeskError
from app.services.catalogue import seed_catalogue, version_in_force
from app.services.desk import Desk
from app.services.dossier_state import columns_of, state_of
from app.services.officers import apply_saved as apply_officer
from app.services.outbox import event_row
from app.services.reception import search_text
from app.services.settings import save_settings
from app.services.sync_state import apply_allotment, apply_day
from app.store.models import Dossier, DossierDocument, Outbox, PulledAside, Receipt, ReceiptSeries
from app.store.models import Event as EventRow
from app.store.prepared import Insert, Many
from sync.canonical import canonical_json
from sync.ops import HUB_CHANGES, Event, Finished, OpInvalid, ReceiptIssued, ReceiptVoided, Received, parse_payload
from sync.steps import STATE_COLUMNS, DossierState, advance, check_claim, received_state

log = logging.getLogger(__name__)
D, DD, E, OB, R, S = (Dossier.__table__, DossierDocument.__table__, EventRow.__table__, Outbox.__table__,
                      Receipt.__table__, ReceiptSeries.__table__)
AS = PulledAside.__table__
DOSSIER = select(D).where(D.c.uid == bindparam("u"))
CODE_USED = select(D.c.id).where(D.c.code == bindparam("c"))
EVENT_ID = select(E.c.id).where(E.c.uid == bindparam("e"))
HAS_PENDING = select(OB.c.seq).where(OB.c.entity_id == bindparam("u"), OB.c.state != "sent").limit(1)
INSERT_DOSSIER, INSERT_DOCUMENT, INSERT_EVENT = insert(D), insert(DD), insert(E)
# A page's rows, set-based: one executemany per table said to sqlite3 (app/store/prepared.py).
ADD_DOSSIERS, ADD_DOCUMENTS, ADD_EVENTS = Insert(D), Insert(DD), Insert(E)
# Constant statements: a first sync applies tens of thousands of changes (SQLAlchemy reuses the compiled form).
UPDATE_STATE = update(D).where(D.c.id == bindparam("did")).values(
    **{column: bindparam(column) for column in STATE_COLUMNS}, updated_at=bindparam("at"))
UPDATE_STATE_MANY = Many(UPDATE_STATE, "dossier")
# A workstation's own dossiers can come back from the hub (a replaced PC enrolled under the same
# number): the day's counter moves past them so the next reception never takes a code in use.
RAISE_COUNTER = text(
    "INSERT INTO daily_counter (day, workstation, last) VALUES (:day, :ws, :n) "
    "ON CONFLICT (day, workstation) DO UPDATE SET last = max(last, excluded.last)")
PULLED = "pulled"  # the source of the series row that holds other workstations' receipts


class SetAside(DeskError):
    code = "set_aside"


@dataclass
class PageContext:
    desk: Desk
    connection: Connection
    versions: dict[tuple[str, str], int]


def _version_id(page: PageContext, event: Received) -> int:
    key = (event.procedure_code, event.procedure_version.isoformat())
    if key not in page.versions:
        try:
            found = version_in_force(page.connection, event.procedure_code, event.procedure_version)
        except DeskError:
            raise SetAside("Máy này không có thủ tục của hồ sơ trong danh mục.", code="unknown_procedure") from None
        page.versions[key] = found.version_id
    return page.versions[key]


def _dossier_row(event: Received, version_id: int) -> dict[str, Any]:
    state = columns_of(received_state(event))
    return {
        "uid": event.dossier_id, "code": event.code, "procedure_version_id": version_id,
        "owner_name": event.owner_name, "owner_kind": event.owner_kind, "owner_id_number": event.owner_id_number,
        "owner_birth_date": event.owner_birth_date, "owner_sex": event.owner_sex,
        "owner_address": event.owner_address, "owner_phone": event.owner_phone, "owner_email": event.owner_email,
        "channel": event.channel, "return_method": event.return_method, "sets_count": event.sets_count,
        "summary": event.summary, "received_at": event.received_at, "original_due_at": event.due_at,
        "fee_amount": event.fee_amount, "fee_detail": event.fee_detail, "fee_exemption": event.fee_exemption,
        "pages": event.pages, "copies": event.copies, "workstation_no": event.workstation_no,
        "received_by": event.actor, "updated_at": event.device_time, **state,
        "online_payment": event.online_payment, "docs_digitised": int(event.docs_digitised),
        "docs_reused": int(event.docs_reused),
        "search_text": search_text(event.code, event.owner_name, event.owner_id_number, event.owner_phone),
    }


def _insert_event(connection: Connection, dossier_id: int, event: Event) -> bool:
    if connection.execute(EVENT_ID, {"e": event.event_id}).first():
        return False
    connection.execute(INSERT_EVENT, event_row(dossier_id, event, event.wire()))
    return True


def _received(page: PageContext, event: Received) -> None:
    c = page.connection
    if c.execute(DOSSIER, {"u": event.dossier_id}).first():
        return
    if c.execute(CODE_USED, {"c": event.code}).first():
        raise SetAside("Mã hồ sơ đã được dùng cho một hồ sơ khác trên máy này.", code="code_taken")
    check_claim(event, received_state(event))
    dossier_id = c.execute(INSERT_DOSSIER, _dossier_row(event, _version_id(page, event))).inserted_primary_key[0]
    code = parse_dossier_code(event.code)  # never hand out a code that now exists here
    c.execute(RAISE_COUNTER, {"day": code.day.isoformat(), "ws": code.workstation, "n": code.sequence % 1000})
    if event.documents:
        c.execute(INSERT_DOCUMENT, [{"dossier_id": dossier_id, "position": i, "name": d.name, "form": d.form,
                                     "quantity": d.quantity} for i, d in enumerate(event.documents, start=1)])
    _insert_event(c, dossier_id, event)


def _step(page: PageContext, event: Event) -> None:
    c = page.connection
    row = c.execute(DOSSIER, {"u": event.dossier_id}).first()
    if row is None:
        raise SetAside("Máy này chưa có hồ sơ của bước này.", code="unknown_dossier")
    if not _insert_event(c, row.id, event):
        return
    if c.execute(HAS_PENDING, {"u": event.dossier_id}).first() is not None:
        return  # local steps not yet accepted upstream are never overwritten; the history keeps this one
    after = advance(state_of(row), event)
    check_claim(event, after)
    c.execute(UPDATE_STATE, {"did": row.id, "at": event.device_time, **columns_of(after)})
    extra = _step_columns(event)
    if extra:
        c.execute(update(D).where(D.c.id == row.id).values(**extra))


def _pulled_series(connection: Connection, issued: ReceiptIssued) -> int:
    """Other workstations' receipts hang on one closed series row per symbol (never numbered from)."""
    found = connection.execute(select(S.c.id).where(
        S.c.template_symbol == issued.template_symbol, S.c.series_symbol == issued.series_symbol,
        S.c.source == PULLED)).scalar()
    if found is not None:
        return found
    return connection.execute(insert(S).values(
        kind="paper", template_symbol=issued.template_symbol, series_symbol=issued.series_symbol, first_number=0,
        last_number=0, next_number=1, active=False, source=PULLED, created_at=datetime.now(UTC),
    )).inserted_primary_key[0]


def _receipt_issued(page: PageContext, issued: ReceiptIssued, actor: str) -> None:
    c = page.connection
    if c.execute(select(R.c.id).where(R.c.uid == issued.receipt_id)).first():
        return
    dossier_id = None
    if issued.dossier_id:
        dossier_id = c.execute(select(D.c.id).where(D.c.uid == issued.dossier_id)).scalar()
        if dossier_id is None:
            raise SetAside("Máy này chưa có hồ sơ của biên lai này.", code="unknown_dossier")
    replaces_id = None
    if issued.replaces:
        replaces_id = c.execute(select(R.c.id).where(R.c.uid == issued.replaces)).scalar()
    c.execute(insert(R).values(
        uid=issued.receipt_id, series_id=_pulled_series(c, issued), number=issued.number, dossier_id=dossier_id,
        payer_name=issued.payer_name, payer_address=issued.payer_address, fee_name=issued.fee_name,
        amount=issued.amount, amount_words=issued.amount_words, issued_at=issued.issued_at, issued_by=actor,
        status="issued", void_reason="", voided_by="", replaces_id=replaces_id))


def _receipt_voided(page: PageContext, voided: ReceiptVoided, actor: str) -> None:
    done = page.connection.execute(update(R).where(R.c.uid == voided.receipt_id, R.c.status == "issued").values(
        status="voided", void_reason=voided.reason, voided_at=voided.voided_at, voided_by=actor))
    if done.rowcount == 0 and not page.connection.execute(select(R.c.id).where(R.c.uid == voided.receipt_id)).first():
        raise SetAside("Máy này chưa có biên lai bị hủy này.", code="unknown_receipt")


def _record(page: PageContext, change: dict[str, Any]) -> int:
    """One change of the page; returns 1 when it changed something."""
    entity, kind, payload = change["entity"], change["kind"], change["payload"]
    if entity == "allotment":
        return apply_allotment(page.connection, page.desk, payload)
    if entity == "catalogue":
        return seed_catalogue(page.connection, {"procedures": [payload]}, source="hub")
    if entity == "holiday":
        apply_day(page.connection, page.desk, payload)
        return 1
    if entity == "officer":  # an account saved on another desk, or reset at the hub
        return apply_officer(page.connection, parse_payload(kind, entity, change["entity_id"], payload))
    if kind in HUB_CHANGES:  # written by the hub itself (an e-receipt's delivery state), never by a device
        from app.services.ereceipts import apply_transmission  # the e-receipt stack loads when needed

        return apply_transmission(page.connection, payload)
    typed = parse_payload(kind, entity, change["entity_id"], payload)
    actor = str(change.get("actor") or payload.get("actor") or "")
    if isinstance(typed, Received):
        _received(page, typed)
    elif isinstance(typed, Event):
        _step(page, typed)
    elif isinstance(typed, ReceiptIssued):
        _receipt_issued(page, typed, actor)
    elif isinstance(typed, ReceiptVoided):
        _receipt_voided(page, typed, actor)
    return 1


def _set_aside(page: PageContext, change: dict[str, Any], code: str, reason: str) -> None:
    log.warning("pulled change %s (%s %s) set aside: %s", change.get("seq"), change.get("kind"),
                change.get("entity_id"), code)
    row = {"entity": str(change.get("entity", ""))[:20], "entity_id": str(change.get("entity_id", ""))[:64],
           "kind": str(change.get("kind", ""))[:40],
           "payload": canonical_json(change.get("payload") if isinstance(change.get("payload"), dict) else {})}
    known = select(AS.c.id).where(*(AS.c[k] == v for k, v in row.items())).limit(1)
    if page.connection.execute(known).first() is not None:
        return  # pulled again (a re-enrolment starts from the beginning): listed once
    page.connection.execute(insert(AS).values(seq=int(change.get("seq") or 0), code=code[:40], reason=reason,
                                              set_aside_at=datetime.now(UTC), **row))


@contextmanager
def _savepoint(connection: Connection, name: str = "pulled_change") -> Iterator[None]:
    """One change (or one batch), all or nothing, inside the page's transaction. Said to SQLite directly:
    SQLAlchemy's nested transactions cost more than the change itself on a first sync of tens of thousands."""
    connection.exec_driver_sql(f"SAVEPOINT {name}")
    try:
        yield
    except BaseException:
        connection.exec_driver_sql(f"ROLLBACK TO {name}")
        connection.exec_driver_sql(f"RELEASE {name}")
        raise
    connection.exec_driver_sql(f"RELEASE {name}")


def _step_columns(event: Event) -> dict[str, Any]:
    """Columns a step sets besides the step table's state (what the reports read of a result, issue 13)."""
    if isinstance(event, Finished):
        return {"result_digitised": int(event.result_digitised), "result_code": event.result_code}
    return {}


@dataclass
class _Known:
    """A dossier as the page has left it so far: its row id, its state, and what to write."""

    id: int
    state: DossierState
    row: dict[str, Any] | None = None  # a dossier new in this page: its whole row, written once at the end
    updated_at: datetime | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    moved: bool = False


def _in_page(column: Any) -> Any:
    """`column IN` the page's ids, given as one JSON array: a constant statement whatever the page
    holds (SQLite searches the column's index for each id)."""
    each = func.json_each(bindparam("ids")).table_valued("value")
    return column.in_(select(each.c.value))


KNOWN_DOSSIERS = select(D).where(_in_page(D.c.uid))
CODES_USED = select(D.c.code).where(_in_page(D.c.code))
EVENTS_KNOWN = select(E.c.uid).where(_in_page(E.c.uid))
PENDING_OF = select(OB.c.entity_id).where(_in_page(OB.c.entity_id), OB.c.state != "sent").distinct()
LAST_DOSSIER_ID = select(func.max(D.c.id))


class _Batch:
    """The dossier changes of a run of the page, applied set-based: what the page needs is read in
    a few queries, each change runs through the same step table in memory (refusals set aside
    exactly as the per-change path does), and the rows go in with one executemany per table."""

    def __init__(self, page: PageContext, parsed: list[tuple[dict[str, Any], Event | OpInvalid]]) -> None:
        self.page, self.parsed, c = page, parsed, page.connection
        typed_only = [typed for _, typed in parsed if isinstance(typed, Event)]
        uids = json.dumps(list({typed.dossier_id for typed in typed_only}))
        self.known: dict[str, _Known] = {row.uid: _Known(row.id, state_of(row))
                                         for row in c.execute(KNOWN_DOSSIERS, {"ids": uids})}
        codes = json.dumps(list({typed.code for typed in typed_only if isinstance(typed, Received)}))
        self.codes: set[str] = set(c.execute(CODES_USED, {"ids": codes}).scalars())
        events = json.dumps(list({typed.event_id for typed in typed_only}))
        self.events: set[str] = set(c.execute(EVENTS_KNOWN, {"ids": events}).scalars())
        self.pending: set[str] = set(c.execute(PENDING_OF, {"ids": uids}).scalars())
        self.next_id = (c.execute(LAST_DOSSIER_ID).scalar() or 0) + 1
        self.documents: list[dict[str, Any]] = []
        self.event_rows: list[dict[str, Any]] = []
        self.counters: dict[tuple[str, int], int] = {}

    def run(self) -> int:
        applied = 0
        for change, typed in self.parsed:  # in page order, set-aside rows included
            if isinstance(typed, OpInvalid):
                _set_aside(self.page, change, typed.code, typed.message)
                continue
            try:
                if isinstance(typed, Received):
                    self._received(typed)
                else:
                    self._step(typed)
                applied += 1
            except DeskError as refused:
                _set_aside(self.page, change, refused.code, refused.message)
        self._write()
        return applied

    def _event(self, dossier_id: int, event: Event) -> None:
        self.events.add(event.event_id)
        self.event_rows.append(event_row(dossier_id, event, event.wire()))

    def _received(self, event: Received) -> None:
        if event.dossier_id in self.known:
            return
        if event.code in self.codes:
            raise SetAside("Mã hồ sơ đã được dùng cho một hồ sơ khác trên máy này.", code="code_taken")
        state = received_state(event)
        check_claim(event, state)
        row = {"id": self.next_id, **_dossier_row(event, _version_id(self.page, event))}
        self.known[event.dossier_id] = _Known(self.next_id, state, row=row, updated_at=event.device_time)
        self.next_id += 1
        self.codes.add(event.code)
        code = parse_dossier_code(event.code)  # never hand out a code that now exists here
        key = (code.day.isoformat(), code.workstation)
        self.counters[key] = max(self.counters.get(key, 0), code.sequence % 1000)
        self.documents.extend({"dossier_id": row["id"], "position": i, "name": d.name, "form": d.form,
                               "quantity": d.quantity} for i, d in enumerate(event.documents, start=1))
        if event.event_id not in self.events:
            self._event(row["id"], event)

    def _step(self, event: Event) -> None:
        known = self.known.get(event.dossier_id)
        if known is None:
            raise SetAside("Máy này chưa có hồ sơ của bước này.", code="unknown_dossier")
        if event.event_id in self.events:
            return
        if event.dossier_id in self.pending:
            self._event(known.id, event)
            return  # local steps not yet accepted upstream are never overwritten; the history keeps this one
        after = advance(known.state, event)
        check_claim(event, after)  # refused before anything is staged: nothing of it is written
        self._event(known.id, event)
        known.state, known.updated_at, known.moved = after, event.device_time, True
        known.extra.update(_step_columns(event))

    def _write(self) -> None:
        c = self.page.connection
        ADD_DOSSIERS.many(c, [{**k.row, **columns_of(k.state), "updated_at": k.updated_at, **k.extra}
                              for k in self.known.values() if k.row is not None])
        ADD_DOCUMENTS.many(c, self.documents)
        ADD_EVENTS.many(c, self.event_rows)
        if self.counters:
            c.execute(RAISE_COUNTER, [{"day": day, "ws": ws, "n": n} for (day, ws), n in self.counters.items()])
        moved = [k for k in self.known.values() if k.row is None and k.moved]
        if moved:
            UPDATE_STATE_MANY.many(c, [{"did": k.id, "at": k.updated_at, **columns_of(k.state)} for k in moved])
        for rows in _grouped([{"did": k.id, **k.extra} for k in moved if k.extra]):
            c.execute(update(D).where(D.c.id == bindparam("did")).values(
                {name: bindparam(name) for name in rows[0] if name != "did"}), rows)


def _grouped(rows: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Rows with the same columns together: one executemany each."""
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(tuple(row), []).append(row)
    return list(groups.values())


def _apply_one(page: PageContext, change: dict[str, Any]) -> int:
    """One change in its own savepoint; what cannot be applied is set aside with its reason."""
    try:
        with _savepoint(page.connection):
            return _record(page, change)
    except OpInvalid as invalid:
        _set_aside(page, change, invalid.code, invalid.message)
    except DeskError as refused:
        _set_aside(page, change, refused.code, refused.message)
    except (SQLAlchemyError, KeyError, TypeError, ValueError) as error:
        log.exception("pulled change %s could not be applied", change.get("seq"))
        _set_aside(page, change, "unexpected", f"Lỗi không mong đợi: {type(error).__name__}")
    return 0


def _apply_run(page: PageContext, run: list[dict[str, Any]]) -> int:
    """A run of dossier changes: set-based in one savepoint; if that fails for any reason the
    per-change path applies the run again, each change in its own savepoint."""
    if not run:
        return 0
    try:
        with _savepoint(page.connection, "pulled_batch"):
            parsed: list[tuple[dict[str, Any], Event | OpInvalid]] = []
            for change in run:
                try:
                    typed = parse_payload(change["kind"], change["entity"], change["entity_id"], change["payload"])
                except OpInvalid as invalid:
                    parsed.append((change, invalid))
                    continue
                if not isinstance(typed, Event):
                    raise TypeError(f"not a dossier step: {change['kind']}")
                parsed.append((change, typed))
            return _Batch(page, parsed).run()
    except Exception as error:  # any failure at all: the careful path below decides change by change
        log.warning("pulled page: set-based apply failed (%s), applying change by change", type(error).__name__)
        return sum(_apply_one(page, change) for change in run)


def apply_pulled(desk: Desk, changes: list[dict[str, Any]], next_cursor: int) -> int:
    """One page of others' changes and the new cursor, in one transaction: the cursor is never
    ahead of what was applied or set aside. Returns how many changes were applied.

    Runs of dossier changes (nearly all of a first sync) go set-based (`_Batch`); everything else,
    and any run whose batch fails, goes change by change, each in its own savepoint, in page order."""
    applied = 0
    with desk.write() as connection:
        page = PageContext(desk, connection, {})
        run: list[dict[str, Any]] = []
        for change in changes:
            if change.get("entity") == "dossier" and change.get("kind") not in HUB_CHANGES:
                run.append(change)
                continue
            applied += _apply_run(page, run)
            run = []
            applied += _apply_one(page, change)
        applied += _apply_run(page, run)
        save_settings(connection, sync_cursor=next_cursor)
    if all(change.get("entity") == "dossier" for change in changes):
        desk.cursor_saved(next_cursor)  # dossiers are not in the snapshot: only its cursor moved
    else:
        desk.forget_cached()
    return applied


def set_aside(desk: Desk) -> list[dict[str, Any]]:
    """What this desk could not apply, newest first, for the sync view."""
    with desk.read() as connection:
        rows = connection.execute(select(AS).order_by(AS.c.id.desc()).limit(500)).all()
    return [{**r._mapping, "payload": json.loads(r.payload)} for r in rows]

