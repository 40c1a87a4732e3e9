"""A device with a valid token that sends garbage: every crafted op is refused with a code and a
Vietnamese message, nothing it sent reaches the other desks, and they go on syncing — a dossier
received afterwards still arrives everywhere."""

import json
import uuid
from datetime import UTC, datetime

import pytest
import requests
from sqlalchemy import select, text

from app.core.receipts import SeriesSpec
from app.services.queries import count_dossiers, dossier_detail
from app.services.receipts import issue_receipt
from app.services.reception import receive_dossier
from app.sync.client import SyncClient
from sync.canonical import payload_hash
from sync.hub.admin import allot
from sync.hub.models import Change, Dossier, Receipt
from sync.ops import Printed, ReceiptIssued
from tests.helpers.data import copy_cert
from tests.sync.conftest import COMMUNE_A

NOW = datetime(2026, 11, 18, 2, 0, tzinfo=UTC).isoformat()


def op(kind, entity_id, payload, actor="Kẻ xấu", entity=None):
    return {"op_id": str(uuid.uuid4()), "entity": entity or kind.split(".")[0], "entity_id": entity_id,
            "kind": kind, "payload": payload, "payload_sha256": payload_hash(payload), "actor": actor,
            "device_time": NOW, "device_seq": 1}


def push(hub, token, ops):
    response = requests.post(f"{hub.url}/api/v1/sync/push", json={"schema": 1, "ops": ops},
                             headers={"Authorization": f"Bearer {token}"}, timeout=30)
    assert response.status_code == 200, response.text
    return response.json()["results"]


def crafted_ops(honest_received: dict, dossier_uid: str, hostile_ws: int) -> list[tuple[str, dict]]:
    """(expected code, op) for each attack the issue names."""
    received = dict(honest_received)
    new_uid = str(uuid.uuid4())
    own_code = f"{COMMUNE_A[0]}-261118-{hostile_ws}001"
    fresh = {**received, "dossier_id": new_uid, "event_id": str(uuid.uuid4()), "code": own_code,
             "workstation_no": hostile_ws, "actor": "Kẻ xấu"}
    printed = Printed(event_id=str(uuid.uuid4()), dossier_id=dossier_uid, kind="printed", status_after=10,
                      actor="Kẻ xấu", device_time=NOW, paper="slip", reprint=False).wire()
    receipt = ReceiptIssued(receipt_id=str(uuid.uuid4()), template_symbol="01BLP0-001", series_symbol="AA/26T",
                            number=5, dossier_id=dossier_uid, payer_name="Ai đó", fee_name="Lệ phí",
                            amount=1000, amount_words="Một nghìn đồng", issued_at=NOW).wire()
    other = str(uuid.uuid4())
    return [
        ("invalid_payload", op("dossier.finished", dossier_uid, {**printed, "kind": "finished", "status_after": 99,
                                                                 "paper": None})),
        ("invalid_payload", op("dossier.received", new_uid, {k: fresh[k] for k in list(fresh)[:8]})),
        ("unknown_procedure", op("dossier.received", new_uid, {**fresh, "procedure_code": "KHONG.CO"})),
        ("invalid_payload", op("dossier.received", new_uid, {**fresh, "device_time": "garbage"})),
        ("wrong_status", op("dossier.printed", dossier_uid, printed)),
        ("invalid_payload", op("receipt.issued", receipt["receipt_id"], {**receipt, "amount": -5000})),
        ("invalid_payload", op("receipt.issued", receipt["receipt_id"], {**receipt, "amount": "nhiều"})),
        ("outside_allotment", op("receipt.issued", other, {**receipt, "receipt_id": other, "dossier_id": None,
                                                           "number": 1500})),  # workstation 1's number
        ("receipt_exists", op("receipt.issued", receipt["receipt_id"], {**receipt, "number": 3005})),  # own range
        ("unknown_kind", op("dossier.exploded", dossier_uid, printed)),
        ("kind_mismatch", op("dossier.printed", dossier_uid, printed, entity="receipt")),
        ("invalid_payload", op("dossier.printed", dossier_uid, {**printed, "status_after": 2, "extra": "x"})),
        ("wrong_workstation", op("dossier.received", new_uid, {**fresh, "code": f"{COMMUNE_A[0]}-261118-1999"})),
        ("entity_mismatch", op("dossier.printed", str(uuid.uuid4()), {**printed, "status_after": 2})),
        ("invalid_payload", op("dossier.printed", dossier_uid, {**printed, "status_after": 2,
                                                                "actor": "Ke\u0301 xa\u0301u"})),  # not NFC
    ]


@pytest.mark.slow
def test_a_hostile_device_cannot_stop_the_others_or_change_a_status(make_desk, hub):
    one, two = make_desk("mot", 1), make_desk("hai", 2)
    hostile = make_desk("xau", 3)
    allot(hub.engine, COMMUNE_A[0], 1, SeriesSpec("paper", "01BLP0-001", "AA/26T", 1000, 1999))
    allot(hub.engine, COMMUNE_A[0], 3, SeriesSpec("paper", "01BLP0-001", "AA/26T", 3000, 3999))
    for desk in (one, two, hostile):
        SyncClient(desk).round()
    got = receive_dossier(one, copy_cert("Trần Thị Bình"))
    issue_receipt(one, dossier_uid=got.uid)
    with one.read() as c:
        received = c.execute(text("SELECT payload FROM outbox WHERE kind = 'dossier.received'")).scalar()
    SyncClient(one).round()
    token = SyncClient(hostile).token
    attacks = crafted_ops(json.loads(received), got.uid, 3)
    results = [push(hub, token, [attack])[0] for _, attack in attacks]  # one a request: none held back
    assert [r["code"] for r in results] == [code for code, _ in attacks]
    assert all(r["status"] in ("rejected", "conflict") and r["message"] for r in results)
    with hub.engine.connect() as c:
        assert c.execute(select(Dossier.status).where(Dossier.uid == got.uid)).scalar() == 2
        assert c.execute(select(Receipt.number).where(Receipt.dossier_uid == got.uid)).scalars().all() == [1000]
        origins = set(c.execute(select(Change.origin_device)).scalars())
    assert hostile.settings().device_id not in origins  # nothing it sent reaches another desk
    # The other desks still sync, and a dossier received afterwards reaches them.
    later = receive_dossier(one, copy_cert("Lê Văn Sau"))
    for desk in (one, two, one, two):
        result = SyncClient(desk).round()
        assert result.online and not result.problem, result.problem
    assert count_dossiers(two) == 2
    assert dossier_detail(two, later.uid)["dossier"]["code"] == later.code
    assert dossier_detail(two, got.uid)["dossier"]["status"] == 2


def test_a_hostile_device_cannot_store_a_false_e_receipt(hub, tmp_path):
    """Issue 10: a `receipt.signed` with a forged signature, an amount other than the receipt's,
    another commune's receipt, or 256 KB of garbage base64 is refused with its code; nothing is kept."""
    import base64 as b64module
    import hashlib

    from sync.hub.models import EDocument
    from tests.sync.conftest import COMMUNE_B
    from tests.sync.ereceipt_ops import b64, enrolled_token, make, signer

    key = signer(tmp_path)
    honest, hostile, stranger = (enrolled_token(hub, COMMUNE_A, 1), enrolled_token(hub, COMMUNE_A, 3),
                                 enrolled_token(hub, COMMUNE_B, 1))
    theirs = make(key, 1)
    assert [r["status"] for r in push(hub, honest, [theirs.issued])] == ["applied"]
    own = make(key, 3001)
    assert push(hub, hostile, [own.issued])[0]["status"] == "applied"
    value = own.xml.split(b"<ds:SignatureValue>")[1].split(b"</ds:SignatureValue>")[0]
    forged = own.xml.replace(value, b64module.b64encode(bytes(len(b64module.b64decode(value)))))
    garbage = b64module.b64encode(b"\x00\xff<BLai>" * 40_000).decode()[: 256 * 1024]

    def signed(made, **payload):
        body = {**made.signed["payload"], **payload}
        return op("receipt.signed", made.receipt_id, body, actor="Lê Thị Hoa", entity="receipt")

    attacks = [
        (hostile, "signature_invalid", signed(own, **b64(forged))),
        (hostile, "xml_mismatch", signed(own, **b64(make(key, 3001, amount=1_000, lookup_code=own.receipt.lookup_code)
                                                      .xml))),
        (stranger, "foreign_receipt", signed(theirs)),
        (hostile, "signature_invalid", signed(own, xml_b64=garbage,
                                              xml_sha256=hashlib.sha256(b64module.b64decode(garbage)).hexdigest())),
    ]
    for token, code, attack in attacks:
        [result] = push(hub, token, [attack])
        assert (result["status"], result["code"]) == ("rejected", code), result
        assert result["message"]
    with hub.engine.connect() as c:
        assert c.execute(select(EDocument.uid)).scalars().all() == []
        assert c.execute(select(Change.kind).where(Change.kind.like("receipt.s%"))).scalars().all() == []
    assert [r["status"] for r in push(hub, honest, [theirs.signed])] == ["applied"]  # the real one still goes in
