"""A model-based test (hypothesis): random receptions, steps, receipts, network partitions, desk
restarts and sync rounds over two workstations of one commune. When the network heals, every op
is on the hub exactly once, both outboxes are drained, both desks see the same dossiers, and the
receipt numbers of each workstation have no gap."""

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, text

from app.core.receipts import SeriesSpec
from app.services import processing, sync_state
from app.services.commune import CommuneSetup, init_commune
from app.services.desk import Desk
from app.services.queries import count_dossiers, dossier_detail
from app.services.receipts import add_series, issue_receipt
from app.services.reception import receive_dossier
from app.store.engine import open_database
from app.sync.client import SyncClient, enroll
from sync.hub.admin import create_enroll_code
from sync.hub.models import AppliedOp, Dossier
from tests.helpers.data import copy_cert

communes = itertools.count(10)
DEAD = "http://127.0.0.1:9"

step = st.one_of(
    st.tuples(st.just("receive"), st.integers(0, 1)),
    st.tuples(st.just("forward"), st.integers(0, 1)),
    st.tuples(st.just("sync"), st.integers(0, 1)),
    st.tuples(st.just("partition"), st.booleans()),
    st.tuples(st.just("restart"), st.integers(0, 1)),
)


def new_desk(path, agency, workstation, hub, clock):
    desk = Desk(open_database(path), actor=f"Cán bộ {workstation}", clock=clock)
    init_commune(desk, CommuneSetup(agency, "Xã Mô Hình", workstation_no=workstation))
    enroll(desk, hub.url, create_enroll_code(hub.engine, agency, "Xã Mô Hình", workstation), f"Máy {workstation}")
    add_series(desk, SeriesSpec("paper", "01BLP0-001", "AA/26T", workstation * 1000, workstation * 1000 + 999))
    return desk


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(step, min_size=5, max_size=30))
def test_random_work_partitions_and_restarts_end_consistent(steps, hub, tmp_path, clock):
    agency = f"000.{next(communes):02d}.22.H56"
    paths = [tmp_path / f"{agency}-{k}.sqlite" for k in (1, 2)]
    desks = [new_desk(paths[k], agency, k + 1, hub, clock) for k in (0, 1)]
    received = [[], []]
    partitioned = False
    try:
        for action, arg in steps:
            clock.advance(minutes=7)
            if action == "receive":
                got = receive_dossier(desks[arg], copy_cert(f"Người {len(received[arg])}", pages=2, copies=1))
                issue_receipt(desks[arg], dossier_uid=got.uid)
                received[arg].append(got.uid)
            elif action == "forward" and received[arg]:
                uid = received[arg][-1]
                if dossier_detail(desks[arg], uid)["dossier"]["status"] == 2:
                    processing.forward(desks[arg], uid, to_unit="Tư pháp")
            elif action == "sync":
                client = SyncClient(desks[arg])
                if partitioned:
                    client.base = DEAD
                client.round()
            elif action == "partition":
                partitioned = arg
            elif action == "restart":
                desks[arg].db.dispose()
                desks[arg] = Desk(open_database(paths[arg]), actor=f"Cán bộ {arg + 1}", clock=clock)
        for desk in desks + desks:  # the network heals: two rounds each
            assert SyncClient(desk).round().online
        total_ops = 0
        every: list[list] = []
        for k, desk in enumerate(desks):
            assert sync_state.counts(desk)["pending"] == 0 and sync_state.counts(desk)["rejected"] == 0
            with desk.read() as c:
                total_ops += c.execute(text("SELECT count(*) FROM outbox")).scalar()
                numbers = [n for (n,) in c.execute(text(  # this workstation's own range, gapless
                    "SELECT number FROM receipt JOIN receipt_series s ON s.id = series_id "
                    "WHERE s.source != 'pulled' ORDER BY number"))]
                every.append(sorted(c.execute(text("SELECT uid, number, amount, status FROM receipt")).all()))
            assert numbers == list(range((k + 1) * 1000, (k + 1) * 1000 + len(numbers)))
        assert every[0] == every[1]  # each desk also holds the other's receipts, pulled
        with hub.engine.connect() as c:
            mine = select(func.count()).select_from(Dossier).where(Dossier.agency_id == agency)
            assert c.execute(mine).scalar() == len(received[0]) + len(received[1])
            ops = c.execute(select(func.count()).select_from(AppliedOp).where(
                AppliedOp.device_id.in_([d.settings().device_id for d in desks]))).scalar()
        assert ops == total_ops
        assert count_dossiers(desks[0]) == count_dossiers(desks[1]) == len(received[0]) + len(received[1])
    finally:
        for desk in desks:
            desk.db.dispose()
