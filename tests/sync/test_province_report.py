"""The province's SQL (sync/hub/province_report.py) against the rules it mirrors
(app/core/reporting.py), on random dossiers, on SQLite and PostgreSQL."""

from __future__ import annotations

import math
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, insert

from app.core.lifecycle import Status
from app.core.reporting import DossierFacts, Period, aggregate, identities_hold, month, quarter
from sync.hub.models import Agency, Dossier
from sync.hub.province_report import by_commune
from sync.hub.report_facts import day_start, seconds, state_facts
from sync.hub.store import open_hub
from sync.steps import DossierState

BASE = datetime(2026, 1, 1, tzinfo=UTC)
AGENCIES = ("000.17.22.H56", "000.18.31.H56")
FIELDS = ("Hộ tịch", "Chứng thực", "Đất đai")


@st.composite
def dossier(draw: st.DrawFn) -> tuple[str, DossierFacts, dict]:
    minutes = st.integers(min_value=0, max_value=60 * 24 * 200)
    received = BASE + timedelta(minutes=draw(minutes))
    original_due = received + timedelta(hours=draw(st.integers(0, 24 * 20)))
    due = original_due + timedelta(hours=draw(st.integers(0, 24 * 5)))
    status = draw(st.sampled_from(list(Status)))
    ended = status in (Status.REFUSED, Status.WITHDRAWN, Status.STOPPED, Status.DONE, Status.RETURNED)
    finished = received + timedelta(hours=draw(st.integers(0, 24 * 40))) if ended else None
    returned = finished + timedelta(hours=draw(st.integers(0, 24 * 10))) \
        if status == Status.RETURNED and draw(st.booleans()) else None
    paused = received + timedelta(hours=draw(st.integers(0, 24 * 10))) if status == Status.SUPPLEMENT else None
    state = DossierState(status=status, due_at=due, paused_since=paused,
                         reschedule_count=draw(st.integers(0, 1)), supplement_count=draw(st.integers(0, 3)),
                         finished_at=finished, returned_at=returned,
                         rating=draw(st.sampled_from(["", "hai_long", "khong_hai_long"])))
    received_cols = {"r_field": draw(st.sampled_from(FIELDS)), "r_channel": draw(st.sampled_from([1, 2, 3])),
                     "r_received": seconds(received), "r_original_due": seconds(original_due),
                     "r_fee": draw(st.sampled_from([0, 0, 8000, 50000])), "r_online_payment": draw(st.integers(0, 2)),
                     "r_docs_digitised": draw(st.integers(0, 1)), "r_docs_reused": draw(st.integers(0, 1)),
                     "r_result_digitised": draw(st.integers(0, 1))}
    facts = DossierFacts.from_desk(
        field=received_cols["r_field"], channel=received_cols["r_channel"], received_at=received, due_at=due,
        status=int(status), finished_at=finished, returned_at=returned, paused_since=paused,
        supplement_count=state.supplement_count, reschedule_count=state.reschedule_count,
        original_due_at=original_due, online_payment=received_cols["r_online_payment"],
        fee_amount=received_cols["r_fee"], docs_digitised=received_cols["r_docs_digitised"],
        result_digitised=received_cols["r_result_digitised"], docs_reused=received_cols["r_docs_reused"],
        rating=state.rating)
    row = {"uid": str(uuid.uuid4()), "code": uuid.uuid4().hex[:30], "status": int(status),
           "procedure_code": "1.000001", "owner_name": "Nguyễn Văn A", "snapshot": {}, "due_at": due.isoformat(),
           "supplement_count": state.supplement_count, "reschedule_count": state.reschedule_count,
           "rating": state.rating, "updated_at": BASE, **received_cols, **state_facts(state)}
    return draw(st.sampled_from(AGENCIES)), facts, row


PERIODS = [month(2026, 3), quarter(2026, 2), Period.of_days(BASE.date(), BASE.date() + timedelta(days=400)),
           Period.of_days(datetime(2026, 5, 17).date(), datetime(2026, 5, 17).date())]


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request, tmp_path):
    url = f"sqlite:///{tmp_path / 'hub.sqlite'}" if request.param == "sqlite" \
        else request.getfixturevalue("postgres").new_database()
    engine = open_hub(url)
    with engine.begin() as c:
        c.execute(insert(Agency), [{"id": a, "name": f"Xã {i}"} for i, a in enumerate(AGENCIES)])
    yield engine
    engine.dispose()


def _same(sql, python) -> None:
    assert sql.rows == python.rows
    assert sql.total == python.total
    for code, (num, den) in python.counts.items():
        got_num, got_den = sql.counts.get(code, (0.0, 0))
        assert got_den == den, code
        assert math.isclose(got_num, num, rel_tol=1e-9, abs_tol=1e-6), code


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(dossiers=st.lists(dossier(), min_size=1, max_size=60), period=st.sampled_from(PERIODS))
def test_the_sql_counts_what_the_rules_count(engine, dossiers, period):
    with engine.begin() as c:
        c.execute(delete(Dossier))
        c.execute(insert(Dossier), [{**row, "agency_id": agency} for agency, _facts, row in dossiers])
    with engine.connect() as c:
        reports = by_commune(c, period)
    for agency in AGENCIES:
        expected = aggregate([f for a, f, _row in dossiers if a == agency], period)
        if not expected.rows:
            assert agency not in reports
            continue
        _same(reports[agency], expected)
        for row in reports[agency].rows.values():
            assert identities_hold(row)


def test_due_day_starts_at_local_midnight():
    due = datetime(2026, 3, 2, 16, 59, tzinfo=UTC)  # 23:59 on 02/03 in Vietnam
    assert day_start(due) == datetime(2026, 3, 1, 17, 0, tzinfo=UTC).timestamp()


def _row(agency: str, received: datetime, due: datetime, status: Status, finished: datetime | None) -> dict:
    state = DossierState(status=status, due_at=due, finished_at=finished)
    return {"uid": str(uuid.uuid4()), "agency_id": agency, "code": uuid.uuid4().hex[:30], "status": int(status),
            "procedure_code": "1.000001", "owner_name": "Nguyễn Văn A", "snapshot": {}, "due_at": due.isoformat(),
            "updated_at": BASE, "r_field": "Hộ tịch", "r_channel": 1, "r_received": seconds(received),
            "r_original_due": seconds(due), "r_fee": 0, **state_facts(state)}


def test_early_means_a_day_before_the_due_day_not_an_hour_before_the_due_time(engine):
    received = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
    due = datetime(2026, 3, 5, 9, 0, tzinfo=UTC)  # 16:00 on 05/03 in Vietnam
    rows = [_row(AGENCIES[0], received, due, Status.DONE, due - timedelta(hours=2)),  # same day: on time
            _row(AGENCIES[0], received, due, Status.DONE, due - timedelta(days=1)),  # the day before: early
            _row(AGENCIES[0], received, due, Status.DONE, due + timedelta(minutes=1))]  # late
    with engine.begin() as c:
        c.execute(insert(Dossier), rows)
    with engine.connect() as c:
        total = by_commune(c, month(2026, 3))[AGENCIES[0]].total
    assert (total["resolved_early"], total["resolved_on_time"], total["resolved_late"]) == (1, 1, 1)
