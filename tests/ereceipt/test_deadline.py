"""The legal sending deadline of an e-receipt, from the working calendar."""

from datetime import date, datetime

import pytest

from app.core.calendar import CalendarRules, WorkingCalendar
from app.core.ereceipt_deadline import LATE, OK, WAITING_FOR_FIX, WARN, sending_deadline

# Tết 2027 (Thu 4/2 – Thu 11/2 off, say) and an ordinary week after it.
TET = frozenset(date(2027, 2, d) for d in range(4, 12))
CAL = WorkingCalendar(CalendarRules(days_off=TET | {date(2027, 1, 1)}))


def test_normally_the_same_day():
    deadline = sending_deadline(datetime(2027, 1, 4, 7, 30), CAL)
    assert deadline.due == datetime(2027, 1, 4, 23, 59, 59)
    assert deadline.reason == "same_day"


def test_a_receipt_issued_on_a_day_off_is_still_due_that_day():
    assert sending_deadline(datetime(2027, 1, 1, 7, 30), CAL).due == datetime(2027, 1, 1, 23, 59, 59)


def test_after_an_outage_three_working_days_from_the_fix():
    # fixed on Friday 8/1: Mon 11, Tue 12, Wed 13 → end of Wednesday
    deadline = sending_deadline(datetime(2027, 1, 7, 9, 0), CAL, outage_began=datetime(2027, 1, 7, 8, 0),
                                outage_fixed=datetime(2027, 1, 8, 16, 0))
    assert deadline.due == datetime(2027, 1, 13, 23, 59, 59)
    assert deadline.reason == "after_outage"


def test_three_working_days_skip_tet():
    # fixed Wed 3/2/2027; 4–11/2 are off: Fri 12, Mon 15, Tue 16
    deadline = sending_deadline(datetime(2027, 2, 3, 10, 0), CAL, outage_began=datetime(2027, 2, 3, 9, 0),
                                outage_fixed=datetime(2027, 2, 3, 11, 0))
    assert deadline.due == datetime(2027, 2, 16, 23, 59, 59)


def test_an_outage_issued_offline_before_it_counts_too():
    # issued offline at 07:30 on New Year's Day, the line came back only on Monday 4/1
    deadline = sending_deadline(datetime(2027, 1, 1, 7, 30), CAL, outage_began=datetime(2026, 12, 31, 20, 0),
                                outage_fixed=datetime(2027, 1, 4, 9, 0))
    assert deadline.due == datetime(2027, 1, 7, 23, 59, 59)


def test_an_outage_after_the_day_passed_excuses_nothing():
    deadline = sending_deadline(datetime(2027, 1, 4, 7, 30), CAL, outage_began=datetime(2027, 1, 5, 8, 0),
                                outage_fixed=datetime(2027, 1, 5, 9, 0))
    assert deadline.due == datetime(2027, 1, 4, 23, 59, 59)


def test_while_the_outage_lasts_there_is_no_deadline_yet():
    deadline = sending_deadline(datetime(2027, 1, 4, 7, 30), CAL, outage_began=datetime(2027, 1, 4, 7, 0))
    assert deadline.due is None
    assert deadline.state(datetime(2027, 1, 20)) == WAITING_FOR_FIX
    assert "03 ngày làm việc sau khi khắc phục" in deadline.describe(datetime(2027, 1, 20))


def test_warns_a_day_before_it_passes():
    deadline = sending_deadline(datetime(2027, 1, 7, 9, 0), CAL, outage_began=datetime(2027, 1, 7, 8, 0),
                                outage_fixed=datetime(2027, 1, 8, 16, 0))
    assert deadline.state(datetime(2027, 1, 12, 23, 59)) == OK
    assert deadline.state(datetime(2027, 1, 13, 0, 0)) == WARN
    assert deadline.state(datetime(2027, 1, 14, 0, 0)) == LATE
    assert deadline.describe(datetime(2027, 1, 13, 8, 0)) == \
        "Sắp hết hạn gửi cơ quan thuế (hạn 23:59 ngày 13/01/2027)"


def test_same_day_receipts_warn_at_once():
    deadline = sending_deadline(datetime(2027, 1, 4, 7, 30), CAL)
    assert deadline.state(datetime(2027, 1, 4, 7, 31)) == WARN
    assert deadline.state(datetime(2027, 1, 5, 0, 0)) == LATE


def test_a_fix_before_the_outage_is_an_error():
    with pytest.raises(ValueError):
        sending_deadline(datetime(2027, 1, 4, 7, 30), CAL, outage_began=datetime(2027, 1, 4, 9, 0),
                         outage_fixed=datetime(2027, 1, 4, 8, 0))
