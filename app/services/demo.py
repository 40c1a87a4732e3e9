"""A demo commune with a year of realistic dossiers, built through the real services.

It switched to e-receipts a few weeks ago (the early switch of issue 10), with a demo certificate
that says it has no legal value, so a new user sees e-receipts signed, delivered, voided with
their notice and replaced; older ones carry the states the hub would have sent back."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import select

from app.core.permissions import Role
from app.core.receipts import SeriesSpec
from app.services import processing
from app.services.clock import from_local, to_local, utc_now
from app.services.commune import CommuneSetup, init_commune
from app.services.desk import Desk
from app.services.ereceipts import apply_transmission
from app.services.officers import create_officer
from app.services.people import make_person
from app.services.receipts import add_series, issue_receipt, replace_receipt
from app.services.reception import Received, ReceptionInput, receive_dossier
from app.services.settings import save_settings
from app.store.engine import open_database
from app.store.models import EReceiptDocument, Receipt

DEMO_COMMUNE = CommuneSetup("000.17.22.H56", "Xã Quảng Phú", workstation_no=1, agency_name="UBND xã Quảng Phú",
                            place_name="Quảng Phú")
OFFICIALS = ["Nguyễn Thị Lan", "Lê Văn Hòa"]


@dataclass(frozen=True)
class DemoOfficer:
    username: str
    password: str  # published on purpose (README, the demo's login): demo data only
    full_name: str
    role: Role
    title: str

    @property
    def roles_label(self) -> str:
        return self.role.label.lower()


# One account per role (issue 9); the two officials of the demo's history are the first two.
DEMO_OFFICERS = (
    DemoOfficer("lan.nt", "tiepnhan2026", "Nguyễn Thị Lan", Role.RECEPTION, "Công chức một cửa"),
    DemoOfficer("hoa.lv", "truongbp2026", "Lê Văn Hòa", Role.HEAD, "Phó Giám đốc Trung tâm"),
    DemoOfficer("quantri", "quantri2026", "Phạm Thu Hà", Role.ADMIN, "Công chức văn phòng"),
)
# (procedure code, weight): copy certification dominates a commune desk's day.
MIX = [("2.000815", 40), ("2.000884", 12), ("1.001193", 10), ("XA.HT.TRICHLUC", 8), ("1.000894", 5),
       ("1.000656", 4), ("XA.HT.TTHN", 8), ("XA.CT.HOPDONG", 6), ("XA.HT.CAICHINH", 3), ("XA.HT.NHANCMC", 2),
       ("XA.HT.GIAMHO", 1), ("XA.CT.SUAHD", 1)]
PROVINCIAL_FEES = {"XA.HT.TTHN": 20000, "XA.HT.CAICHINH": 15000, "XA.HT.NHANCMC": 20000}
# The collector as its e-receipts name it; the tax office is illustrative (demo data).
DEMO_COLLECTOR = dict(
    collector_name="Ủy ban nhân dân xã Quảng Phú", collector_tax_code="2800123456",
    collector_address="Xã Quảng Phú, tỉnh Thanh Hóa", collector_phone="0237 3861 234", collector_budget_code="1234567",
    tax_office_code="28101", tax_office_name="Thuế cơ sở 1 tỉnh Thanh Hóa", ereceipt_contact_name="Nguyễn Thị Lan",
    ereceipt_contact_email="motcua@quangphu.example.vn",
)
E_RECEIPT_DAYS = 30  # the demo commune switched to e-receipts this many days before today


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
        return_method="post" if rng.random() < 0.05 else "desk", **_report_facts(person.cccd),
    )


def _report_facts(seed: str) -> dict[str, object]:
    """What the reports read (issue 13): a fifth online, some paid online, scans, reused data. From a
    generator of its own, so the demo's other draws (and what tests know of them) stay the same."""
    extra = random.Random(seed)
    online = extra.random() < 0.2
    return {"channel": 2 if online else 1, "online_payment": extra.choice([1, 2]) if online else 0,
            "docs_digitised": online or extra.random() < 0.3, "docs_reused": extra.random() < 0.15}


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
        digital = random.Random(got.uid).random() < 0.4  # an electronic result (issue 13), off the main draws
        steps.append((finish_at, lambda: processing.finish(desk, got.uid, result_digitised=digital)))
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
            issued = issue_receipt(desk, dossier_uid=got.uid)
            if issued.kind == "electronic" and rng.random() < 0.03:  # a wrong one: notice, then replacement
                clock.at(to_local(clock()) + timedelta(minutes=3))
                replace_receipt(desk, issued.uid, reason="Ghi sai tên người nộp tiền",
                                payer_name=form.owner_name.upper())
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
    for officer in DEMO_OFFICERS:
        create_officer(desk, username=officer.username, full_name=officer.full_name, title=officer.title,
                       roles=(officer.role,), password=officer.password)
    add_series(desk, SeriesSpec("paper", "01BLP0-001", "AA/26T", 1, 20000), source="demo")
    switch_to_ereceipts(desk, path, today - timedelta(days=E_RECEIPT_DAYS))
    calendar = desk.calendar()
    for offset in range(days, -1, -1):
        day = today - timedelta(days=offset)
        if calendar.is_working_day(day):
            with desk.batch():
                _day(desk, clock, rng, day)
    _delivered(desk, today)
    database.dispose()
    return path


def switch_to_ereceipts(desk: Desk, path: Path, start: date) -> None:
    """E-receipts from `start` (the early switch), the demo certificate beside the database at
    `path`, one e-receipt range a year up to next year's; the demo collector's details. The demo
    and the self-test use it: the demo password is published, the certificate has no legal value."""
    from app.services.signer_config import DEMO, DEMO_PASSWORD  # the e-receipt stack, only when building
    from ereceipt.keys import make_demo_pkcs12

    today = to_local(utc_now()).date()  # the demo's clock may stand a year back while it is built
    key = path.with_name(f"{path.stem}-chung-thu-thu-nghiem.p12")
    make_demo_pkcs12(key, DEMO_PASSWORD.encode(), DEMO_COLLECTOR["collector_name"],
                     DEMO_COLLECTOR["collector_tax_code"], valid_from=from_local(datetime.combine(start, time.min))
                     - timedelta(days=1))
    with desk.write() as connection:
        save_settings(connection, **DEMO_COLLECTOR, ereceipts_from=start.isoformat(), signer_kind=DEMO,
                      signer_path=key.name)
    desk.forget_cached()
    for year in range(start.year, today.year + 2):  # next year's too: the demo keeps working on 01/01
        add_series(desk, SeriesSpec("electronic", "EBL01", f"{year % 100:02d}TAA", 1, 20000), source="demo")


def _delivered(desk: Desk, today: date) -> None:
    """What the hub would have sent back: older e-receipts accepted, yesterday's sent, today's waiting."""
    receipts, documents = Receipt.__table__, EReceiptDocument.__table__
    with desk.write() as connection:
        rows = connection.execute(select(receipts.c.uid, receipts.c.issued_at)
                                  .join(documents, documents.c.receipt_id == receipts.c.id)).all()
        for uid, issued_at in rows:
            age = (today - to_local(issued_at).date()).days
            if age >= 1:
                apply_transmission(connection, {
                    "receipt_id": uid, "document": "receipt", "state": "accepted" if age > 1 else "sent",
                    "at": issued_at + timedelta(hours=2),
                    "message_id": f"V0100000000{uid.replace('-', '')[:20].upper()}"})
