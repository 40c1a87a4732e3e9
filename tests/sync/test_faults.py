from sqlalchemy import func, select

from app.services import processing, sync_state
from app.services.reception import receive_dossier
from app.sync.client import SyncClient
from sync.hub.models import AppliedOp, Dossier, DossierEvent
from tests.helpers.data import birth
from tests.sync.proxy import AckDroppingProxy


def hub_count(hub, model):
    with hub.engine.connect() as c:
        return c.execute(select(func.count()).select_from(model)).scalar()


def test_a_lost_acknowledgement_duplicates_nothing(make_desk, hub):
    desk = make_desk("mot", 1)
    for k in range(3):
        got = receive_dossier(desk, birth(f"Người nộp {k}"))
        processing.forward(desk, got.uid, to_unit="Tư pháp")
    proxy = AckDroppingProxy(int(hub.url.rsplit(":", 1)[1]))
    try:
        sync = SyncClient(desk)
        sync.base = f"http://127.0.0.1:{proxy.port}"
        proxy.drop_next_response = True
        first = sync.round()
        assert proxy.dropped == 1 and not first.online  # the hub applied; the desk did not hear it
        assert hub_count(hub, AppliedOp) == 6 and sync_state.counts(desk)["pending"] == 6
        second = sync.round()  # the same ops again: the hub answers from its records
        assert second.online and second.pushed == 6
    finally:
        proxy.close()
    assert hub_count(hub, AppliedOp) == 6 and hub_count(hub, Dossier) == 3 and hub_count(hub, DossierEvent) == 6
    assert sync_state.counts(desk) == {"pending": 0, "sent": 6, "rejected": 0}
