"""Two workstations of one commune and a real hub, compared column by column.

A property test (hypothesis) runs random sequences of every lifecycle action and of receipts on
two desks, syncing between rounds; after each sync every dossier, event and receipt is equal on
both desks, and every dossier's step-table state equals the hub's. Within a round a dossier is
touched by one workstation only: two officials acting on the same dossier while apart is a real
conflict, which the hub answers as one (tested elsewhere), not a divergence to hide.
"""

import itertools
import unicodedata
from datetime import timedelta

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text

from app.core.errors import DeskError
from app.core.receipts import SeriesSpec
from app.services import processing
from app.services.clock import from_local, to_local
from app.services.commune import CommuneSetup, init_commune
from app.services.desk import Desk
from app.services.dossier_state import state_of
from app.services.receipts import add_series, issue_receipt, replace_receipt, void_receipt
from app.services.reception import receive_dossier
from app.store.engine import open_database
from app.store.models import Dossier
from app.sync.client import SyncClient, enroll
from sync.hub.admin import create_enroll_code
from sync.hub.apply import hub_state
from sync.hub.models import Dossier as HubDossier
from sync.steps import LOCAL_COLUMNS
from tests.helpers.data import copy_cert

communes = itertools.count(1000)
ACTIONS = ("receive", "forward", "request_supplement", "receive_supplement", "refuse", "reschedule", "stop",
           "finish", "hand_over", "withdraw", "rate", "print", "receipt", "void_and_replace", "sync")


def new_desk(path, agency, workstation, hub, clock):
    desk = Desk(open_database(path), actor=f"Cán bộ máy {workstation}", clock=clock)
    init_commune(desk, CommuneSetup(agency, "Xã Hai Máy", workstation_no=workstation))
    enroll(desk, hub.url, create_enroll_code(hub.engine, agency, "Xã Hai Máy", workstation), f"Máy {workstation}")
    add_series(desk, SeriesSpec("paper", "01BLP0-001", "AA/26T", workstation * 1000, workstation * 1000 + 999))
    return desk


def later_working_time(desk, due):
    calendar, wall = desk.calendar(), to_local(due)
    for days in range(1, 15):
        candidate = (wall + timedelta(days=days)).replace(hour=9, minute=0, second=0, microsecond=0)
        if calendar.is_working_time(candidate):
            return from_local(candidate)
    raise AssertionError("no working day in two weeks")


def act(desk, action, uid, n):
    """One official's action; a step the rules do not allow now is refused and changes nothing."""
    row = dossier_row(desk, uid)
    if action == "forward":
        processing.forward(desk, uid, to_unit="Tư pháp – Hộ tịch")
    elif action == "request_supplement":
        processing.request_supplement(desk, uid, reason="Thiếu bản sao giấy khai sinh",
                                      missing_documents=["Bản sao giấy khai sinh"])
    elif action == "receive_supplement":
        processing.receive_supplement(desk, uid, note="Đã bổ sung đủ")
    elif action in ("refuse", "stop", "withdraw"):
        getattr(processing, action)(desk, uid, reason=f"Lý do số {n} của cán bộ")
    elif action == "reschedule":
        processing.reschedule(desk, uid, new_due=later_working_time(desk, row.due_at), reason="Cần xác minh thêm")
    elif action == "finish":
        processing.finish(desk, uid, note="Có kết quả")
    elif action == "hand_over":
        processing.hand_over(desk, uid, receiver="Nguyễn Văn Nhận")
    elif action == "rate":
        processing.rate(desk, uid, level=("rat_hai_long", "hai_long", "khong_hai_long")[n % 3])
    elif action == "print":
        processing.record_print(desk, uid, paper="slip", reprint=bool(n % 2))
    elif action == "receipt":
        issue_receipt(desk, dossier_uid=uid)
    elif action == "void_and_replace":
        with desk.read() as c:
            live = c.execute(text("SELECT r.uid FROM receipt r JOIN dossier d ON d.id = r.dossier_id "
                                  "WHERE d.uid = :u AND r.status = 'issued'"), {"u": uid}).scalar()
        if live is None:
            return
        replace_receipt(desk, live, reason="Ghi sai tên người nộp")


def dossier_row(desk, uid):
    with desk.read() as c:
        return c.execute(select(Dossier.__table__).where(Dossier.uid == uid)).first()


def snapshot(desk):
    """Everything two desks must agree on, keyed by uid (local keys swapped for uids)."""
    with desk.read() as c:
        dossiers = {r["uid"]: {k: v for k, v in r.items() if k not in LOCAL_COLUMNS}
                    for r in c.execute(select(Dossier.__table__)).mappings()}
        events = sorted(c.execute(text("SELECT e.uid, d.uid, e.kind, e.status_after, e.actor, e.device_time, "
                                       "e.payload FROM event e JOIN dossier d ON d.id = e.dossier_id")).all())
        receipts = sorted(c.execute(text(
            "SELECT r.uid, r.number, d.uid, r.payer_name, r.fee_name, r.amount, r.amount_words, r.issued_at, "
            "r.issued_by, r.status, r.void_reason, r.voided_at, r.voided_by, o.uid FROM receipt r "
            "LEFT JOIN dossier d ON d.id = r.dossier_id LEFT JOIN receipt o ON o.id = r.replaces_id")).all())
        documents = sorted(c.execute(text("SELECT d.uid, x.position, x.name, x.form, x.quantity "
                                          "FROM dossier_document x JOIN dossier d ON d.id = x.dossier_id")).all())
    return dossiers, events, receipts, documents


def sync_all(desks):
    for desk in (desks[0], desks[1], desks[0]):
        result = SyncClient(desk).round()
        assert result.online and not result.problem, result


def assert_equal_everywhere(desks, hub):
    one, two = snapshot(desks[0]), snapshot(desks[1])
    for name, a, b in zip(("dossiers", "events", "receipts", "documents"), one, two, strict=True):
        assert a == b, name
    with hub.engine.connect() as c:
        on_hub = {r.uid: hub_state(r) for r in c.execute(select(HubDossier).where(HubDossier.uid.in_(list(one[0]))))}
    assert set(on_hub) == set(one[0])
    for uid in one[0]:
        assert on_hub[uid] == state_of(dossier_row(desks[0], uid)), uid


move = st.tuples(st.sampled_from(ACTIONS), st.integers(0, 1), st.integers(0, 30))


@settings(max_examples=12, deadline=None, phases=[Phase.explicit, Phase.generate],
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(moves=st.lists(move, min_size=15, max_size=60))
def test_two_workstations_and_the_hub_agree_column_by_column(moves, hub, tmp_path, clock):
    n = next(communes)
    agency = f"000.{n // 100 % 100:02d}.{n % 100:02d}.H57"  # a commune of its own per example
    desks = [new_desk(tmp_path / f"{agency}-{k}.sqlite", agency, k, hub, clock) for k in (1, 2)]
    uids: list[str] = []
    touched: dict[str, int] = {}  # dossier -> the workstation that acted on it since the last sync
    try:
        for n, (action, ws, pick) in enumerate(moves):
            clock.advance(hours=3)
            desk = desks[ws]
            if action == "sync":
                sync_all(desks)
                touched.clear()
                assert_equal_everywhere(desks, hub)
            elif action == "receive" or not uids:
                name = unicodedata.normalize("NFD", f"Nguyễn Thị Ánh Tuyết {n}")  # decomposed, as some keyboards type
                got = receive_dossier(desk, copy_cert(name, pages=1 + n % 3, copies=1))
                uids.append(got.uid)
                touched[got.uid] = ws
            else:
                uid = uids[pick % len(uids)]
                ws = touched.get(uid, ws)  # the workstation that has it this round keeps it until the sync
                desk = desks[ws]
                if dossier_row(desk, uid) is None:
                    continue  # received on the other workstation and not synced yet
                try:
                    act(desk, action, uid, n)
                except DeskError:
                    continue
                touched[uid] = ws
        sync_all(desks)
        assert_equal_everywhere(desks, hub)
    finally:
        for desk in desks:
            desk.db.dispose()


def test_a_pause_on_one_workstation_and_its_end_on_the_other_give_one_due_time(make_desk, hub, clock):
    """The supplement pause travels: requested on 1, received on 2, the same due everywhere."""
    one, two = make_desk("mot", 1), make_desk("hai", 2)
    got = receive_dossier(one, copy_cert("Trần Thị Bình"))
    due_before = got.due_at
    processing.request_supplement(one, got.uid, reason="Thiếu bản chính", missing_documents=["Bản chính"])
    sync_all([one, two])
    assert dossier_row(two, got.uid).paused_since is not None
    paused_at = clock()
    clock.advance(days=2)  # Friday 20/11 09:00: two working days waited
    step = processing.receive_supplement(two, got.uid)
    sync_all([one, two])
    waited = two.calendar().working_time_between(to_local(paused_at), to_local(clock()))
    assert waited >= timedelta(hours=16)  # two full working days of 8 h
    assert two.calendar().working_time_between(to_local(due_before), to_local(step.due_at)) == waited
    assert dossier_row(one, got.uid).due_at == dossier_row(two, got.uid).due_at == step.due_at
    with hub.engine.connect() as c:
        on_hub = hub_state(c.execute(select(HubDossier).where(HubDossier.uid == got.uid)).one())
    assert on_hub == state_of(dossier_row(one, got.uid)) == state_of(dossier_row(two, got.uid))
    assert on_hub.paused_since is None and on_hub.supplement_count == 1


def test_a_fee_collected_on_one_workstation_is_never_collected_again_on_the_other(make_desk, hub):
    one, two = make_desk("mot", 1), make_desk("hai", 2)
    add_series(one, SeriesSpec("paper", "01BLP0-001", "AA/26T", 1000, 1999))
    add_series(two, SeriesSpec("paper", "01BLP0-001", "AA/26T", 2000, 2999))
    got = receive_dossier(one, copy_cert("Trần Thị Bình"))
    issued = issue_receipt(one, dossier_uid=got.uid)
    sync_all([one, two])
    from app.services.receipts import receipts_of_day
    lines = receipts_of_day(two, to_local(issued.issued_at).date())
    assert [(line.uid, line.number, line.issued_by) for line in lines] == [(issued.uid, 1000, "Cán bộ mot")]
    try:
        issue_receipt(two, dossier_uid=got.uid)
        raise AssertionError("a second live receipt was issued")
    except DeskError as refused:
        assert "đã có biên lai số" in refused.message
    void_receipt(two, issued.uid, reason="Ghi sai số tiền phải thu")  # the head of the desk corrects it
    replacement = issue_receipt(two, dossier_uid=got.uid, replaces_uid=issued.uid)
    sync_all([one, two])
    assert snapshot(one)[2] == snapshot(two)[2]
    assert replacement.number == 2000
