"""The periodic reports over the desk's SQLite file (issue 13): Biểu II.06a by lĩnh vực, the QĐ 766
indicators, fees collected, satisfaction, late dossiers — for any period.

Set-based: one grouped query per report, reading only the dossiers open at some point of the
period (the (finished_at, received_at) index), never a Python loop over rows. The SQL is a
transcription of app/core/reporting.py, which decides; tests/services/test_reports.py checks the
two agree on hand-worked and on generated dossiers. Instants are stored as naive UTC text
('YYYY-MM-DD HH:MM:SS.ffffff'), so bounds are bound as the same text and compared as strings;
the local day of an instant is date(x, '+7 hours') (Asia/Ho_Chi_Minh has no summer time).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, text

from app.core.lifecycle import Status
from app.core.permissions import Perm
from app.core.report_rules import LATENESS, rules_766
from app.core.reporting import (
    DISLIKE,
    II06A_COLUMNS,
    INDICATOR_CODES,
    Indicator,
    Period,
    Report,
    empty_row,
    late_reason,
    score_all,
)
from app.core.vocabulary import RATINGS
from app.core.wording import date_line
from app.services.clock import to_local
from app.services.desk import Desk
from app.services.settings import DeskSettings

if TYPE_CHECKING:  # the forms (ReportLab, openpyxl) load when a report is printed, not at the desk's start-up
    from forms.report_766 import ResultsData
    from forms.report_ii06a import Ii06aData

NO_RESULT = f"({int(Status.REFUSED)}, {int(Status.WITHDRAWN)}, {int(Status.STOPPED)})"


def stamp(instant: datetime) -> str:
    """An aware instant as the store writes it (naive UTC text), for comparisons in SQL."""
    return instant.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def _late(at: str) -> str:
    """SQL for app.core.reporting.is_late at instant expression `at`."""
    rescheduled = " OR reschedule_count > 0" if LATENESS["rescheduled_is_late"] else ""
    return f"({at} > due_at OR supplement_count > {int(LATENESS['max_supplement_requests'])}{rescheduled})"


# Three kinds of rows, each read through the covering index ix_dossier_report (migration 0009),
# version by version so that the grouping needs no sort: those whose processing ended in the period
# (resolved), those still open, and those that ended only after the period (open at its end). The
# three are added up per lĩnh vực in Python. What an ended dossier counts as (report_on_time,
# report_late, report_early, report_days) is kept by triggers from the same rules (migration 0009).
VERSIONS = "procedure_version_id IN (SELECT id FROM procedure_version)"
CARRIED = "(received_at < :start)"
WAITING = "(paused_since IS NOT NULL AND paused_since < :end)"
_COMMON = f"""procedure_version_id AS v, count(*) AS n, sum({CARRIED}) AS carried,
  sum(NOT {CARRIED} AND channel = 2) AS online, sum(rating = '{DISLIKE}') AS disliked,
  sum(NOT {CARRIED} AND fee_amount > 0) AS d36,
  sum(NOT {CARRIED} AND fee_amount > 0 AND online_payment IN (1, 2)) AS n36,
  sum(NOT {CARRIED} AND docs_digitised) AS n43, sum(NOT {CARRIED} AND docs_reused) AS n44"""
RESOLVED_SQL = text(f"""SELECT {_COMMON},
  sum(report_late) AS late, sum(report_early) AS early, sum(report_on_time) AS on_time_766,
  count(report_days) AS d_result, sum(report_days) AS n22,
  sum(result_digitised AND report_days IS NOT NULL) AS n41,
  sum(result_digitised AND docs_digitised AND report_days IS NOT NULL) AS n42
FROM dossier WHERE {VERSIONS} AND finished_at >= :start AND finished_at < :end AND received_at < :end
GROUP BY procedure_version_id""")


def _pending(where: str) -> Any:
    # 2.1 for an open dossier: judged at the period's end, or where its clock stopped for a supplement.
    return text(f"""SELECT {_COMMON},
  sum(NOT {WAITING} AND {_late(':end')}) AS overdue,
  sum(NOT {_late(f'CASE WHEN {WAITING} THEN paused_since ELSE :end END')}) AS on_time_766
FROM dossier WHERE {VERSIONS} AND {where} AND received_at < :end GROUP BY procedure_version_id""")


PENDING_SQL = (_pending("finished_at IS NULL"), _pending("finished_at >= :end"))
VERSION_FIELDS = text("SELECT v.id, p.field FROM procedure_version v JOIN procedure p ON p.id = v.procedure_id")
_NAMES = ("FROM dossier x JOIN procedure_version v ON v.id = x.procedure_version_id "
          "JOIN procedure p ON p.id = v.procedure_id")
_LATE_IDS = (f"SELECT id FROM dossier WHERE {VERSIONS} AND finished_at >= :start AND finished_at < :end "
             "AND received_at < :end AND report_late "
             f"UNION ALL SELECT id FROM dossier WHERE {VERSIONS} AND finished_at IS NULL AND received_at < :end "
             f"AND NOT {WAITING} AND {_late(':end')} "
             f"UNION ALL SELECT id FROM dossier WHERE {VERSIONS} AND finished_at >= :end AND received_at < :end "
             f"AND NOT {WAITING} AND {_late(':end')}")
LATE_SQL = text(f"""
SELECT x.code, x.owner_name, p.name AS procedure_name, p.field, x.received_at, x.due_at, x.finished_at AS ended,
       x.status, x.received_by, x.finished_at < :end AS resolved, x.supplement_count, x.reschedule_count,
       (SELECT e.actor FROM event e WHERE e.dossier_id = x.id
        AND e.kind IN ('finished', 'stopped', 'refused', 'withdrawn') ORDER BY e.id DESC LIMIT 1) AS ended_by
{_NAMES} WHERE x.id IN ({_LATE_IDS}) ORDER BY x.due_at
""")


def _bounds(period: Period) -> dict[str, str]:
    return {"start": stamp(period.start), "end": stamp(period.end)}


class _Counts:
    """Numerators and denominators of the indicators, added up over the grouped rows."""

    def __init__(self) -> None:
        self.num: dict[str, float] = dict.fromkeys(INDICATOR_CODES, 0.0)
        self.den: dict[str, int] = dict.fromkeys(INDICATOR_CODES, 0)

    def add(self, code: str, num: float | None, den: int | None) -> None:
        self.num[code] += num or 0
        self.den[code] += den or 0

    def of(self, r: Any, resolved: bool) -> None:
        received_now = r.n - r.carried
        self.add("2.1", r.on_time_766, r.n)
        self.add("5.4", (r.on_time_766 or 0) - (r.disliked or 0), r.n)  # 100% − (late % + disliked %)
        self.add("3.3", r.online, received_now)
        self.add("4.3", r.n43, received_now)
        self.add("4.4", r.n44, received_now)
        self.add("3.6", r.n36, r.d36)
        if resolved:
            self.add("2.2", r.n22, r.d_result)
            self.add("4.1", r.n41, r.d_result)
            self.add("4.2", r.n42, r.d_result)


def _add_row(row: dict[str, int], r: Any, resolved: bool) -> None:
    row["received_total"] += r.n
    row["carried_over"] += r.carried
    row["received_online"] += r.online
    row["received_direct"] += r.n - r.carried - r.online
    if resolved:
        row["resolved_total"] += r.n
        row["resolved_early"] += r.early
        row["resolved_late"] += r.late
        row["resolved_on_time"] += r.n - r.early - r.late
    else:
        row["pending_total"] += r.n
        row["pending_overdue"] += r.overdue
        row["pending_within"] += r.n - r.overdue


def compute(connection: Connection, period: Period) -> Report:
    """II.06a rows and totals and the indicator counts: three grouped reads, added up by lĩnh vực."""
    fields = dict(connection.execute(VERSION_FIELDS).all())
    bounds = _bounds(period)
    rows: dict[str, dict[str, int]] = {}
    counts = _Counts()
    for sql, resolved in ((RESOLVED_SQL, True), (PENDING_SQL[0], False), (PENDING_SQL[1], False)):
        for r in connection.execute(sql, bounds):
            _add_row(rows.setdefault(fields[r.v], empty_row()), r, resolved)
            counts.of(r, resolved)
    report = Report(rows=rows, counts={code: (counts.num[code], counts.den[code]) for code in INDICATOR_CODES})
    for row in rows.values():
        for key in II06A_COLUMNS:
            report.total[key] += row[key]
    return report


def ii06a(desk: Desk, period: Period) -> Report:
    with desk.read() as connection:
        return compute(connection, period)


def indicators(desk: Desk, period: Period, report: Report | None = None) -> list[Indicator]:
    """The QĐ 766 indicators in force at the period's end, with rate and points."""
    report = report or ii06a(desk, period)
    return score_all(rules_766(period.last), report.counts)


# -- fees, satisfaction, late dossiers -----------------------------------------------------------

FEES_SQL = {
    "fee": "fee_name",
    "officer": "issued_by",
    "day": "date(issued_at, '+7 hours')",
}


@dataclass(frozen=True)
class FeeLine:
    key: str  # the fee's name, the officer, or the local day (YYYY-MM-DD)
    receipts: int
    amount: int


def fees(desk: Desk, period: Period, by: str) -> list[FeeLine]:
    """Fees collected on receipts issued in the period (voided ones excluded), grouped `by` fee,
    officer or day."""
    if by not in FEES_SQL:
        raise ValueError(by)
    key = FEES_SQL[by]
    sql = text(f"SELECT {key} AS k, count(*) AS n, sum(amount) AS total FROM receipt "
               "WHERE status = 'issued' AND issued_at >= :start AND issued_at < :end GROUP BY k ORDER BY k")
    with desk.read() as connection:
        return [FeeLine(str(r.k), int(r.n), int(r.total)) for r in connection.execute(sql, _bounds(period))]


SATISFACTION_SQL = text("SELECT rating, count(*) AS n FROM dossier "
                        "WHERE returned_at >= :start AND returned_at < :end GROUP BY rating")
NOT_RATED = "Chưa đánh giá"


def satisfaction(desk: Desk, period: Period) -> dict[str, int]:
    """Ratings of the dossiers handed over in the period: each level, and those not rated yet."""
    with desk.read() as connection:
        found = {r.rating or "": int(r.n) for r in connection.execute(SATISFACTION_SQL, _bounds(period))}
    counts = {label: found.get(key, 0) for key, label in RATINGS.items()}
    counts[NOT_RATED] = found.get("", 0)
    return counts


@dataclass(frozen=True)
class LateDossier:
    code: str
    owner_name: str
    procedure_name: str
    field: str
    received_at: datetime
    due_at: datetime
    ended_at: datetime | None  # None: still in progress at the period's end
    status: Status
    received_by: str
    ended_by: str
    why: str = ""


def _instant(value: Any) -> datetime | None:
    if value is None:
        return None
    parsed = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return parsed.replace(tzinfo=UTC)


def late_dossiers(desk: Desk, period: Period) -> list[LateDossier]:
    """Resolved late in the period, or overdue at its end, with the officers who received and ended
    them (the officer of the last ending step)."""
    with desk.read() as connection:
        rows = connection.execute(LATE_SQL, _bounds(period)).all()
    out = []
    for r in rows:
        ended = _instant(r.ended)
        out.append(LateDossier(r.code, r.owner_name, r.procedure_name, r.field, _instant(r.received_at),
                               _instant(r.due_at), ended if ended and ended < period.end else None,
                               Status(r.status), r.received_by or "", r.ended_by or "",
                               late_reason(r.supplement_count, r.reschedule_count, bool(r.resolved))))
    return out


# -- everything a screen or an export shows ----------------------------------------------------


@dataclass
class FullReport:
    period: Period
    settings: DeskSettings
    report: Report
    indicators: list[Indicator]
    fees_by: dict[str, list[FeeLine]] = field(default_factory=dict)
    satisfaction: dict[str, int] = field(default_factory=dict)
    late: list[LateDossier] = field(default_factory=list)
    made_at: date | None = None


def full_report(desk: Desk, period: Period) -> FullReport:
    """Everything the screen and the papers show; only for an officer who may see reports (they
    name citizens and officers)."""
    desk.require(Perm.REPORTS)
    report = ii06a(desk, period)
    return FullReport(period, desk.settings(), report, indicators(desk, period, report),
                      {by: fees(desk, period, by) for by in FEES_SQL}, satisfaction(desk, period),
                      late_dossiers(desk, period), to_local(desk.now()).date())


# -- papers and workbooks ------------------------------------------------------------------------

RECEIVING_UNIT = "Văn phòng Ủy ban nhân dân tỉnh"
FEE_HEADINGS = {"fee": "Theo loại phí, lệ phí", "officer": "Theo cán bộ thu", "day": "Theo ngày"}


def _signing_day(full: FullReport) -> date:
    """The report is dated the day it is made, or the period's last day for a period still running."""
    made = full.made_at or full.period.last
    return made if made > full.period.last else full.period.last


def ii06a_data(full: FullReport, receiving_unit: str = RECEIVING_UNIT, preparer: str = "") -> Ii06aData:
    from forms.report_ii06a import Ii06aData

    s = full.settings
    return Ii06aData(s.agency_name or s.commune_name, receiving_unit or RECEIVING_UNIT, full.period.label,
                     date_line(s.place_name, _signing_day(full)),
                     tuple(sorted(full.report.rows.items())), dict(full.report.total), preparer)


def results_data(full: FullReport, preparer: str = "") -> ResultsData:
    from forms.page import Letterhead
    from forms.report_766 import FeeTable, IndicatorLine, LateLine, ResultsData

    s = full.settings
    head = Letterhead(s.agency_name, s.office_name, date_line(s.place_name, _signing_day(full)))
    lines = tuple(IndicatorLine(i.code, i.name, i.numerator, i.denominator, i.rate, i.threshold, i.max_points,
                                i.points, in_days=i.code == "2.2") for i in full.indicators)
    fee_tables = tuple(FeeTable(FEE_HEADINGS[by], tuple((f.key, f.receipts, f.amount) for f in found))
                       for by, found in full.fees_by.items())
    late = tuple(LateLine(d.code, d.owner_name, d.procedure_name, to_local(d.due_at),
                          to_local(d.ended_at) if d.ended_at else None, d.received_by, d.ended_by, d.why)
                 for d in full.late)
    return ResultsData(head, full.period.label, lines, fee_tables, tuple(full.satisfaction.items()), late, preparer)


def export(desk: Desk, period: Period, what: str, fmt: str, *, receiving_unit: str = RECEIVING_UNIT) -> bytes | str:
    """`what` is "ii06a" or "766"; `fmt` is "json", "xlsx" or "pdf". JSON comes back as text."""
    from forms.report_766 import render_results, results_xlsx
    from forms.report_ii06a import ii06a_xlsx, render_ii06a

    full = full_report(desk, period)
    if fmt == "json":
        return json.dumps(report_json(full, what), ensure_ascii=False, indent=2)
    if what == "ii06a":
        data = ii06a_data(full, receiving_unit, desk.actor)
        return render_ii06a(data) if fmt == "pdf" else ii06a_xlsx(data)
    results = results_data(full, desk.actor)
    return render_results(results) if fmt == "pdf" else results_xlsx(results)


def report_json(full: FullReport, what: str) -> dict[str, Any]:
    period = {"from": full.period.first.isoformat(), "to": full.period.last.isoformat()}
    if what == "ii06a":
        return {"period": period, **full.report.as_json()}
    return {"period": period, "indicators": [
        {"code": i.code, "name": i.name, "numerator": i.numerator, "denominator": i.denominator, "rate": i.rate,
         "threshold": i.threshold, "max_points": i.max_points, "points": i.points} for i in full.indicators],
        "fees": {by: [{"key": f.key, "receipts": f.receipts, "amount": f.amount} for f in lines]
                 for by, lines in full.fees_by.items()},
        "satisfaction": full.satisfaction,
        "late": [{"code": d.code, "owner": d.owner_name, "procedure": d.procedure_name, "field": d.field,
                  "due_at": d.due_at.isoformat(), "ended_at": d.ended_at.isoformat() if d.ended_at else None,
                  "received_by": d.received_by, "ended_by": d.ended_by, "why": d.why} for d in full.late]}
