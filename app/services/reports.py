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
from app.core.report_rules import LATENESS, rules_766
from app.core.reporting import II06A_COLUMNS, Indicator, Period, Report, late_reason, score_all
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


# The dossiers of a period with their end of processing (`ended`), lĩnh vực and classification.
# Two index ranges instead of an OR, so SQLite reads (finished_at IS NULL) and (finished_at >= start).
_COLUMNS = ("x.id, p.field AS field, x.channel, x.received_at, x.due_at, x.original_due_at, x.status, "
            "COALESCE(x.finished_at, x.returned_at) AS ended, x.paused_since, x.supplement_count, "
            "x.reschedule_count, x.online_payment, x.fee_amount, x.docs_digitised, x.result_digitised, "
            "x.docs_reused, x.rating, x.code, x.owner_name, x.received_by, p.name AS procedure_name")
_FROM = ("FROM dossier x JOIN procedure_version v ON v.id = x.procedure_version_id "
         "JOIN procedure p ON p.id = v.procedure_id")
_SCOPE = (f"SELECT {_COLUMNS} {_FROM} WHERE x.finished_at IS NULL AND x.received_at < :end "
          f"UNION ALL SELECT {_COLUMNS} {_FROM} WHERE x.finished_at >= :start AND x.received_at < :end")
_CLASSIFIED = f"""
SELECT *,
  received_at < :start AS carried,
  ended IS NOT NULL AND ended < :end AS resolved,
  status NOT IN {NO_RESULT} AS has_result,
  paused_since IS NOT NULL AND paused_since < :end AND (ended IS NULL OR ended >= :end) AS waiting
FROM ({_SCOPE}) WHERE ended IS NULL OR ended >= :start
"""
_KIND = f"""
CASE WHEN NOT resolved THEN NULL
     WHEN NOT has_result THEN 'on_time'
     WHEN {_late('ended')} THEN 'late'
     WHEN date(ended, '+7 hours') < date(due_at, '+7 hours') THEN 'early'
     ELSE 'on_time' END AS kind,
NOT resolved AND NOT waiting AND {_late(':end')} AS overdue,
NOT {_late('''CASE WHEN resolved THEN ended
                   WHEN paused_since IS NOT NULL AND paused_since < :end THEN paused_since
                   ELSE :end END''')} AS on_time_766
"""
_ROWS = f"SELECT *, {_KIND} FROM ({_CLASSIFIED})"

II06A_SQL = text(f"""
SELECT field,
  count(*) AS received_total,
  sum(NOT carried AND channel = 2) AS received_online,
  sum(NOT carried AND channel <> 2) AS received_direct,
  sum(carried) AS carried_over,
  sum(resolved) AS resolved_total,
  sum(kind = 'early') AS resolved_early,
  sum(kind = 'on_time') AS resolved_on_time,
  sum(kind = 'late') AS resolved_late,
  sum(NOT resolved) AS pending_total,
  sum(NOT resolved AND NOT overdue) AS pending_within,
  sum(overdue) AS pending_overdue,
  sum(on_time_766) AS n21,
  sum(1 - (NOT on_time_766) - (rating = 'khong_hai_long')) AS n54,
  sum(NOT carried) AS d_received,
  sum(NOT carried AND channel = 2) AS n33,
  sum(NOT carried AND fee_amount > 0) AS d36,
  sum(NOT carried AND fee_amount > 0 AND online_payment IN (1, 2)) AS n36,
  sum(NOT carried AND docs_digitised) AS n43,
  sum(NOT carried AND docs_reused) AS n44,
  sum(resolved AND has_result) AS d_result,
  sum(CASE WHEN resolved AND has_result THEN max(julianday(ended) - julianday(received_at)
      - CASE WHEN reschedule_count = 0 AND original_due_at IS NOT NULL
             THEN max(julianday(due_at) - julianday(original_due_at), 0) ELSE 0 END, 0) END) AS n22,
  sum(resolved AND has_result AND result_digitised) AS n41,
  sum(resolved AND has_result AND result_digitised AND docs_digitised) AS n42
FROM ({_ROWS}) GROUP BY field ORDER BY field
""")

LATE_SQL = text(f"""
SELECT r.code, r.owner_name, r.procedure_name, r.field, r.received_at, r.due_at, r.ended, r.status,
       r.received_by, r.resolved, r.supplement_count, r.reschedule_count,
       (SELECT e.actor FROM event e WHERE e.dossier_id = r.id
        AND e.kind IN ('finished', 'stopped', 'refused', 'withdrawn') ORDER BY e.id DESC LIMIT 1) AS ended_by
FROM ({_ROWS}) r WHERE r.kind = 'late' OR r.overdue ORDER BY r.due_at
""")


def _bounds(period: Period) -> dict[str, str]:
    return {"start": stamp(period.start), "end": stamp(period.end)}


def _counts(rows: list[Any]) -> dict[str, tuple[float, int]]:
    def total(key: str) -> float:
        return sum(getattr(row, key) or 0 for row in rows)

    processed, received, result = int(total("received_total")), int(total("d_received")), int(total("d_result"))
    return {"2.1": (total("n21"), processed), "5.4": (total("n54"), processed), "3.3": (total("n33"), received),
            "4.3": (total("n43"), received), "4.4": (total("n44"), received), "3.6": (total("n36"), int(total("d36"))),
            "2.2": (total("n22"), result), "4.1": (total("n41"), result), "4.2": (total("n42"), result)}


def compute(connection: Connection, period: Period) -> Report:
    """II.06a rows and totals, and the indicator counts, in one grouped query."""
    rows = connection.execute(II06A_SQL, _bounds(period)).all()
    report = Report(counts=_counts(rows))
    for row in rows:
        values = {key: int(getattr(row, key) or 0) for key in II06A_COLUMNS}
        report.rows[row.field] = values
        for key in II06A_COLUMNS:
            report.total[key] += values[key]
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
