"""What the reports need travels: online payment, digitised components, data reused from the national
store, an electronic result and its code go from one desk through a real hub to the other desk of
the commune and into the national portal's export (issue 13)."""

import json
from datetime import date

from sqlalchemy import select

from app.services import processing
from app.services.reception import receive_dossier
from app.store.models import Dossier, Outbox
from app.sync.client import SyncClient
from sync.hub.export import dvcqg_export
from sync.ops import Finished, Received, parse_payload
from tests.helpers.data import copy_cert
from tests.sync.conftest import COMMUNE_A

REPORT_COLUMNS = ("channel", "online_payment", "docs_digitised", "docs_reused", "result_digitised", "result_code")


def _columns(desk, uid):
    with desk.read() as c:
        row = c.execute(select(Dossier.__table__).where(Dossier.uid == uid)).one()
    return {name: getattr(row, name) for name in REPORT_COLUMNS}


def test_report_facts_reach_the_other_desk_and_the_export(make_desk, hub):
    one, two = make_desk("mot", 1), make_desk("hai", 2)
    paid = receive_dossier(one, copy_cert(channel=2, online_payment=2, docs_digitised=True, docs_reused=True)).uid
    plain = receive_dossier(one, copy_cert()).uid
    processing.finish(one, paid, result_digitised=True, result_code="CT-2026-0042")
    SyncClient(one).round()
    SyncClient(two).round()
    expected = {"channel": 2, "online_payment": 2, "docs_digitised": 1, "docs_reused": 1, "result_digitised": 1,
                "result_code": "CT-2026-0042"}
    assert _columns(one, paid) == expected and _columns(two, paid) == expected
    assert _columns(two, plain) == {"channel": 1, "online_payment": 0, "docs_digitised": 0, "docs_reused": 0,
                                    "result_digitised": 0, "result_code": ""}
    body = dvcqg_export(hub.engine, COMMUNE_A[0], date(2026, 11, 1), date(2026, 11, 30))
    hoso = {h["MaHoSo"]: h for h in body["data"]}
    code_paid = _code(one, paid)
    assert hoso[code_paid]["DuocThanhToanTrucTuyen"] == 2 and hoso[code_paid]["KenhThucHien"] == 2
    assert hoso[code_paid]["HoSoCoThanhPhanSoHoa"] == 1 and hoso[code_paid]["MaKetQua"] == "CT-2026-0042"
    assert all(doc["DuocLayTuKhoDMQG"] == 1 for doc in hoso[code_paid]["TaiLieuNop"])
    assert hoso[code_paid]["DanhSachGiayToKetQua"][0]["DuocSoHoa"] == 1
    other = hoso[_code(one, plain)]
    assert other["DuocThanhToanTrucTuyen"] == 0 and other["MaKetQua"] == "" and other["DanhSachGiayToKetQua"] == []


def test_ops_written_before_the_report_fields_still_parse(desk):
    """A queued op of an older desk has none of the new fields: it parses, with their defaults."""
    uid = receive_dossier(desk, copy_cert()).uid
    processing.finish(desk, uid)
    with desk.read() as c:
        queued = c.execute(select(Outbox.kind, Outbox.payload).order_by(Outbox.seq)).all()
    for kind, text in queued:
        payload = json.loads(text)
        for name in ("online_payment", "docs_digitised", "docs_reused", "result_digitised", "result_code"):
            payload.pop(name, None)
        typed = parse_payload(kind, "dossier", uid, payload)
        if isinstance(typed, Received):
            assert (typed.online_payment, typed.docs_digitised, typed.docs_reused) == (0, False, False)
        if isinstance(typed, Finished):
            assert (typed.result_digitised, typed.result_code) == (False, "")


def _code(desk, uid):
    with desk.read() as c:
        return c.execute(select(Dossier.code).where(Dossier.uid == uid)).scalar_one()
