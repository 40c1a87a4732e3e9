"""Biểu II.06a and the QĐ 766 indicators for one year of a commune whose file holds 1,000,000
dossiers (eight years, 2019–2026), through app.services.reports (one grouped query); against a
plain Python loop over the same rows in the same run (read the year's rows, app.core.reporting's
aggregate), whose answer must be the same. Also the whole file as one period, for scale.
The file is built once under bench/out/ and reused. Usage: python bench/report.py"""

from __future__ import annotations

import random
import sqlite3
import time
import uuid
from datetime import UTC, date, datetime, timedelta

from common import OUT, median, report

from app.core.reporting import DossierFacts, Period, aggregate, year
from app.services import reports
from app.services.commune import CommuneSetup, init_commune
from app.services.desk import Desk
from app.store.engine import open_database

N, TARGET_MS, RUNS = 1_000_000, 300.0, 9
FIRST, LAST = datetime(2019, 1, 2, tzinfo=UTC), datetime(2026, 12, 20, tzinfo=UTC)
NOW = datetime(2026, 12, 31, 10, tzinfo=UTC)  # the day the report is made
STAMP = "%Y-%m-%d %H:%M:%S.%f"


def _row(rng: random.Random, i: int, received: datetime, versions: list[tuple[int, int]]) -> tuple:
    """One dossier as the desk would hold it: mostly finished and handed over, some refused, withdrawn
    or stopped, the recent ones still open (a few paused), a few with two supplement requests or an
    apology; a quarter online; fees, payments, digitisation and ratings in plausible shares."""
    version, fee = versions[rng.randrange(len(versions))]
    original_due = received + timedelta(hours=rng.choice([8, 8, 24, 72, 96]))
    waited = timedelta(hours=rng.choice([0] * 9 + [20]))
    due = original_due + waited
    supplements = 0 if not waited else rng.choice([1, 1, 1, 2])
    reschedules = 1 if rng.random() < 0.01 else 0
    end = received + (due - received) * rng.uniform(0.2, 1.15)
    status, finished, returned, paused = 10, end, end + timedelta(hours=rng.uniform(0.5, 40)), None
    roll = rng.random()
    if end > NOW or roll < 0.01:
        status, finished, returned = rng.choice([2, 4, 4, 5]), None, None
        paused = received + timedelta(hours=2) if status == 5 else None
    elif roll < 0.03:
        status, returned = rng.choice([3, 7, 8]), None
    elif roll < 0.05:
        status, returned = 9, None
    channel = rng.choices([1, 2, 3], [70, 25, 5])[0]
    paid = rng.choice([1, 2]) if fee and channel == 2 and rng.random() < 0.6 else 0
    rating = rng.choices(["", "rat_hai_long", "hai_long", "khong_hai_long"], [40, 33, 25, 2])[0] if returned else ""
    stamp = lambda x: None if x is None else x.strftime(STAMP)  # noqa: E731
    return (str(uuid.UUID(int=rng.getrandbits(128))), f"000.17.22.H56-{received:%y%m%d}-{i:07d}", version,
            f"Người nộp {i}", channel, stamp(received), stamp(due), stamp(original_due), status, stamp(paused),
            stamp(finished), stamp(returned), reschedules, supplements, fee, paid, int(rng.random() < 0.4),
            int(rng.random() < 0.1), int(finished is not None and rng.random() < 0.3), rating, stamp(received))


INSERT = ("INSERT INTO dossier (uid, code, procedure_version_id, owner_name, channel, received_at, due_at, "
          "original_due_at, status, paused_since, finished_at, returned_at, reschedule_count, supplement_count, "
          "fee_amount, online_payment, docs_digitised, docs_reused, result_digitised, rating, updated_at, owner_kind, "
          "owner_id_number, owner_sex, owner_address, owner_phone, owner_email, return_method, sets_count, summary, "
          "fee_detail, fee_exemption, pages, copies, workstation_no, received_by, search_text) VALUES "
          f"({', '.join('?' * 21)}, 1, '', '', '', '', '', 'desk', 1, '', '', '', 1, 1, 1, 'Nguyễn Thị Lan', '')")


def build(path: object, n: int) -> None:
    database = open_database(path)  # type: ignore[arg-type]
    init_commune(Desk(database, actor="bench"), CommuneSetup("000.17.22.H56", "Xã Quảng Phú"))
    database.dispose()
    raw = sqlite3.connect(path)  # type: ignore[arg-type]
    versions = [(v, 0 if i % 3 == 0 else 20000)
                for i, (v,) in enumerate(raw.execute("SELECT id FROM procedure_version"))]
    for trigger in ("dossier_fts_ai", "dossier_fts_ad", "dossier_fts_au"):  # names are not searched here
        raw.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    rng = random.Random(13)
    # Rows go in as the desk writes them, in the order dossiers are received.
    span = int((LAST - FIRST).total_seconds())
    moments = sorted(FIRST + timedelta(seconds=rng.randrange(span)) for _ in range(n))
    with raw:
        for start in range(0, n, 50_000):
            raw.executemany(INSERT, [_row(rng, i, moments[i], versions) for i in range(start, min(n, start + 50_000))])
    raw.execute("ANALYZE")
    raw.close()


def plain_loop(path: object, period: Period) -> object:
    """Read every row the period could need and decide each one in Python."""
    raw = sqlite3.connect(path)  # type: ignore[arg-type]
    query = ("SELECT p.field, x.channel, x.received_at, x.due_at, x.status, x.finished_at, x.returned_at, "
             "x.paused_since, x.supplement_count, x.reschedule_count, x.original_due_at, x.online_payment, "
             "x.fee_amount, x.docs_digitised, x.result_digitised, x.docs_reused, x.rating FROM dossier x "
             "JOIN procedure_version v ON v.id = x.procedure_version_id JOIN procedure p ON p.id = v.procedure_id "
             "WHERE x.received_at < ? AND (x.finished_at IS NULL OR x.finished_at >= ?)")
    bounds = (reports.stamp(period.end), reports.stamp(period.start))

    def instant(text: str | None) -> datetime | None:
        return None if text is None else datetime.fromisoformat(text).replace(tzinfo=UTC)

    facts = []
    for row in raw.execute(query, bounds):
        (field, channel, received, due, status, finished, returned, paused, sup, res, original, paid, fee, docs,
         result, reused, rating) = row
        facts.append(DossierFacts.from_desk(
            field=field, channel=channel, received_at=instant(received), due_at=instant(due), status=status,
            finished_at=instant(finished), returned_at=instant(returned), paused_since=instant(paused),
            supplement_count=sup, reschedule_count=res, original_due_at=instant(original), online_payment=paid,
            fee_amount=fee, docs_digitised=docs, result_digitised=result, docs_reused=reused, rating=rating))
    raw.close()
    return aggregate(facts, period)


def _timed(work: object, runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = work()  # type: ignore[operator]
        times.append((time.perf_counter() - start) * 1000)
    return median(times), result


def main() -> None:
    path = OUT / f"report-{N}.sqlite"
    if not path.exists():
        OUT.mkdir(parents=True, exist_ok=True)
        began = time.perf_counter()
        build(path, N)
        print(f"built {path.name} in {time.perf_counter() - began:.0f} s", flush=True)
    desk = Desk(open_database(path), actor="bench", clock=lambda: NOW)
    period = year(2026)

    def both() -> object:
        found = reports.ii06a(desk, period)
        return found, reports.indicators(desk, period, found)

    sql_ms, (found, indicators) = _timed(both, RUNS)
    loop_ms, plain = _timed(lambda: plain_loop(path, period), 3)
    assert found.as_json() == plain.as_json(), "the SQL and the plain loop disagree"  # type: ignore[attr-defined]
    whole = Period(date(2019, 1, 1), date(2026, 12, 31))
    whole_ms, whole_report = _timed(lambda: reports.ii06a(desk, whole), 3)
    rows = found.total["received_total"]
    ok = sql_ms <= TARGET_MS
    on_time = next(i for i in indicators if i.code == "2.1")
    report("report", f"II.06a + QĐ 766 for 2026 ({rows:,} dossiers of {N:,} in the file): {sql_ms:.0f} ms "
           f"(plain Python loop over the same rows {loop_ms:.0f} ms, same answer; whole file as one period "
           f"{whole_ms:.0f} ms) (target ≤{TARGET_MS:.0f} ms): {'OK' if ok else 'MISSED'}; 2.1 = "
           f"{(on_time.rate or 0) * 100:.1f}%",
           n=N, period_rows=rows, sql_ms=round(sql_ms, 1), plain_loop_ms=round(loop_ms, 1),
           whole_file_ms=round(whole_ms, 1), whole_file_rows=whole_report.total["received_total"],
           target_ms=TARGET_MS, ok=ok)
    desk.db.dispose()


if __name__ == "__main__":
    main()
