"""Working calendar: working hours, days off, make-up days, Saturday policy, and due times.

All datetimes here are naive local wall-clock times (Asia/Ho_Chi_Minh, which has no DST);
the services convert to and from the UTC instants they store. A due time is always a working
instant (the end of a period counts: 17:00 is a valid due time).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from app.core.errors import ConfigurationError

DEFAULT_PERIODS: tuple[tuple[time, time], ...] = ((time(7, 0), time(11, 30)), (time(13, 30), time(17, 0)))
SAME_DAY_CUTOFF = time(15, 0)
MAX_SCAN_DAYS = 400  # a calendar with no working day in a year is a broken configuration
SATURDAY, SUNDAY = 5, 6


@dataclass(frozen=True)
class LegalTime:
    """How long a procedure may take: `same_day` (15:00 rule) or a number of working days."""

    kind: str  # same_day | working_days
    days: int = 0

    def describe(self) -> str:
        if self.kind == "same_day":
            return "Trong ngày (nhận sau 15 giờ: trả trong ngày làm việc tiếp theo)"
        return f"{self.days:02d} ngày làm việc"


@dataclass(frozen=True)
class CalendarRules:
    periods: tuple[tuple[time, time], ...] = DEFAULT_PERIODS
    days_off: frozenset[date] = field(default_factory=frozenset)
    extra_workdays: frozenset[date] = field(default_factory=frozenset)
    saturday_counts: bool = False  # Saturday morning counts toward deadlines
    receives_saturday: bool = False  # the desk is open on Saturday mornings
    same_day_cutoff: time = SAME_DAY_CUTOFF


def _at(day: date, moment: time) -> datetime:
    return datetime.combine(day, moment)


class WorkingCalendar:
    def __init__(self, rules: CalendarRules) -> None:
        if not rules.periods or any(start >= end for start, end in rules.periods):
            raise ConfigurationError("Giờ làm việc không hợp lệ: mỗi buổi phải có giờ bắt đầu trước giờ kết thúc.")
        ordered = sorted(rules.periods)
        if any(a[1] > b[0] for a, b in itertools.pairwise(ordered)):
            raise ConfigurationError("Các buổi làm việc không được chồng lên nhau.")
        self.rules = rules
        self._periods = tuple(ordered)
        self.day_length = sum((_at(date.min, e) - _at(date.min, s) for s, e in self._periods), timedelta())

    # -- days -------------------------------------------------------------------------------
    def is_working_day(self, day: date) -> bool:
        if day in self.rules.days_off:
            return False
        if day in self.rules.extra_workdays or day.weekday() < SATURDAY:
            return True
        return day.weekday() == SATURDAY and self.rules.saturday_counts

    def is_reception_day(self, day: date) -> bool:
        """The desk may be open on Saturday mornings even when Saturdays do not count."""
        if self.is_working_day(day):
            return True
        return day.weekday() == SATURDAY and self.rules.receives_saturday and day not in self.rules.days_off

    def _day_periods(self, day: date) -> tuple[tuple[time, time], ...]:
        if not self.is_working_day(day):
            return ()
        is_half_saturday = day.weekday() == SATURDAY and day not in self.rules.extra_workdays
        return self._periods[:1] if is_half_saturday else self._periods

    def periods(self, day: date) -> list[tuple[datetime, datetime]]:
        return [(_at(day, s), _at(day, e)) for s, e in self._day_periods(day)]

    def next_working_day(self, day: date) -> date:
        for offset in range(1, MAX_SCAN_DAYS):
            candidate = day + timedelta(days=offset)
            if self.is_working_day(candidate):
                return candidate
        raise ConfigurationError("Lịch làm việc không có ngày làm việc nào trong hơn một năm tới.")

    def end_of_working_day(self, day: date) -> datetime:
        return self.periods(day)[-1][1]

    # -- instants ---------------------------------------------------------------------------
    def is_working_time(self, moment: datetime) -> bool:
        return any(start <= moment <= end for start, end in self.periods(moment.date()))

    def next_working_time(self, moment: datetime) -> datetime:
        """`moment` if the office is working then, else the start of the next working period."""
        day = moment.date()
        for start, end in self.periods(day):
            if moment <= end:
                return max(moment, start)
        return self.periods(self.next_working_day(day))[0][0]

    def add_working_time(self, start: datetime, amount: timedelta) -> datetime:
        """The instant reached after `amount` of working time from `start`."""
        if amount < timedelta():
            raise ValueError("amount must not be negative")
        moment = self.next_working_time(start)
        remaining = amount
        while True:
            for period_start, period_end in self.periods(moment.date()):
                if moment > period_end:
                    continue
                moment = max(moment, period_start)
                available = period_end - moment
                if remaining <= available:
                    return moment + remaining
                remaining -= available
            moment = self.periods(self.next_working_day(moment.date()))[0][0]

    def working_time_between(self, begin: datetime, end: datetime) -> timedelta:
        """Working time in [begin, end]; zero when end is not after begin."""
        total = timedelta()
        if end <= begin:
            return total
        day = begin.date()
        while day <= end.date():
            for period_start, period_end in self.periods(day):
                overlap = min(period_end, end) - max(period_start, begin)
                if overlap > timedelta():
                    total += overlap
            day += timedelta(days=1)
        return total

    # -- due times --------------------------------------------------------------------------
    def due_same_day(self, received: datetime) -> datetime:
        """Received before 15:00 on a working day: end of that day; else end of the next one."""
        day = received.date()
        if (
            self.is_working_day(day)
            and received.time() < self.rules.same_day_cutoff
            and received < self.end_of_working_day(day)
        ):
            return self.end_of_working_day(day)
        return self.end_of_working_day(self.next_working_day(day))

    def due_in_working_days(self, received: datetime, days: int) -> datetime:
        if days < 1:
            raise ValueError("days must be at least 1")
        return self.add_working_time(received, self.day_length * days)

    def due_for(self, received: datetime, legal_time: LegalTime) -> datetime:
        if legal_time.kind == "same_day":
            return self.due_same_day(received)
        if legal_time.kind == "working_days":
            return self.due_in_working_days(received, legal_time.days)
        raise ConfigurationError(f"Loại thời hạn không hợp lệ: {legal_time.kind!r}.")

    def extend_for_pause(self, due: datetime, paused_from: datetime, resumed_at: datetime) -> datetime:
        """New due time after a supplement: the working time spent waiting is added back."""
        waited = self.working_time_between(paused_from, resumed_at)
        if waited == timedelta():
            return due
        return self.add_working_time(due, waited)

    def warning_threshold(self, now: datetime, warn: timedelta | None = None) -> datetime:
        """Open dossiers due at or before this instant are "sắp đến hạn"."""
        return self.add_working_time(now, self.day_length if warn is None else warn)

