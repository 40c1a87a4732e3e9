"""Biểu II.06a and the QĐ 766 indicators for the province's communes, aggregated in SQL.

Every CASE below is app/core/reporting.py's rule written over the hub's report columns
(sync/hub/report_facts.py); tests/sync/test_province_report.py checks the two against each other on
random dossiers, so a change of the rule that is not mirrored here fails there. Instants are epoch
seconds: the same comparisons and subtractions on SQLite and PostgreSQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, and_, case, func, literal, or_, select

from app.core.reporting import DISLIKE, II06A_COLUMNS, Period, Report
from sync.hub.models import Agency, Dossier

D = Dossier.__table__
ONLINE = 2
# What the aggregation reads. On PostgreSQL two covering indexes hold these columns and uid
# (migration h008), so a period's dossiers come from index-only scans, never from the wide rows.
READ = ("agency_id", "r_field", "r_channel", "r_received", "r_original_due", "r_fee", "r_online_payment",
        "r_docs_digitised", "r_docs_reused", "r_result_digitised", "r_due", "r_due_day", "r_end", "r_result",
        "r_paused", "r_late", "reschedule_count", "rating")


@dataclass(frozen=True)
class Bounds:
    start: float
    end: float


def _bounds(period: Period) -> Bounds:
    return Bounds(period.start.timestamp(), period.end.timestamp())


def _flag(condition: Any) -> Any:
    return case((condition, 1), else_=0)


def _late_at(t: Any, at: Any) -> Any:
    """app.core.reporting.is_late at instant `at` (a column or a literal); `t` holds the columns."""
    return or_(at > t.r_due, t.r_late == 1)


def _columns(t: Any, b: Bounds) -> dict[str, Any]:
    """name -> a 0/1 expression per dossier of the period (ii06a_columns)."""
    carried = t.r_received < b.start
    resolved = and_(t.r_end.is_not(None), t.r_end < b.end)
    waiting = and_(t.r_paused.is_not(None), t.r_paused < b.end, t.r_end.is_(None))
    overdue = and_(~resolved, ~waiting, _late_at(t, literal(b.end)))
    with_result = t.r_result == 1
    late = and_(resolved, with_result, _late_at(t, t.r_end))
    early = and_(resolved, with_result, ~_late_at(t, t.r_end), t.r_end < t.r_due_day)
    return {
        "received_total": literal(1),
        "received_online": _flag(and_(~carried, t.r_channel == ONLINE)),
        "received_direct": _flag(and_(~carried, t.r_channel != ONLINE)),
        "carried_over": _flag(carried),
        "resolved_total": _flag(resolved),
        "resolved_early": _flag(early),
        "resolved_on_time": _flag(and_(resolved, ~late, ~early)),
        "resolved_late": _flag(late),
        "pending_total": _flag(~resolved),
        "pending_within": _flag(and_(~resolved, ~overdue)),
        "pending_overdue": _flag(overdue),
    }


def _indicators(t: Any, b: Bounds) -> dict[str, tuple[Any, Any]]:
    """code -> (numerator, denominator) per dossier of the period (indicator_contributions)."""
    open_end = case((and_(t.r_paused.is_not(None), t.r_paused < b.end), t.r_paused), else_=literal(b.end))
    end = case((and_(t.r_end.is_not(None), t.r_end < b.end), t.r_end), else_=open_end)
    late = _flag(_late_at(t, end))
    received_now = t.r_received >= b.start
    result_in = and_(t.r_result == 1, t.r_end.is_not(None), t.r_end < b.end)
    waited = case((and_(t.r_original_due.is_not(None), t.reschedule_count == 0, t.r_due > t.r_original_due),
                   t.r_due - t.r_original_due), else_=0.0)
    spent = t.r_end - t.r_received - waited
    days = case((spent > 0, spent), else_=0.0) / 86400.0
    return {
        "2.1": (1 - late, literal(1)),
        "5.4": (1 - late - _flag(t.rating == DISLIKE), literal(1)),
        "3.3": (_flag(and_(received_now, t.r_channel == ONLINE)), _flag(received_now)),
        "4.3": (case((received_now, t.r_docs_digitised), else_=0), _flag(received_now)),
        "4.4": (case((received_now, t.r_docs_reused), else_=0), _flag(received_now)),
        "3.6": (_flag(and_(received_now, t.r_fee > 0, t.r_online_payment.in_((1, 2)))),
                _flag(and_(received_now, t.r_fee > 0))),
        "2.2": (case((result_in, days), else_=0.0), _flag(result_in)),
        "4.1": (case((result_in, t.r_result_digitised), else_=0), _flag(result_in)),
        "4.2": (_flag(and_(result_in, t.r_docs_digitised == 1, t.r_result_digitised == 1)), _flag(result_in)),
    }


INDICATORS = tuple(_indicators(D.c, Bounds(0.0, 0.0)))


def _in_period(b: Bounds) -> Any:
    """in_period: received before the period's end, not ended before its start."""
    return and_(D.c.r_received < b.end, or_(D.c.r_end.is_(None), D.c.r_end >= b.start))


def _period_rows(b: Bounds) -> Any:
    """The dossiers `_in_period` keeps, as two index-friendly halves — ended since the period's
    start, and not ended — because an OR of the two makes the database read the rows themselves."""
    columns = [D.c[name] for name in READ]
    ended = select(*columns).where(D.c.r_end >= b.start, D.c.r_received < b.end)
    still_open = select(*columns).where(D.c.r_end.is_(None), D.c.r_received < b.end)
    return ended.union_all(still_open).subquery("p")


def _sums(t: Any, b: Bounds) -> list[Any]:
    ii06a = [func.sum(expr).label(name) for name, expr in _columns(t, b).items()]
    indicators = [item for code, (num, den) in _indicators(t, b).items()
                  for item in (func.sum(num).label(f"n{code}"), func.sum(den).label(f"d{code}"))]
    return ii06a + indicators


def _no_jit(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        # a few dozen CASE expressions: compiling them costs more than it saves here
        connection.exec_driver_sql("SET LOCAL jit = off")


def _by_agency(rows: list[Any]) -> dict[str, Report]:
    reports: dict[str, Report] = {}
    for row in rows:
        m = row._mapping
        report = reports.setdefault(m["agency_id"], Report())
        cols = {name: int(m[name] or 0) for name in II06A_COLUMNS}
        report.rows[m["field"] or ""] = cols
        for name in II06A_COLUMNS:
            report.total[name] += cols[name]
        for code in INDICATORS:
            num, den = report.counts.get(code, (0.0, 0))
            report.counts[code] = (num + float(m[f"n{code}"] or 0), den + int(m[f"d{code}"] or 0))
    return reports


def by_commune(connection: Connection, period: Period) -> dict[str, Report]:
    """agency id -> its Report (II.06a rows by lĩnh vực, total, indicator counts), for every commune
    with a dossier in the period."""
    b = _bounds(period)
    p = _period_rows(b)
    _no_jit(connection)
    rows = connection.execute(select(p.c.agency_id, p.c.r_field.label("field"), *_sums(p.c, b))
                              .group_by(p.c.agency_id, p.c.r_field)).all()
    return _by_agency(rows)


def commune_names(connection: Connection) -> dict[str, str]:
    return dict(connection.execute(select(Agency.id, Agency.name).order_by(Agency.id)).all())


@dataclass(frozen=True)
class LateDossier:
    agency_id: str
    code: str
    procedure_code: str
    field: str
    due: float
    end: float | None
    officer: str


def late_dossiers(connection: Connection, period: Period, limit: int = 200) -> list[LateDossier]:
    """Dossiers late in the period (resolved late, or open and overdue at its end), most overdue first:
    found on the covering indexes, then only those rows read for their code and officer."""
    b = _bounds(period)
    _no_jit(connection)
    halves = []
    for where in (and_(D.c.r_end >= b.start, D.c.r_received < b.end),
                  and_(D.c.r_end.is_(None), D.c.r_received < b.end)):
        cols = _columns(D.c, b)
        halves.append(select(D.c.uid, D.c.r_due).where(where, or_(cols["resolved_late"] == 1,
                                                                   cols["pending_overdue"] == 1)))
    late = halves[0].union_all(halves[1]).subquery("l")
    first = select(late.c.uid).order_by(late.c.r_due, late.c.uid).limit(limit).subquery("f")
    rows = connection.execute(
        select(D.c.agency_id, D.c.code, D.c.procedure_code, D.c.r_field, D.c.r_due, D.c.r_end,
               D.c.snapshot["actor"].as_string().label("officer"))
        .join(first, first.c.uid == D.c.uid).order_by(D.c.r_due, D.c.uid)).all()
    return [LateDossier(r.agency_id, r.code, r.procedure_code, r.r_field or "", r.r_due, r.r_end, r.officer or "")
            for r in rows]
