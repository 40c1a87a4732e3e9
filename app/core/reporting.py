"""The periodic report's rules, pure: which columns of Biểu II.06a (TT 01/2020/TT-VPCP) a dossier
counts in for a period, and what it adds to each QĐ 766/QĐ-TTg indicator (shared/domain.md §13.3).

No SQL and no Qt: the desk's set-based queries (app/services/reports.py) and the hub's province
page both follow these functions, and tests check the SQL against them. Usage:

    period = Period.of_days(date(2026, 7, 1), date(2026, 9, 30))
    facts = DossierFacts(field="Hộ tịch", channel=1, received_at=..., due_at=..., status=10, finished_at=...)
    ii06a_columns(facts, period)      # {"received_total": 1, "received_direct": 1, "resolved_total": 1, ...}
    report = aggregate([facts, ...], period)   # II06a rows by lĩnh vực + total, indicator counts
    score(rules["indicators"][0], numerator, denominator)

Definitions (one place; the SQL mirrors them):
- A period is the half-open interval [start, end) of aware instants; `Period.of_days` makes it from
  local (Asia/Ho_Chi_Minh) days, both inclusive.
- End of processing = the first present of finished_at > returned_at > ended_at (stopped, refused
  or withdrawn). The desk stores one `finished_at` column for all ends and tells them apart by
  status: `DossierFacts.from_desk` splits it.
- A dossier appears in a period's II.06a when it was received before the period's end and its
  processing had not ended before the period's start. Received before the start: carried over (6);
  else online (4) when channel is 2, in person or by post (5) otherwise.
- Resolved (7) when processing ended inside the period. Stopped, refused and withdrawn dossiers
  count on time (9) (footnote: "on time includes returned or withdrawn dossiers"). Others are late
  (10) by `is_late`, else early (8) when the end falls on a local day before the due day, else on
  time (9).
- In progress (11) otherwise: within the deadline (12) when waiting for a supplement at the
  period's end (footnote) or not late by `is_late` at that moment; overdue (13) otherwise.
- `is_late(facts, at)`: at > due (the due time already moves by the working time waited for a
  supplement), or more supplement requests than LATENESS allows, or an apology with a new date
  was issued (LATENESS["rescheduled_is_late"]).
- Known approximation: the desk keeps a dossier's current state, not its state at every past
  instant, so a past period uses today's due time and supplement count. Periods still add up.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from app.core.lifecycle import Status
from app.core.report_rules import LATENESS

VN = ZoneInfo("Asia/Ho_Chi_Minh")

II06A_COLUMNS = ("received_total", "received_online", "received_direct", "carried_over",
                 "resolved_total", "resolved_early", "resolved_on_time", "resolved_late",
                 "pending_total", "pending_within", "pending_overdue")
# The form's own column numbers (1) TT and (2) Lĩnh vực come first.
II06A_NUMBERS = dict(zip(II06A_COLUMNS, range(3, 14), strict=True))
INDICATOR_CODES = ("2.1", "2.2", "3.3", "3.6", "4.1", "4.2", "4.3", "4.4", "5.4")
ENDED_WITHOUT_RESULT = frozenset({Status.REFUSED, Status.WITHDRAWN, Status.STOPPED})
DISLIKE = "khong_hai_long"


# -- periods ------------------------------------------------------------------------------------


class PeriodError(ValueError):
    """A period that cannot be: the message is Vietnamese, for the official."""


@dataclass(frozen=True)
class Period:
    """[start, end) in aware instants; `first`/`last` are the local days it covers (inclusive)."""

    first: date
    last: date

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise PeriodError("Ngày cuối kỳ phải sau hoặc bằng ngày đầu kỳ.")

    @staticmethod
    def of_days(first: date, last: date) -> Period:
        return Period(first, last)

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first, time.min, VN)

    @property
    def end(self) -> datetime:
        return datetime.combine(self.last + timedelta(days=1), time.min, VN)

    @property
    def label(self) -> str:
        return f"Từ ngày {self.first:%d/%m/%Y} đến ngày {self.last:%d/%m/%Y}"

    def split(self, day: date) -> tuple[Period, Period]:
        """Two adjacent periods: up to the day before `day`, and from `day` on."""
        return Period(self.first, day - timedelta(days=1)), Period(day, self.last)


def _month_end(year: int, month: int) -> date:
    return (date(year + month // 12, month % 12 + 1, 1)) - timedelta(days=1)


def month(year: int, month_no: int) -> Period:
    return Period(date(year, month_no, 1), _month_end(year, month_no))


def quarter(year: int, number: int) -> Period:
    if number not in (1, 2, 3, 4):
        raise PeriodError("Quý phải từ 1 đến 4.")
    return Period(date(year, 3 * number - 2, 1), _month_end(year, 3 * number))


def half_year(year: int, number: int) -> Period:
    if number not in (1, 2):
        raise PeriodError("Sáu tháng phải là 1 (đầu năm) hoặc 2 (cuối năm).")
    return Period(date(year, 6 * number - 5, 1), _month_end(year, 6 * number))


def year(year_no: int) -> Period:
    return Period(date(year_no, 1, 1), date(year_no, 12, 31))


def reporting_month(year_no: int, month_no: int) -> Period:
    """The reporting convention [S]: the 15th of the previous month to the 14th of this one."""
    previous = date(year_no, month_no, 1) - timedelta(days=1)
    return Period(previous.replace(day=15), date(year_no, month_no, 14))


# -- one dossier's facts ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DossierFacts:
    """What the reports read of one dossier. Instants are aware; flags are 0/1."""

    field: str  # lĩnh vực
    channel: int  # KenhThucHien: 1 direct, 2 online, 3 post
    received_at: datetime
    due_at: datetime  # current due, already moved by supplement waits and a reschedule
    status: int = int(Status.RECEIVED)
    finished_at: datetime | None = None  # result ready (status 9/10)
    returned_at: datetime | None = None  # handed over
    ended_at: datetime | None = None  # stopped, refused or withdrawn
    paused_since: datetime | None = None  # waiting for a supplement since
    supplement_count: int = 0
    reschedule_count: int = 0
    original_due_at: datetime | None = None
    online_payment: int = 0  # DuocThanhToanTrucTuyen: 0, 1 national portal, 2 provincial gateway
    fee_amount: int = 0
    docs_digitised: int = 0
    result_digitised: int = 0
    docs_reused: int = 0  # DuocLayTuKhoDMQG
    rating: str = ""

    @staticmethod
    def from_desk(**row: Any) -> DossierFacts:
        """From a desk (or hub) row, where `finished_at` holds every end and the status says which."""
        status = int(row.pop("status"))
        end = row.pop("finished_at", None)
        if Status(status) in ENDED_WITHOUT_RESULT:
            return DossierFacts(status=status, ended_at=end, **row)
        return DossierFacts(status=status, finished_at=end, **row)


def end_of_processing(facts: DossierFacts) -> datetime | None:
    """The first present of finished > returned > stopped/refused/withdrawn."""
    return facts.finished_at or facts.returned_at or facts.ended_at


def has_result(facts: DossierFacts) -> bool:
    return facts.finished_at is not None or facts.returned_at is not None


def is_late(facts: DossierFacts, at: datetime) -> bool:
    """Late at instant `at` (an end of processing, or a period's end for an open dossier)."""
    return (at > facts.due_at or facts.supplement_count > LATENESS["max_supplement_requests"]
            or (LATENESS["rescheduled_is_late"] and facts.reschedule_count > 0))


def waiting_at(facts: DossierFacts, at: datetime) -> bool:
    """Waiting for a supplement at `at` (the clock is stopped): paused before `at`, not ended by then.
    (A dossier withdrawn while waiting keeps its paused_since: the end tells it stopped waiting.)"""
    end = end_of_processing(facts)
    return facts.paused_since is not None and facts.paused_since < at and (end is None or end >= at)


def in_period(facts: DossierFacts, period: Period) -> bool:
    """Counted at all in the period's II.06a (and in the 766 'processed' scope)."""
    end = end_of_processing(facts)
    return facts.received_at < period.end and (end is None or end >= period.start)


def ii06a_columns(facts: DossierFacts, period: Period) -> dict[str, int]:
    """The columns (3)–(13) the dossier counts 1 in; an empty dict when it is not in the period."""
    if not in_period(facts, period):
        return {}
    cols: dict[str, int] = {"received_total": 1}
    if facts.received_at < period.start:
        cols["carried_over"] = 1
    elif facts.channel == 2:
        cols["received_online"] = 1
    else:
        cols["received_direct"] = 1
    end = end_of_processing(facts)
    if end is not None and end < period.end:
        cols["resolved_total"] = 1
        cols[_resolved_kind(facts, end)] = 1
    else:
        cols["pending_total"] = 1
        late = not waiting_at(facts, period.end) and is_late(facts, period.end)
        cols["pending_overdue" if late else "pending_within"] = 1
    return cols


def _resolved_kind(facts: DossierFacts, end: datetime) -> str:
    if not has_result(facts):
        return "resolved_on_time"  # footnote: returned (refused, stopped) or withdrawn dossiers
    if is_late(facts, end):
        return "resolved_late"
    if end.astimezone(VN).date() < facts.due_at.astimezone(VN).date():
        return "resolved_early"
    return "resolved_on_time"


def late_reason(supplement_count: int, reschedule_count: int, resolved: bool) -> str:
    """Why a dossier counts as late, in the words the late list shows."""
    if LATENESS["rescheduled_is_late"] and reschedule_count > 0:
        return "Đã xin lỗi, hẹn lại ngày trả"
    if supplement_count > LATENESS["max_supplement_requests"]:
        return f"Yêu cầu bổ sung {supplement_count} lần"
    return "Có kết quả sau ngày hẹn trả" if resolved else "Chưa có kết quả, đã quá hẹn"


# -- QĐ 766 -------------------------------------------------------------------------------------


def processing_days(facts: DossierFacts) -> float:
    """Days from reception to the result, less the time waited for supplements. The desk keeps the
    wait as the due time's shift (due − original due) when no apology moved the due as well."""
    end = facts.finished_at or facts.returned_at
    assert end is not None
    waited = timedelta(0)
    if facts.original_due_at is not None and facts.reschedule_count == 0:
        waited = max(facts.due_at - facts.original_due_at, timedelta(0))
    return max((end - facts.received_at - waited).total_seconds(), 0.0) / 86400


def on_time_766(facts: DossierFacts, period: Period) -> bool:
    """2.1: processing ended (or the period's end, for an open dossier; the start of a wait still
    open then, since waiting time does not count) no later than the due time, with no more than one
    supplement request and no apology."""
    end = end_of_processing(facts)
    if end is None or end >= period.end:
        end = period.end
        if facts.paused_since is not None and facts.paused_since < end:
            end = facts.paused_since
    return not is_late(facts, end)


def indicator_contributions(facts: DossierFacts, period: Period) -> dict[str, tuple[float, int]]:
    """What one dossier adds to each indicator: code -> (numerator, denominator)."""
    out: dict[str, tuple[float, int]] = {}
    if not in_period(facts, period):
        return out
    on_time = on_time_766(facts, period)
    disliked = facts.rating == DISLIKE
    out["2.1"] = (int(on_time), 1)
    out["5.4"] = (1 - int(not on_time) - int(disliked), 1)  # 100% − (late % + disliked %)
    received_now = facts.received_at >= period.start
    if received_now:
        out["3.3"] = (int(facts.channel == 2), 1)
        out["4.3"] = (facts.docs_digitised, 1)
        out["4.4"] = (facts.docs_reused, 1)
        if facts.fee_amount > 0:
            out["3.6"] = (int(facts.online_payment in (1, 2)), 1)
    end = end_of_processing(facts)
    if has_result(facts) and end is not None and end < period.end:
        out["2.2"] = (processing_days(facts), 1)
        out["4.1"] = (facts.result_digitised, 1)
        out["4.2"] = (int(bool(facts.docs_digitised and facts.result_digitised)), 1)
    return out


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    numerator: float
    denominator: int
    rate: float | None  # 2.2: average days; others: a share in [0, 1]
    threshold: float | None
    max_points: float | None
    points: float | None
    grade: str = ""


def score(rule: dict[str, Any], numerator: float, denominator: int) -> Indicator:
    """Rate and points of one indicator from its counts and its rule (app.core.report_rules)."""
    rate = None if denominator == 0 else max(numerator, 0) / denominator
    threshold, top = rule.get("threshold"), rule.get("max_points")
    points = None
    if rate is not None and threshold and top is not None:
        points = float(top) if rate >= threshold else round(rate / threshold * top, 2)
    return Indicator(rule["code"], rule["name"], numerator, denominator, rate, threshold, top, points,
                     rule.get("grade", ""))


def score_all(rules: dict[str, Any], counts: dict[str, tuple[float, int]]) -> list[Indicator]:
    return [score(rule, *counts.get(rule["code"], (0, 0))) for rule in rules["indicators"]]


# -- aggregation ------------------------------------------------------------------------------


@dataclass
class Report:
    """II.06a rows by lĩnh vực (sorted by name) with their total, and the indicator counts."""

    rows: dict[str, dict[str, int]] = field(default_factory=dict)
    total: dict[str, int] = field(default_factory=lambda: dict.fromkeys(II06A_COLUMNS, 0))
    counts: dict[str, tuple[float, int]] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        """{"rows": [{"linh_vuc": …, <II06A_COLUMNS>}…], "total": {…}} — the CLI's JSON."""
        return {"rows": [{"linh_vuc": name, **cols} for name, cols in sorted(self.rows.items())],
                "total": dict(self.total)}


def empty_row() -> dict[str, int]:
    return dict.fromkeys(II06A_COLUMNS, 0)


def aggregate(dossiers: Iterable[DossierFacts], period: Period) -> Report:
    """The plain Python loop over every dossier: the reference the SQL is checked against."""
    rows: dict[str, dict[str, int]] = defaultdict(empty_row)
    nums: dict[str, float] = defaultdict(float)
    dens: dict[str, int] = defaultdict(int)
    for facts in dossiers:
        cols = ii06a_columns(facts, period)
        if not cols:
            continue
        row = rows[facts.field]
        for key in cols:
            row[key] += 1
        for code, (num, den) in indicator_contributions(facts, period).items():
            nums[code] += num
            dens[code] += den
    report = Report(rows=dict(rows), counts={code: (nums[code], dens[code]) for code in dens})
    for row in report.rows.values():
        for key in II06A_COLUMNS:
            report.total[key] += row[key]
    return report


def identities_hold(row: dict[str, int]) -> bool:
    """(3)=(4)+(5)+(6), (3)=(7)+(11), (7)=(8)+(9)+(10), (11)=(12)+(13)."""
    return (row["received_total"] == row["received_online"] + row["received_direct"] + row["carried_over"]
            == row["resolved_total"] + row["pending_total"]
            and row["resolved_total"] == row["resolved_early"] + row["resolved_on_time"] + row["resolved_late"]
            and row["pending_total"] == row["pending_within"] + row["pending_overdue"])


PRESETS = "month:YYYY-MM, quarter:YYYY-Q, half:YYYY-H, year:YYYY, ky:YYYY-MM (15 tháng trước đến 14 tháng này)"


def parse_period(text: str) -> Period:
    """"month:2026-11", "quarter:2026-4", "half:2026-2", "year:2026", "ky:2026-11" (the 15th–14th
    convention) or "2026-10-01..2026-12-31"; a ValueError with a Vietnamese message otherwise."""
    kind, _, value = text.strip().partition(":")
    try:
        if ".." in text:
            first, last = (date.fromisoformat(part.strip()) for part in text.split("..", 1))
            return Period(first, last)
        if kind == "year":
            return year(int(value))
        number_a, number_b = (int(part) for part in value.split("-"))
        maker = {"month": month, "quarter": quarter, "half": half_year, "ky": reporting_month}[kind]
        return maker(number_a, number_b)
    except PeriodError:
        raise
    except (KeyError, ValueError):
        raise PeriodError(f"Kỳ báo cáo «{text}» không hợp lệ. Hãy dùng {PRESETS}, "
                         "hoặc --from/--to YYYY-MM-DD.") from None
