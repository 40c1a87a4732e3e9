"""The periodic reports on a real SQLite file, built with the desk's own services, against numbers
worked out by hand (every footnote of Biểu II.06a and the QĐ 766 rules), and the SQL against the
plain Python rules on generated dossiers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, insert, select

from app.core.reporting import DossierFacts, Period, aggregate, identities_hold, month
from app.services import reports
from app.services.receipts import SeriesSpec, add_series, issue_receipt
from app.store.models import Dossier, Procedure, ProcedureVersion
from tests.helpers.report_data import at, build_hand_set

NOV, OCT = month(2026, 11), month(2026, 10)


@pytest.fixture
def commune(desk, clock):
    return build_hand_set(desk, clock)


def test_ii06a_november_by_hand(desk, commune):
    got = reports.ii06a(desk, NOV).as_json()
    rows = {row.pop("linh_vuc"): row for row in got["rows"]}
    # Hộ tịch: H1 carried/early, H2 carried/overdue, H4 online/on time (handed over late: still on time),
    # H5 late (two requests), H6 within (waiting, though past its due), H7 withdrawn = on time,
    # H8 refused = on time (footnote), H9 late (apology); H3 ended in October: not here.
    assert rows["Hộ tịch"] == dict(
        received_total=8, received_online=1, received_direct=5, carried_over=2, resolved_total=6,
        resolved_early=1, resolved_on_time=3, resolved_late=2, pending_total=2, pending_within=1, pending_overdue=1)
    # Chứng thực: C1 on time, C2 late, C3 stopped = on time, C4 by post still open past 17:00 30/11,
    # C6 online on time; C5 received on 1/12: not here.
    assert rows["Chứng thực"] == dict(
        received_total=5, received_online=1, received_direct=4, carried_over=0, resolved_total=4,
        resolved_early=0, resolved_on_time=3, resolved_late=1, pending_total=1, pending_within=0, pending_overdue=1)
    assert got["total"] == dict(
        received_total=13, received_online=2, received_direct=9, carried_over=2, resolved_total=10,
        resolved_early=1, resolved_on_time=6, resolved_late=3, pending_total=3, pending_within=1, pending_overdue=2)


def test_october_carries_into_november(desk, commune):
    october = reports.ii06a(desk, OCT)
    # H1 and H2 open at the end of October (dues 3/11 and 4/11: within); H3 done on its due day.
    assert october.rows["Hộ tịch"] == dict(
        received_total=3, received_online=0, received_direct=3, carried_over=0, resolved_total=1,
        resolved_early=0, resolved_on_time=1, resolved_late=0, pending_total=2, pending_within=2, pending_overdue=0)
    assert october.total["pending_total"] == reports.ii06a(desk, NOV).total["carried_over"]


def test_766_indicators_by_hand(desk, commune):
    found = {i.code: i for i in reports.indicators(desk, NOV)}
    # 2.1 over the 13 dossiers of November: late are H2 (open past due), H5 (two requests), H8 (refused
    # after the due: 766 judges the end, unlike the II.06a footnote), H9 (apology), C2, C4. H6 is on
    # time: its clock stopped at the request (24/11), before the due (26/11).
    assert (found["2.1"].numerator, found["2.1"].denominator) == (7, 13)
    assert found["2.1"].points == pytest.approx(7 / 13 * 10, abs=0.01)
    assert (found["5.4"].numerator, found["5.4"].denominator) == (13 - 6 - 1, 13)  # H1 "không hài lòng"
    assert (found["3.3"].numerator, found["3.3"].denominator) == (2, 11)  # H4, C6 of the 11 received in November
    assert (found["3.6"].numerator, found["3.6"].denominator) == (1, 9)  # C6; 1.001193 is free
    assert (found["4.3"].numerator, found["4.4"].numerator, found["4.3"].denominator) == (2, 1, 11)
    # with a result in November: H1, H4, H5, H9, C1, C2, C6 (withdrawn, refused, stopped have none)
    assert (found["4.1"].numerator, found["4.1"].denominator) == (2, 7)
    assert (found["4.2"].numerator, found["4.2"].denominator) == (2, 7)
    assert found["3.3"].points == pytest.approx(2 / 11 / 0.5 * 4, abs=0.01)
    # 2.2: H1 4 days 1 h; H4 7 h; H5 2 days less the due's shift by its two waits;
    # H9 4 days less 1 h (apology: nothing taken off); C1 7 h 59 min; C2 1 day; C6 1 h.
    h = 1 / 24
    h5 = 2 - 1  # the waits (7 and 1 working hours) moved the due from 12/11 09:00 to 13/11 09:00: one day
    expected_days = (4 + h) + 7 * h + h5 + 4 * 1 - 1 * h + (7 * h + 59 / 1440) + 1 + h
    assert found["2.2"].denominator == 7
    assert found["2.2"].numerator == pytest.approx(expected_days, abs=1e-6)


def test_sql_and_python_rules_agree_on_the_hand_set(desk, commune):
    for period in (NOV, OCT, Period.of_days(NOV.first, NOV.first + timedelta(days=9))):
        sql = reports.ii06a(desk, period)
        plain = aggregate(facts_of(desk), period)
        assert sql.as_json() == plain.as_json()
        for code, (num, den) in plain.counts.items():
            assert sql.counts[code][1] == den and sql.counts[code][0] == pytest.approx(num)


def test_fees_satisfaction_and_late_list(desk, clock, commune):
    add_series(desk, SeriesSpec("paper", "01BLP0-001", "AA/26T", 1, 100))
    at(clock, 2026, 11, 3, 9, 5)
    issue_receipt(desk, dossier_uid=commune["C1_on_time"])
    at(clock, 2026, 11, 4, 9, 5)
    desk.actor = "Trần Văn Bình"
    issue_receipt(desk, dossier_uid=commune["C2_late"])
    issue_receipt(desk, dossier_uid=commune["H5_two_supplements"])
    assert [(f.key, f.receipts, f.amount) for f in reports.fees(desk, NOV, "day")] == [
        ("2026-11-03", 1, 14000), ("2026-11-04", 2, 34000)]  # copy certificates 14.000 đ, TTHN 20.000 đ
    assert [(f.key, f.amount) for f in reports.fees(desk, NOV, "officer")] == [
        ("Nguyễn Thị Lan", 14000), ("Trần Văn Bình", 34000)]
    by_fee = {f.key: f.amount for f in reports.fees(desk, NOV, "fee")}
    assert sum(by_fee.values()) == 48000 and reports.fees(desk, OCT, "fee") == []
    assert reports.satisfaction(desk, NOV) == {"Rất hài lòng": 0, "Hài lòng": 1, "Không hài lòng": 1,
                                               "Chưa đánh giá": 0}
    late = {d.code: d for d in reports.late_dossiers(desk, NOV)}
    codes = {dossier_code(desk, commune[name]) for name in (
        "H2_carried_still_open", "H5_two_supplements", "H9_rescheduled", "C2_late", "C4_post_open_overdue")}
    assert set(late) == codes
    c2 = late[dossier_code(desk, commune["C2_late"])]
    assert c2.received_by == "Nguyễn Thị Lan" and c2.ended_by == "Nguyễn Thị Lan" and c2.ended_at is not None
    assert late[dossier_code(desk, commune["H2_carried_still_open"])].ended_at is None


def dossier_code(desk, uid: str) -> str:
    with desk.read() as c:
        return c.execute(select(Dossier.code).where(Dossier.uid == uid)).scalar_one()


def facts_of(desk) -> list[DossierFacts]:
    """Every dossier of the file as the core rules read it (the plain loop's input)."""
    d, pv, pr = Dossier.__table__, ProcedureVersion.__table__, Procedure.__table__
    query = select(pr.c.field, d.c.channel, d.c.received_at, d.c.due_at, d.c.status, d.c.finished_at,
                   d.c.returned_at, d.c.paused_since, d.c.supplement_count, d.c.reschedule_count,
                   d.c.original_due_at, d.c.online_payment, d.c.fee_amount, d.c.docs_digitised,
                   d.c.result_digitised, d.c.docs_reused, d.c.rating).join_from(
        d, pv, pv.c.id == d.c.procedure_version_id).join(pr, pr.c.id == pv.c.procedure_id)
    with desk.read() as c:
        return [DossierFacts.from_desk(**row._asdict()) for row in c.execute(query)]


# -- generated dossiers, written straight into the file ------------------------------------------

BASE = datetime(2026, 9, 1, tzinfo=UTC)
hours = st.integers(min_value=0, max_value=24 * 150)


@st.composite
def dossier_rows(draw):
    received = BASE + timedelta(hours=draw(hours))
    due = received + timedelta(hours=draw(st.integers(0, 24 * 20)))
    ended = draw(st.none() | st.integers(0, 24 * 40))
    status = draw(st.sampled_from([3, 7, 8, 9, 10])) if ended is not None else draw(st.sampled_from([2, 4, 5]))
    finished = None if ended is None else received + timedelta(hours=ended)
    paused = received + timedelta(hours=draw(st.integers(0, 200))) if status == 5 else None
    return {"channel": draw(st.sampled_from([1, 2, 3])), "received_at": received, "due_at": due,
            "original_due_at": due - timedelta(hours=draw(st.integers(0, 30))), "status": status,
            "finished_at": finished, "returned_at": finished + timedelta(hours=5) if status == 10 else None,
            "paused_since": paused, "supplement_count": draw(st.integers(0, 3)) if status != 5 else 1,
            "reschedule_count": draw(st.integers(0, 1)), "online_payment": draw(st.sampled_from([0, 1, 2])),
            "fee_amount": draw(st.sampled_from([0, 2000])), "docs_digitised": draw(st.integers(0, 1)),
            "result_digitised": draw(st.integers(0, 1)), "docs_reused": draw(st.integers(0, 1)),
            "rating": draw(st.sampled_from(["", "hai_long", "khong_hai_long"])),
            "version": draw(st.integers(0, 1))}


def _write(desk, rows: list[dict]) -> None:
    with desk.write() as c:
        c.execute(delete(Dossier.__table__))
        if not rows:
            return
        versions = [v for (v,) in c.execute(select(ProcedureVersion.id).join(Procedure).where(
            Procedure.code.in_(["1.001193", "2.000815"])).order_by(Procedure.code))]
        c.execute(insert(Dossier.__table__), [{
            **{k: v for k, v in row.items() if k != "version"}, "uid": f"00000000-0000-4000-8000-{i:012d}",
            "code": f"000.17.22.H56-260901-{i:04d}", "procedure_version_id": versions[row["version"]],
            "owner_name": "Nguyễn Văn A", "workstation_no": 2, "received_by": "Nguyễn Thị Lan",
            "updated_at": row["received_at"]} for i, row in enumerate(rows)])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(dossier_rows(), max_size=30), cut=st.integers(1, 60))
def test_sql_matches_the_rules_and_periods_add_up(desk, rows, cut):
    _write(desk, rows)
    whole = Period(BASE.date() + timedelta(days=20), BASE.date() + timedelta(days=100))
    first, second = whole.split(whole.first + timedelta(days=cut))
    facts = facts_of(desk)
    for period in (whole, first, second):
        sql, plain = reports.ii06a(desk, period), aggregate(facts, period)
        assert sql.as_json() == plain.as_json()
        for code, (num, den) in plain.counts.items():
            assert sql.counts[code][1] == den and sql.counts[code][0] == pytest.approx(num)
        for row in [*sql.rows.values(), sql.total]:
            assert identities_hold(row)
    a, b, w = (reports.ii06a(desk, x).total for x in (first, second, whole))
    # what the first half leaves open is what the second half carries over
    assert b["carried_over"] == a["pending_total"]
    assert w["carried_over"] == a["carried_over"]
    assert w["resolved_total"] == a["resolved_total"] + b["resolved_total"]
    assert w["received_online"] == a["received_online"] + b["received_online"]
    assert w["received_direct"] == a["received_direct"] + b["received_direct"]
    assert w["pending_total"] == b["pending_total"]
