"""When an e-receipt's data must reach the tax authority (NĐ 254/2026/NĐ-CP [S], shared/domain.md §4.1).

- Normally on the day of issue (Điều 29 k3b): by the end of that calendar day, local time.
- When a system failure kept it from being sent (Điều 27 k3): within 03 working days after the
  failure is fixed. We count the days from the day after the fix, by the working calendar, and
  allow the whole of the third one; while the failure lasts there is no deadline yet.
- The desk warns a day before a deadline passes: from 24 hours before it (for a same-day deadline,
  that is from the moment of issue: the day of issue is already the last day).

Naive local wall times (Asia/Ho_Chi_Minh), like the rest of app.core's calendar.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from app.core.calendar import WorkingCalendar

DAYS_AFTER_FIX = 3
WARN_BEFORE = timedelta(days=1)
END_OF_DAY = time(23, 59, 59)

OK, WARN, LATE, WAITING_FOR_FIX = "ok", "warn", "late", "waiting_for_fix"
STATE_TEXT = {
    OK: "Trong hạn gửi",
    WARN: "Sắp hết hạn gửi cơ quan thuế",
    LATE: "Quá hạn gửi cơ quan thuế",
    WAITING_FOR_FIX: "Hệ thống gặp sự cố: hạn gửi là 03 ngày làm việc sau khi khắc phục",
}


@dataclass(frozen=True)
class SendingDeadline:
    due: datetime | None  # None while an outage that began in time is not yet fixed
    reason: str  # "same_day" | "after_outage" | "outage_ongoing"

    @property
    def warn_from(self) -> datetime | None:
        return None if self.due is None else self.due - WARN_BEFORE

    def state(self, now: datetime) -> str:
        if self.due is None:
            return WAITING_FOR_FIX
        if now > self.due:
            return LATE
        return WARN if now >= self.due - WARN_BEFORE else OK

    def describe(self, now: datetime) -> str:
        state = self.state(now)
        if self.due is None:
            return STATE_TEXT[state]
        return f"{STATE_TEXT[state]} (hạn {self.due:%H:%M} ngày {self.due:%d/%m/%Y})"


def _end_of(day: datetime) -> datetime:
    return datetime.combine(day.date(), END_OF_DAY)


def sending_deadline(issued_at: datetime, calendar: WorkingCalendar, *, outage_began: datetime | None = None,
                     outage_fixed: datetime | None = None) -> SendingDeadline:
    """The deadline of one receipt; pass the provider or line outage that held it back, if any.
    An outage that began after the same-day deadline had passed excuses nothing."""
    same_day = _end_of(issued_at)
    if outage_began is None or outage_began > same_day:
        return SendingDeadline(same_day, "same_day")
    if outage_fixed is None:
        return SendingDeadline(None, "outage_ongoing")
    if outage_fixed < outage_began:
        raise ValueError("an outage cannot be fixed before it began")
    day = outage_fixed.date()
    for _ in range(DAYS_AFTER_FIX):
        day = calendar.next_working_day(day)
    return SendingDeadline(max(same_day, datetime.combine(day, END_OF_DAY)), "after_outage")
