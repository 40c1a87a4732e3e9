"""The pure report rules: periods and their presets, the footnotes one dossier at a time, and the
identities of Biểu II.06a over many generated dossiers (no database: fast, many examples)."""

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.report_rules import RULES_766, rules_766
from app.core.reporting import (
    VN,
    DossierFacts,
    Period,
    PeriodError,
    aggregate,
    identities_hold,
    ii06a_columns,
    indicator_contributions,
    parse_period,
    score,
)

NOV = Period(date(2026, 11, 1), date(2026, 11, 30))


def at(day: int, hour: int, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=VN)


@pytest.mark.parametrize("text, first, last", [
    ("month:2026-02", date(2026, 2, 1), date(2026, 2, 28)),
    ("quarter:2026-4", date(2026, 10, 1), date(2026, 12, 31)),
    ("half:2026-1", date(2026, 1, 1), date(2026, 6, 30)),
    ("year:2024", date(2024, 1, 1), date(2024, 12, 31)),
    ("ky:2026-01", date(2025, 12, 15), date(2026, 1, 14)),
    ("2026-11-05..2026-11-05", date(2026, 11, 5), date(2026, 11, 5)),
])
def test_periods(text, first, last):
    period = parse_period(text)
    assert (period.first, period.last) == (first, last)
    assert period.end - period.start == timedelta(days=(last - first).days + 1)


@pytest.mark.parametrize("text", ["quarter:2026-5", "month:2026-13", "2026-12-01..2026-11-01", "tuần:2026-1", ""])
def test_bad_periods_say_why(text):
    with pytest.raises(PeriodError):
        parse_period(text)


def test_footnotes_one_dossier_at_a_time():
    base = {"field": "Hộ tịch", "channel": 1, "received_at": at(2, 9), "due_at": at(5, 9)}
    refused_late = DossierFacts(**base, status=3, ended_at=at(6, 9))
    assert ii06a_columns(refused_late, NOV)["resolved_on_time"] == 1  # returned (refused): on time
    assert indicator_contributions(refused_late, NOV)["2.1"] == (0, 1)  # but 766 judges its end
    waiting = DossierFacts(**base, status=5, paused_since=at(4, 9), supplement_count=1)
    assert "pending_within" in ii06a_columns(waiting, NOV)  # past its due at the period's end, but waiting
    two_requests = DossierFacts(**base, status=10, finished_at=at(3, 9), supplement_count=2)
    assert "resolved_late" in ii06a_columns(two_requests, NOV)
    handed_late = DossierFacts(**base, status=10, finished_at=at(5, 9), returned_at=at(9, 9))
    assert "resolved_on_time" in ii06a_columns(handed_late, NOV)
    online = DossierFacts(**{**base, "channel": 2}, status=2)
    assert {"received_online", "pending_overdue"} <= set(ii06a_columns(online, NOV))
    carried = DossierFacts(**{**base, "received_at": at(28, 9, 10)}, status=9, finished_at=at(2, 9))
    assert {"carried_over", "resolved_early"} <= set(ii06a_columns(carried, NOV))
    assert ii06a_columns(DossierFacts(**base, status=9, finished_at=at(31, 9, 10)), NOV) == {}


def test_points_follow_the_threshold():
    rule = next(r for r in rules_766()["indicators"] if r["code"] == "3.3")  # 50%, 4 points
    assert score(rule, 30, 50).points == 4.0
    assert score(rule, 10, 50).points == pytest.approx(0.2 / 0.5 * 4)
    assert score(rule, 0, 0).rate is None and score(rule, 0, 0).points is None
    assert rules_766(date(2030, 1, 1)) is RULES_766[-1]


instants = st.integers(0, 24 * 120).map(lambda h: datetime(2026, 9, 1, tzinfo=UTC) + timedelta(hours=h))


@st.composite
def facts(draw):
    received = draw(instants)
    end = draw(st.none() | st.integers(0, 24 * 40).map(lambda h: received + timedelta(hours=h)))
    status = draw(st.sampled_from([9, 10, 3, 7, 8])) if end else draw(st.sampled_from([2, 4, 5]))
    kwargs = {"finished_at": end} if status in (9, 10) else {"ended_at": end} if end else {}
    field = draw(st.sampled_from(["Hộ tịch", "Chứng thực"]))
    return DossierFacts(field=field, channel=draw(st.sampled_from([1, 2, 3])), received_at=received,
                        due_at=received + timedelta(hours=draw(st.integers(0, 400))),
                        status=status, paused_since=received + timedelta(hours=3) if status == 5 else None,
                        supplement_count=draw(st.integers(0, 3)), reschedule_count=draw(st.integers(0, 1)), **kwargs)


@settings(max_examples=300, deadline=None)
@given(st.lists(facts(), max_size=40), st.integers(1, 80))
def test_identities_and_periods_add_up(dossiers, cut):
    whole = Period(date(2026, 9, 20), date(2026, 12, 31))
    first, second = whole.split(whole.first + timedelta(days=cut))
    reports = [aggregate(dossiers, p) for p in (whole, first, second)]
    for report in reports:
        assert all(identities_hold(row) for row in [*report.rows.values(), report.total])
    w, a, b = (r.total for r in reports)
    assert b["carried_over"] == a["pending_total"] and w["pending_total"] == b["pending_total"]
    assert w["resolved_total"] == a["resolved_total"] + b["resolved_total"]
    assert w["received_total"] - w["carried_over"] == (a["received_total"] - a["carried_over"]
                                                        + b["received_total"] - b["carried_over"])
