"""Helpers for the hub's e-receipt tests: a device enrolled over HTTP, signed receipts and notices
made with a real PKCS#12 key and pushed as the contract's ops, and the provider simulator on a real
uvicorn on 127.0.0.1."""

from __future__ import annotations

import base64
import hashlib
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path

import requests
import uvicorn

from ereceipt.build import build_signed
from ereceipt.content import Collector, EReceipt, Payer, make_lookup_code
from ereceipt.keys import Pkcs12Signer, make_demo_pkcs12
from ereceipt.notice import REPLACE, WrongNotice, WrongReceipt
from ereceipt.notice import to_xml as notice_xml
from ereceipt.signing import sign_form
from sync.canonical import payload_hash
from sync.hub.admin import create_enroll_code
from sync.ops import ReceiptIssued, ReceiptNoticed, ReceiptSigned, ReceiptVoided
from sync.provider_sim.app import SimState, create_app

COLLECTOR = Collector("Ủy ban nhân dân xã Quảng Phú", "2800123456", "Xã Quảng Phú, tỉnh Thanh Hóa",
                      phone="0237 3861 234")
PASSWORD = b"mat-khau-thu"
ISSUED = datetime(2027, 1, 1, 7, 30)  # local wall time (GMT+7)
ISSUED_UTC = datetime(2027, 1, 1, 0, 30, tzinfo=UTC)


def signer(folder: Path, organisation: str = COLLECTOR.name, tax_code: str = COLLECTOR.tax_code) -> Pkcs12Signer:
    path = make_demo_pkcs12(folder / f"{uuid.uuid4().hex}.p12", PASSWORD, organisation, tax_code)
    return Pkcs12Signer(path, PASSWORD)


def enrolled_token(hub, agency: tuple[str, str], workstation: int) -> str:
    code = create_enroll_code(hub.engine, agency[0], agency[1], workstation)
    response = requests.post(f"{hub.url}/api/v1/devices/enroll", json={
        "schema": 1, "code": code, "device_name": f"Máy {workstation}", "app_version": "0.1.0"}, timeout=10)
    assert response.status_code == 200, response.text
    return response.json()["token"]


def op(kind: str, entity_id: str, payload: dict, actor: str = "Lê Thị Hoa") -> dict:
    return {"op_id": str(uuid.uuid4()), "entity": "receipt", "entity_id": entity_id, "kind": kind,
            "payload": payload, "payload_sha256": payload_hash(payload), "actor": actor,
            "device_time": ISSUED_UTC.isoformat(), "device_seq": 1}


def push(hub, token: str, ops: list[dict]) -> list[dict]:
    response = requests.post(f"{hub.url}/api/v1/sync/push", json={"schema": 1, "ops": ops},
                             headers={"Authorization": f"Bearer {token}"}, timeout=60)
    assert response.status_code == 200, response.text
    return response.json()["results"]


def pull(hub, token: str, since: int = 0) -> list[dict]:
    response = requests.get(f"{hub.url}/api/v1/sync/pull", params={"since": since},
                            headers={"Authorization": f"Bearer {token}"}, timeout=30)
    assert response.status_code == 200, response.text
    return response.json()["changes"]


def b64(xml: bytes) -> dict:
    return {"xml_b64": base64.b64encode(xml).decode("ascii"), "xml_sha256": hashlib.sha256(xml).hexdigest()}


@dataclass
class Made:
    """One e-receipt as a desk would queue it: its `receipt.issued` and `receipt.signed` ops."""

    receipt: EReceipt
    receipt_id: str
    xml: bytes
    issued: dict
    signed: dict

    def ops(self) -> list[dict]:
        return [self.issued, self.signed]


def e_receipt(number: int = 1, amount: int = 21_000, **changes) -> EReceipt:
    values = dict(template_symbol="EBL01", series_symbol="27TAA", number=number, issued_at=ISSUED,
                  collector=COLLECTOR, payer=Payer("Nguyễn Văn Đức", "Thôn Đông, xã Quảng Phú"),
                  fee_name="Lệ phí chứng thực bản sao từ bản chính", amount=amount, lookup_code=make_lookup_code(),
                  collector_officer="Lê Thị Hoa")
    values.update(changes)
    return EReceipt(**values)


def issued_payload(receipt: EReceipt, receipt_id: str, replaces: str | None = None) -> dict:
    return ReceiptIssued(receipt_id=receipt_id, template_symbol=receipt.template_symbol,
                         series_symbol=receipt.series_symbol, number=receipt.number, payer_name=receipt.payer.name,
                         fee_name=receipt.fee_name, amount=receipt.amount, amount_words=receipt.amount_words,
                         issued_at=ISSUED_UTC, replaces=replaces).wire()


def signed_payload(receipt: EReceipt, receipt_id: str, xml: bytes) -> dict:
    return ReceiptSigned(receipt_id=receipt_id, template_symbol=receipt.template_symbol,
                         series_symbol=receipt.series_symbol, number=receipt.number, lookup_code=receipt.lookup_code,
                         signed_at=ISSUED_UTC, **b64(xml)).wire()


def make(key: Pkcs12Signer, number: int = 1, *, signed_as: EReceipt | None = None, replaces: str | None = None,
         **changes) -> Made:
    """A receipt row (`receipt.issued`) and its signed document; `signed_as` signs other content."""
    receipt = e_receipt(number, **changes)
    receipt_id = str(uuid.uuid4())
    xml = build_signed(signed_as or receipt, key)
    issued = op("receipt.issued", receipt_id, issued_payload(receipt, receipt_id, replaces))
    signed = op("receipt.signed", receipt_id, signed_payload(receipt, receipt_id, xml))
    return Made(receipt, receipt_id, xml, issued, signed)


def voided(made: Made) -> dict:
    payload = ReceiptVoided(receipt_id=made.receipt_id, number=made.receipt.number, reason="Ghi sai tên người nộp",
                            voided_at=ISSUED_UTC).wire()
    return op("receipt.voided", made.receipt_id, payload)


def notice_bytes(key: Pkcs12Signer, made: Made, action: int = REPLACE, number: int | None = None) -> bytes:
    line = WrongReceipt(made.receipt.template_symbol, made.receipt.series_symbol,
                        made.receipt.number if number is None else number, date(2027, 1, 1), action,
                        "Ghi sai tên người nộp")
    notice = WrongNotice(COLLECTOR.name, COLLECTOR.tax_code, "Quảng Phú", date(2027, 1, 1), "28000",
                         "Thuế tỉnh Thanh Hóa", (line,))
    return sign_form(notice_xml(notice), key, ISSUED)


def noticed(made: Made, xml: bytes, action: int = REPLACE) -> dict:
    payload = ReceiptNoticed(receipt_id=made.receipt_id, notice_id=str(uuid.uuid4()), action=action,
                             reason="Ghi sai tên người nộp", noticed_at=ISSUED_UTC, **b64(xml)).wire()
    return op("receipt.noticed", made.receipt_id, payload)


def replacement(key: Pkcs12Signer, wrong: Made, number: int) -> Made:
    from ereceipt.content import REPLACES, RelatedReceipt

    link = RelatedReceipt(REPLACES, wrong.receipt.template_symbol, wrong.receipt.series_symbol, wrong.receipt.number,
                          date(2027, 1, 1))
    payer = replace(wrong.receipt.payer, name="Nguyễn Văn Đức Anh")
    return make(key, number, replaces=wrong.receipt_id, related=link, payer=payer)


@contextmanager
def simulator(state: SimState | None = None, polls: int = 0) -> Iterator[SimState]:
    """The provider simulator on a real uvicorn; `state.url` is its address. It answers "processing"
    to the first `polls` result requests of each message."""
    state = state or SimState()
    state.polls_before_result = polls
    server = uvicorn.Server(uvicorn.Config(create_app(state), host="127.0.0.1", port=0, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "simulator did not start"
        time.sleep(0.02)
    state.url = f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"
    try:
        yield state
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def outage(state: SimState, down: bool) -> None:
    requests.post(f"{state.url}/admin/outage", json={"down": down}, timeout=5).raise_for_status()
