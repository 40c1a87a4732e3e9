"""A small FastAPI app standing in for the province's licensed provider (TT 91/2026 Điều 12 [S]).

It behaves the way the real flow does, as far as public T-VAN code shows it (shared/domain.md
§13.2): a message is answered at once with a technical acknowledgement (message type 999:
received, or refused for bad XML/schema), then processed; its result — each document accepted
or rejected with the reason — is fetched later by the message id. Rejections it makes: a bad
signature, a certificate other than the registered one, a receipt number already accepted, a
message that breaks the schema. A switch makes it answer 503, as during an outage.

    POST /api/v1/messages                  body: the TDiep XML → 202 {"MLTDiep": 999, ...}
    GET  /api/v1/messages/{MTDiep}/result  → {"status": "processing" | "done", "documents": [...]}
    POST /admin/outage {"down": true}      → the outage switch
    GET  /admin/accepted                   → keys of accepted receipts and notices

No `from __future__ import annotations`: FastAPI reads the annotations at run time.
"""

import threading
import uuid
from dataclasses import dataclass, field
from typing import Any

from cryptography import x509
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from lxml import etree
from signxml import SignatureConfiguration, XMLVerifier

from app.core.errors import DeskError
from ereceipt import envelope, xml_adapter, xsd
from ereceipt.verify import SignatureInvalid, embedded_certificate, verify_receipt
from sync.hub.transmit import document_key

PROVIDER_CODE = "V0000000001"  # MNGui of the simulator's answers
MAX_BODY = envelope.MAX_MESSAGE_BYTES + 64 * 1024


@dataclass
class SimState:
    """What the simulator remembers; tests reach in to flip the switch or count."""

    registered: dict[str, x509.Certificate] = field(default_factory=dict)  # MST → certificate
    down: bool = False
    polls_before_result: int = 1  # "processing" answers before the result is ready
    accepted: dict[str, str] = field(default_factory=dict)  # "MST/key" → MTDiep
    notices: dict[str, str] = field(default_factory=dict)  # "MST/notice key" → MTDiep (Mẫu 04/SS-CTĐT)
    results: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    polls: dict[str, int] = field(default_factory=dict)
    received: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


def _document_result(state: SimState, tax_code: str, document: etree._Element) -> dict[str, str]:
    xml = etree.tostring(document)
    try:
        key = xml_adapter.from_xml(document).key
    except (DeskError, ValueError) as error:
        return {"key": "", "status": "rejected", "reason": f"Không đọc được biên lai: {error}"}
    try:
        verified = verify_receipt(xml, trusted=state.registered.get(tax_code))
    except DeskError as error:
        return {"key": key, "status": "rejected", "reason": error.message}
    if verified.receipt.collector.tax_code != tax_code:
        return {"key": key, "status": "rejected", "reason": "Mã số thuế trên biên lai khác mã số thuế của thông điệp."}
    slot = f"{tax_code}/{key}"
    if slot in state.accepted:
        return {"key": key, "status": "rejected",
                "reason": f"Trùng số biên lai: {key} đã được tiếp nhận trước đó."}
    return {"key": key, "status": "accepted", "reason": ""}


def _notice_result(state: SimState, tax_code: str, document: etree._Element) -> dict[str, str]:
    """A Mẫu 04/SS-CTĐT notice: signed with the registered certificate, naming receipts that were
    accepted before."""
    if document.tag != "TBao" or not len(document):
        return {"key": "", "status": "rejected", "reason": "Không phải thông báo Mẫu 04/SS-CTĐT."}
    key = document_key(document)
    xml = etree.tostring(document)
    try:
        root = etree.fromstring(xml)
        certificate = embedded_certificate(root)
        trusted = state.registered.get(tax_code)
        if trusted is not None and certificate != trusted:
            raise SignatureInvalid("Thông báo được ký bằng chứng thư số khác với chứng thư đã đăng ký.")
        XMLVerifier().verify(root, x509_cert=certificate, id_attribute="Id",
                             expect_config=SignatureConfiguration(expect_references=2))
    except SignatureInvalid as error:
        return {"key": key, "status": "rejected", "reason": error.message}
    except Exception:  # whatever breaks in a bad signature, the answer is the same
        return {"key": key, "status": "rejected", "reason": "Chữ ký số của thông báo không hợp lệ."}
    for line in document[0].iterfind("DSCTu/CTu"):
        listed = f"{line.findtext('KHMSCTu')}-{line.findtext('KHCTu')}-{line.findtext('SCTu')}"
        if f"{tax_code}/{listed}" not in state.accepted:
            return {"key": key, "status": "rejected",
                    "reason": f"Biên lai {listed} trong thông báo chưa được cơ quan thuế tiếp nhận."}
    return {"key": key, "status": "accepted", "reason": ""}


def _ack(reply_to: str, ok: bool, errors: list[str]) -> dict[str, Any]:
    return {"MLTDiep": envelope.MessageType.TECHNICAL_ACK, "MNGui": PROVIDER_CODE,
            "MTDiep": envelope.new_message_id(PROVIDER_CODE), "MTDTChieu": reply_to,
            "TTTNhan": 0 if ok else 1, "errors": errors}


def create_app(state: SimState | None = None) -> FastAPI:
    state = state or SimState()
    app = FastAPI(title="Mô phỏng tổ chức truyền nhận dữ liệu biên lai điện tử")
    app.state.sim = state

    @app.middleware("http")
    async def outage(request: Request, call_next: Any) -> Any:
        if state.down and not request.url.path.startswith("/admin/"):
            return JSONResponse({"error": "Hệ thống đang gián đoạn."}, status_code=503, headers={"Retry-After": "1"})
        return await call_next(request)

    @app.post("/api/v1/messages", status_code=202)
    async def receive(request: Request) -> JSONResponse:
        body = await request.body()
        if len(body) > MAX_BODY:
            return JSONResponse(_ack("", False, ["Thông điệp vượt quá 2 MB."]), status_code=202)
        try:
            message = envelope.unwrap(body)
            xsd.check(body)
        except DeskError as error:
            reply_to = ""
            if isinstance(error, DeskError) and b"<MTDiep>" in body:
                reply_to = body.split(b"<MTDiep>", 1)[1].split(b"<", 1)[0].decode("utf-8", "replace")
            return JSONResponse(_ack(reply_to, False, [error.message]), status_code=202)
        with state.lock:
            state.received += 1
            if message.message_id in state.results:  # a resent message: same answer, no double count
                return JSONResponse(_ack(message.message_id, True, []), status_code=202)
            results = []
            for document in message.documents:
                if message.kind == envelope.MessageType.WRONG_NOTICE:
                    result = _notice_result(state, message.tax_code, document)
                    if result["status"] == "accepted":
                        state.notices[f"{message.tax_code}/{result['key']}"] = message.message_id
                else:
                    result = _document_result(state, message.tax_code, document)
                    if result["status"] == "accepted":
                        state.accepted[f"{message.tax_code}/{result['key']}"] = message.message_id
                results.append(result)
            state.results[message.message_id] = results
            state.polls[message.message_id] = 0
        return JSONResponse(_ack(message.message_id, True, []), status_code=202)

    @app.get("/api/v1/messages/{message_id}/result")
    def result(message_id: str) -> JSONResponse:
        with state.lock:
            if message_id not in state.results:
                return JSONResponse({"error": "Không có thông điệp này."}, status_code=404)
            state.polls[message_id] += 1
            if state.polls[message_id] <= state.polls_before_result:
                return JSONResponse({"status": "processing", "documents": []})
            return JSONResponse({"status": "done", "MTDTChieu": message_id, "id": uuid.uuid4().hex,
                                 "documents": state.results[message_id]})

    @app.post("/admin/outage")
    async def switch(request: Request) -> dict[str, bool]:
        state.down = bool((await request.json()).get("down"))
        return {"down": state.down}

    @app.get("/admin/accepted")
    def accepted() -> dict[str, list[str]]:
        with state.lock:
            return {"accepted": sorted(state.accepted), "notices": sorted(state.notices)}

    return app
