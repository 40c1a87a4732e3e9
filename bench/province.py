"""The province's page over many communes on PostgreSQL: one request for a quarter (Biểu II.06a
across the communes, the QĐ 766 indicators, the late dossiers, the desks' health), end to end
through a hub process, against a plain Python loop over the same rows (fetch them, apply
app/core/reporting.aggregate) in the same run. Target: ≤ 1 s for 200 communes × 50,000 dossiers.

    python bench/province.py [--communes 200] [--dossiers 50000] [--url postgresql+psycopg://…]

Without --url it keeps a private PostgreSQL cluster in bench/out/province-pg (seeded once with
COPY, reused by later runs of the same size; fsync off like the tests' cluster)."""

from __future__ import annotations

import argparse
import json
import os
import pwd
import random
import subprocess
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import requests
from common import OUT, median, report

from app.core.lifecycle import Status
from app.core.reporting import DossierFacts, Period, aggregate, quarter
from sync.hub.admin import create_admin_token
from sync.hub.report_facts import seconds, state_facts
from sync.hub.store import open_hub
from sync.steps import DossierState
from tests.sync.hubprocess import HubProcess
from tests.sync.pg import _bin

FIELDS = ("Hộ tịch", "Chứng thực", "Đất đai", "Bảo trợ xã hội", "Người có công", "Thi đua, khen thưởng")
YEARS = 10
NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
COLUMNS = ("uid", "agency_id", "code", "status", "procedure_code", "owner_name", "snapshot", "due_at",
           "supplement_count", "reschedule_count", "rating", "updated_at", "r_field", "r_channel", "r_received",
           "r_original_due", "r_fee", "r_online_payment", "r_docs_digitised", "r_docs_reused", "r_result_digitised",
           "r_due", "r_due_day", "r_end", "r_result", "r_paused", "r_late")


def _cluster(folder: Path) -> str:
    """A private cluster kept between runs; started if it is not running."""
    data, user = folder / "data", pwd.getpwnam("postgres")
    port = 55432

    def as_postgres(command: str) -> None:
        subprocess.run(["su", "postgres", "-c", command], check=True)

    if not data.exists():
        folder.mkdir(parents=True, exist_ok=True)
        os.chown(folder, user.pw_uid, user.pw_gid)
        as_postgres(f"{_bin('initdb')} -D {data} -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null")
    running = subprocess.run(["su", "postgres", "-c", f"{_bin('pg_ctl')} -D {data} status"],
                             capture_output=True).returncode == 0
    if not running:
        as_postgres(f"{_bin('pg_ctl')} -D {data} -o '-p {port} -k {folder} -c listen_addresses=127.0.0.1 "
                    f"-c fsync=off -c shared_buffers=256MB -c work_mem=64MB' -l {folder}/log -w start >/dev/null")
    return f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"


def _dossier(rng: random.Random, agency: str, n: int) -> tuple:
    received = NOW - timedelta(minutes=rng.randrange(YEARS * 365 * 24 * 60))
    original_due = received + timedelta(days=rng.choice((0, 1, 3, 5, 7, 15)), hours=8)
    due = original_due + timedelta(days=rng.choice((0, 0, 0, 2)))
    age = (NOW - received).days
    status = rng.choice((Status.RECEIVED, Status.PROCESSING, Status.SUPPLEMENT)) if age < 20 and rng.random() < 0.5 \
        else rng.choices((Status.RETURNED, Status.DONE, Status.REFUSED, Status.WITHDRAWN), (80, 10, 6, 4))[0]
    ended = status in (Status.RETURNED, Status.DONE, Status.REFUSED, Status.WITHDRAWN)
    finished = min(received + timedelta(hours=rng.randrange(1, 24 * 20)), NOW) if ended else None
    returned = min(finished + timedelta(hours=rng.randrange(1, 72)), NOW) if status == Status.RETURNED else None
    paused = received + timedelta(hours=6) if status == Status.SUPPLEMENT else None
    state = DossierState(status=status, due_at=due, paused_since=paused, supplement_count=rng.choice((0, 0, 0, 1, 2)),
                         reschedule_count=int(rng.random() < 0.02), finished_at=finished, returned_at=returned,
                         rating=rng.choice(("", "", "hai_long", "khong_hai_long")))
    field, channel = rng.choice(FIELDS), rng.choice((1, 1, 1, 2, 3))
    fee, online_payment = rng.choice((0, 0, 8000, 50000)), rng.choice((0, 0, 1, 2))
    docs, reused, result = rng.randrange(2), rng.randrange(2), rng.randrange(2)
    facts = state_facts(state)
    row = (str(uuid.UUID(int=rng.getrandbits(128))), agency, f"{agency}-{n:08d}", int(status), "1.001193",
           "Nguyễn Văn A", json.dumps({"actor": "Cán bộ một cửa"}), due.isoformat(), state.supplement_count,
           state.reschedule_count, state.rating, NOW, field, channel, seconds(received), seconds(original_due), fee,
           online_payment, docs, reused, result, *(facts[c] for c in ("r_due", "r_due_day", "r_end", "r_result",
                                                                       "r_paused", "r_late")))
    return row


def _seed(engine, communes: int, dossiers: int) -> None:
    from sqlalchemy import text

    with engine.connect() as c:
        held = c.execute(text("SELECT count(*) FROM dossier")).scalar()
        agencies = c.execute(text("SELECT count(*) FROM agency")).scalar()
    if held == communes * dossiers and agencies == communes:
        return
    started = time.perf_counter()
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("TRUNCATE dossier, agency CASCADE")
        with cursor.copy("COPY agency (id, name) FROM STDIN") as copy:
            for n in range(communes):
                copy.write_row((_agency(n), f"Xã số {n + 1}"))
        for n in range(communes):
            rng = random.Random(n)
            with cursor.copy(f"COPY dossier ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                for i in range(dossiers):
                    copy.write_row(_dossier(rng, _agency(n), i))
            raw.commit()
        raw.driver_connection.autocommit = True  # VACUUM runs outside a transaction
        cursor.execute("VACUUM ANALYZE dossier")  # what autovacuum does on a live hub: index-only scans need it
    finally:
        raw.close()
    print(f"seeded {communes} × {dossiers:,} dossiers in {time.perf_counter() - started:.0f} s")


def _agency(n: int) -> str:
    return f"000.{n // 100:02d}.{n % 100:02d}.H56"


def _at(value: float | None) -> datetime | None:
    return None if value is None else datetime.fromtimestamp(value, UTC)


def _python_loop(engine, period: Period) -> float:
    """The baseline: the period's rows read back and counted by the pure rules, commune by commune."""
    from sqlalchemy import text

    started = time.perf_counter()
    with engine.connect() as c:
        rows = c.execute(text(
            "SELECT agency_id, r_field, r_channel, r_received, r_due, status, r_end, r_result, r_paused, "
            "supplement_count, reschedule_count, r_original_due, r_online_payment, r_fee, r_docs_digitised, "
            "r_result_digitised, r_docs_reused, rating FROM dossier "
            "WHERE r_received < :e AND (r_end IS NULL OR r_end >= :s)"),
            {"s": period.start.timestamp(), "e": period.end.timestamp()}).all()
    by_agency: dict[str, list[DossierFacts]] = {}
    for r in rows:
        end = _at(r.r_end)
        by_agency.setdefault(r.agency_id, []).append(DossierFacts(
            field=r.r_field, channel=r.r_channel, received_at=_at(r.r_received), due_at=_at(r.r_due),
            status=r.status, finished_at=end if r.r_result else None,
            ended_at=None if r.r_result else end, paused_since=_at(r.r_paused),
            supplement_count=r.supplement_count, reschedule_count=r.reschedule_count,
            original_due_at=_at(r.r_original_due), online_payment=r.r_online_payment, fee_amount=r.r_fee,
            docs_digitised=r.r_docs_digitised, result_digitised=r.r_result_digitised, docs_reused=r.r_docs_reused,
            rating=r.rating))
    for facts in by_agency.values():
        aggregate(facts, period)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--communes", type=int, default=200)
    parser.add_argument("--dossiers", type=int, default=50_000)
    parser.add_argument("--url")
    args = parser.parse_args()
    url = args.url or _cluster(OUT / "province-pg")
    engine = open_hub(url)
    _seed(engine, args.communes, args.dossiers)
    hub = HubProcess(url)
    try:
        token = create_admin_token(hub.engine, "bench")
        http = requests.Session()
        http.post(f"{hub.url}/tinh/dang-nhap", data={"ma": token}, timeout=60)
        period = quarter(2026, 3)
        params = {"tu": period.first.isoformat(), "den": period.last.isoformat()}
        times = []
        for _ in range(5):
            started = time.perf_counter()
            page = http.get(f"{hub.url}/tinh", params=params, timeout=120)
            times.append(time.perf_counter() - started)
            assert page.status_code == 200 and "Tổng cộng" in page.text
        page_s = median(times)
        loop_s = _python_loop(engine, period)
    finally:
        hub.stop()
        engine.dispose()
    ratio = loop_s / page_s
    report("province_page", f"Trang của tỉnh, {args.communes} xã × {args.dossiers:,} hồ sơ (PostgreSQL), một quý: "
           f"{page_s * 1000:.0f} ms (trung vị 5 lần); vòng lặp Python qua cùng các hồ sơ: {loop_s:.1f} s "
           f"— nhanh hơn ×{ratio:.0f}; mục tiêu ≤ 1 s",
           communes=args.communes, dossiers=args.dossiers, page_ms=round(page_s * 1000, 1),
           python_loop_s=round(loop_s, 2), ratio=round(ratio, 1), target_ms=1000, ok=page_s <= 1.0)


if __name__ == "__main__":
    main()
