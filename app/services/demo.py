"""A demo commune with a year of realistic dossiers, built through the real services."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from pathlib import Path

from app.core.receipts import SeriesSpec
from app.services import processing
from app.services.clock import from_local, to_local, utc_now
from app.services.commune import CommuneSetup, init_commune
from app.services.desk import Desk
from app.services.people import make_person
from app.services.receipts import add_series, issue_receipt
from app.services.reception import Received, ReceptionInput, receive_dossier
from app.store.engine import open_database

DEMO_COMMUNE = CommuneSetup("000.17.22.H56", "Xã Quảng Phú", workstation_no=1, agency_name="UBND xã Quảng Phú",
                            place_name="Quảng Phú")
OFFICIALS = ["Nguyễn Thị Lan", "Lê Văn Hòa"]
# (procedure code, weight): copy certification dominates a commune desk's day.
MIX = [("2.000815", 40), ("2.000884", 12), ("1.001193", 10), ("XA.HT.TRICHLUC", 8), ("1.000894", 5),
       ("1.000656", 4), ("XA.HT.TTHN", 8), ("XA.CT.HOPDONG", 6), ("XA.HT.CAICHINH", 3), ("XA.HT.NHANCMC", 2),
       ("XA.HT.GIAMHO", 1), ("XA.CT.SUAHD", 1)]
PROVINCIAL_FEES = {"XA.HT.TTHN": 20000, "XA.HT.CAICHINH": 15000, "XA.HT.NHANCMC": 20000}


class DemoClock:
    def __init__(self) -> None:
        self.instant = utc_now()

    def __call__(self) -> datetime:
        return self.instant

    def at(self, wall: datetime) -> None:
        self.instant = from_local(wall)


def _form(rng: random.Random) -> ReceptionInput:
    code = rng.choices([c for c, _ in MIX], [w for _, w in MIX])[0]
    person = make_person(rng)
    return ReceptionInput(
        code, person.name, owner_id_number=person.cccd, owner_birth_date=person.birth_date, owner_sex=person.sex,
        owner_address=person.address, owner_phone=person.phone if rng.random() < 0.8 else "",
        pages=rng.randint(1, 12), copies=rng.randint(1, 4), manual_fee=PROVINCIAL_FEES.get(code),
        return_method="post" if rng.random() < 0.05 else "desk",
    )


def _walk(desk: Desk, clock: DemoClock, rng: random.Random, got: Received, owner: str, today: date) -> None:
    """Moves a dossier along as the office would have, up to `today`."""
    due = to_local(got.due_at)
    received = to_local(got.received_at)
    steps: list[tuple[datetime, Callable[[], object]]] = []
    if rng.random() < 0.02:
        steps.append((received + timedelta(minutes=20), lambda: processing.refuse(
            desk, got.uid, reason="Hồ sơ không thuộc thẩm quyền giải quyết của xã")))
    else:
        steps.append((received + timedelta(minutes=30), lambda: processing.forward(
            desk, got.uid, to_unit="Công chức Tư pháp - Hộ tịch")))
        finish_at = received + (due - received) * rng.uniform(0.3, 1.15)
        if rng.random() < 0.08:
            steps.append((received + timedelta(hours=2), lambda: processing.request_supplement(
                desk, got.uid, reason="Bản sao chưa rõ nét", missing_documents=["Bản sao giấy tờ tùy thân"])))
            steps.append((received + timedelta(days=1, hours=1), lambda: processing.receive_supplement(desk, got.uid)))
            finish_at += timedelta(days=1, hours=2)
        steps.append((finish_at, lambda: processing.finish(desk, got.uid)))
        steps.append((finish_at + timedelta(hours=rng.uniform(0.2, 30)), lambda: processing.hand_over(
            desk, got.uid, receiver=owner)))
        if rng.random() < 0.6:
            level = rng.choices(["rat_hai_long", "hai_long", "khong_hai_long"], [55, 42, 3])[0]
            steps.append((finish_at + timedelta(hours=31), lambda: processing.rate(desk, got.uid, level=level)))
    now_wall = to_local(utc_now())
    # The last week: what is not yet due is still on the officials' desks; a few are late.
    if (today - received.date()).days <= 7 and (due > now_wall or rng.random() < 0.05):
        steps = steps[: rng.choice([1, 1, 2, 2, len(steps)])]
    for when, act in steps:
        if when.date() > today or when > now_wall:
            return
        clock.at(max(when, to_local(clock())))
        act()


def _day(desk: Desk, clock: DemoClock, rng: random.Random, day: date) -> None:
    count = max(1, int(rng.gauss(12, 4)))
    minutes = sorted(rng.randrange(0, 8 * 60) for _ in range(count))
    for minute in minutes:
        wall = datetime.combine(day, time(7, 15)) + timedelta(minutes=minute if minute < 255 else minute + 120)
        if wall > to_local(utc_now()):
            return
        desk.actor = rng.choice(OFFICIALS)
        clock.at(wall)
        form = _form(rng)
        got = receive_dossier(desk, form)
        if got.fee_amount > 0:
            issue_receipt(desk, dossier_uid=got.uid)
        _walk(desk, clock, rng, got, form.owner_name, to_local(utc_now()).date())


def build_demo(path: Path, *, days: int = 365, seed: int = 2026) -> Path:
    """Creates the demo commune at `path` (replacing any file there)."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    rng = random.Random(seed)
    clock = DemoClock()
    today = to_local(clock()).date()
    clock.at(datetime.combine(today - timedelta(days=days + 1), time(8, 0)))
    # A throw-away file: durability is not needed while it is built, speed is.
    database = open_database(path, synchronous="OFF")
    desk = Desk(database, actor=OFFICIALS[0], clock=clock)
    init_commune(desk, DEMO_COMMUNE)
    add_series(desk, SeriesSpec("paper", "01BLP0-001", "AA/26T", 1, 20000), source="demo")
    calendar = desk.calendar()
    for offset in range(days, -1, -1):
        day = today - timedelta(days=offset)
        if calendar.is_working_day(day):
            with desk.batch():
                _day(desk, clock, rng, day)
    database.dispose()
    return path
