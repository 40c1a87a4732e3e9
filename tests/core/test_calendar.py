from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.calendar import CalendarRules, LegalTime, WorkingCalendar
from app.core.errors import ConfigurationError

NEW_YEAR_2026 = frozenset({date(2026, 1, 1), date(2026, 1, 2)})
MAKE_UP = frozenset({date(2026, 1, 10)})
TET_2026 = frozenset(date(2026, 2, d) for d in range(16, 21))


def cal(**kw):
    return WorkingCalendar(CalendarRules(days_off=NEW_YEAR_2026 | TET_2026, extra_workdays=MAKE_UP, **kw))


def test_default_day_is_eight_hours():
    assert cal().day_length == timedelta(hours=8)


@pytest.mark.parametrize(("received", "due"), [
    (datetime(2026, 1, 7, 9, 0), datetime(2026, 1, 7, 17, 0)),  # Wed morning: same day
    (datetime(2026, 1, 7, 14, 59), datetime(2026, 1, 7, 17, 0)),
    (datetime(2026, 1, 7, 15, 0), datetime(2026, 1, 8, 17, 0)),  # at 15:00: next working day
    (datetime(2026, 1, 9, 16, 0), datetime(2026, 1, 10, 17, 0)),  # Fri after 15h: the make-up Saturday
    (datetime(2026, 1, 3, 9, 0), datetime(2026, 1, 5, 17, 0)),  # ordinary Saturday: Monday
    (datetime(2025, 12, 31, 15, 30), datetime(2026, 1, 5, 17, 0)),  # before New Year days off
    (datetime(2026, 1, 7, 6, 30), datetime(2026, 1, 7, 17, 0)),  # before opening
    (datetime(2026, 1, 7, 18, 0), datetime(2026, 1, 8, 17, 0)),
])
def test_same_day_rule(received, due):
    assert cal().due_same_day(received) == due


@pytest.mark.parametrize(("received", "days", "due"), [
    (datetime(2026, 1, 5, 9, 0), 3, datetime(2026, 1, 8, 9, 0)),
    (datetime(2026, 1, 5, 7, 0), 1, datetime(2026, 1, 5, 17, 0)),  # a whole day ends the same evening
    (datetime(2026, 1, 5, 12, 0), 1, datetime(2026, 1, 6, 11, 30)),  # lunch: clock starts at 13:30
    (datetime(2026, 1, 5, 17, 30), 1, datetime(2026, 1, 6, 17, 0)),  # after hours: starts 07:00 next day
    (datetime(2026, 1, 8, 10, 0), 2, datetime(2026, 1, 10, 10, 0)),  # Sat 10/1 is a whole make-up day
    (datetime(2026, 2, 13, 10, 0), 1, datetime(2026, 2, 23, 10, 0)),  # Tết in between
    (datetime(2025, 12, 31, 10, 0), 1, datetime(2026, 1, 5, 10, 0)),
])
def test_working_days(received, days, due):
    assert cal().due_in_working_days(received, days) == due


def test_saturday_counts_as_a_morning_only():
    calendar = cal(saturday_counts=True)
    assert calendar.is_working_day(date(2026, 1, 3))
    assert calendar.periods(date(2026, 1, 3))[-1][1] == datetime(2026, 1, 3, 11, 30)
    # Fri 16/1 13:30 + 8 h: 3.5 h on Friday, the Saturday morning's 4.5 h ends it at 11:30.
    assert calendar.due_in_working_days(datetime(2026, 1, 16, 13, 30), 1) == datetime(2026, 1, 17, 11, 30)
    assert calendar.due_same_day(datetime(2026, 1, 3, 12, 0)) == datetime(2026, 1, 5, 17, 0)


def test_receiving_on_saturday_does_not_make_it_count():
    calendar = cal(receives_saturday=True)
    saturday = date(2026, 1, 3)
    assert calendar.is_reception_day(saturday) and not calendar.is_working_day(saturday)
    assert calendar.due_same_day(datetime(2026, 1, 3, 9, 0)) == datetime(2026, 1, 5, 17, 0)
    assert calendar.is_reception_day(date(2026, 2, 21))  # a Saturday, not in the day-off table here


def test_pause_adds_back_the_working_time_waited():
    calendar = cal()
    due = datetime(2026, 1, 14, 9, 0)
    # Requested Mon 16:00, back Tue 08:00: 1 h Monday + 1 h Tuesday = 2 h of working time.
    assert calendar.extend_for_pause(due, datetime(2026, 1, 12, 16, 0), datetime(2026, 1, 13, 8, 0)) == datetime(
        2026, 1, 14, 11, 0
    )
    # Waiting over a weekend only counts working time.
    assert calendar.working_time_between(datetime(2026, 1, 9, 17, 0), datetime(2026, 1, 12, 7, 0)) == timedelta(
        hours=8
    )  # Saturday 10/1 is a make-up working day


def test_extend_for_a_zero_pause_changes_nothing():
    due = datetime(2026, 1, 14, 17, 0)
    assert cal().extend_for_pause(due, datetime(2026, 1, 10, 18, 0), datetime(2026, 1, 11, 20, 0)) == due


def test_legal_time_dispatch_and_bad_kind():
    calendar = cal()
    assert calendar.due_for(datetime(2026, 1, 7, 9, 0), LegalTime("same_day")) == datetime(2026, 1, 7, 17, 0)
    assert calendar.due_for(datetime(2026, 1, 7, 9, 0), LegalTime("working_days", 2)) == datetime(2026, 1, 9, 9, 0)
    with pytest.raises(ConfigurationError):
        calendar.due_for(datetime(2026, 1, 7, 9, 0), LegalTime("months", 1))


def test_broken_configurations_are_refused():
    with pytest.raises(ConfigurationError):
        WorkingCalendar(CalendarRules(periods=((time(9), time(8)),)))
    with pytest.raises(ConfigurationError):
        WorkingCalendar(CalendarRules(periods=((time(7), time(12)), (time(11), time(17)))))
    every_day = frozenset(date(2026, 1, 1) + timedelta(days=i) for i in range(800))
    with pytest.raises(ConfigurationError):
        WorkingCalendar(CalendarRules(days_off=every_day)).next_working_day(date(2026, 1, 1))


# -- properties -----------------------------------------------------------------------------
instants = st.datetimes(min_value=datetime(2025, 12, 1), max_value=datetime(2026, 3, 1))
calendars = st.builds(lambda sat, recv: cal(saturday_counts=sat, receives_saturday=recv), st.booleans(), st.booleans())
legal_times = st.one_of(st.just(LegalTime("same_day")), st.integers(1, 20).map(lambda n: LegalTime("working_days", n)))


@settings(max_examples=300, deadline=None)
@given(calendars, instants, legal_times)
def test_due_time_is_always_working_time_never_a_day_off(calendar, received, legal_time):
    due = calendar.due_for(received, legal_time)
    assert calendar.is_working_day(due.date())
    assert calendar.is_working_time(due)
    assert due > received


@settings(max_examples=300, deadline=None)
@given(calendars, instants, instants, legal_times)
def test_due_time_is_monotone_in_the_received_time(calendar, a, b, legal_time):
    early, late = sorted((a, b))
    assert calendar.due_for(early, legal_time) <= calendar.due_for(late, legal_time)


@settings(max_examples=300, deadline=None)
@given(calendars, instants, st.integers(0, 60 * 24 * 20), st.integers(1, 10))
def test_pause_never_shortens(calendar, paused, minutes, days):
    due = calendar.due_in_working_days(paused - timedelta(days=1), days)
    resumed = paused + timedelta(minutes=minutes)
    extended = calendar.extend_for_pause(due, paused, resumed)
    assert extended >= due
    assert calendar.is_working_time(extended)
    assert calendar.working_time_between(due, extended) <= calendar.working_time_between(paused, resumed)


@settings(max_examples=200, deadline=None)
@given(calendars, instants, st.integers(0, 60 * 8 * 10))
def test_adding_working_time_is_measured_back_exactly(calendar, start, minutes):
    begin = calendar.next_working_time(start)
    end = calendar.add_working_time(begin, timedelta(minutes=minutes))
    assert calendar.working_time_between(begin, end) == timedelta(minutes=minutes)
