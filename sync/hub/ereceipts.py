"""E-receipts at the hub (issue 10): checking a signed receipt or notice a desk pushes before it is
stored, and delivering what is stored to the province's provider.

Storing (called from sync/hub/apply.py inside the push's transaction): a `receipt.signed` is
believed only when its bytes match their hash, parse, carry a valid XMLDSig (ereceipt.verify, the
same check the provider makes) and say inside the signed data what the receipt row says (template,
series, number, amount, lookup code). A `receipt.noticed` (Mẫu 04/SS-CTĐT) must be signed, name the
receipt on one of its lines, and concern an e-receipt of the commune that was voided or replaced.
Each refusal is a stable code with a Vietnamese message, never an error of the server.

Delivering: `transmit_once` claims a batch of stored documents (PostgreSQL: `FOR UPDATE SKIP
LOCKED` plus a lease, so several hub workers never send the same row; SQLite: one writer), sends
them through a Transmitter with retries (sync/hub/transmit.py), records each state move and writes
a `receipt.transmission` change for it, which every desk of the commune pulls.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from lxml import etree
from signxml import SignatureConfiguration, XMLVerifier
from sqlalchemy import Engine, or_, select, update

from app.core.errors import DeskError, ValidationError
from app.core.receipts import E_TEMPLATE
from ereceipt import envelope
from ereceipt.content import TAX_CODE
from ereceipt.signing import DS, SIGNING_TIME_TAG, subject_name
from ereceipt.verify import embedded_certificate, signer_display, verify_receipt
from sync.hub.change_log import write_changes
from sync.hub.models import EDocument
from sync.hub.transmit import (
    ACCEPTED,
    REJECTED,
    HttpTransmitter,
    OutageSwitch,
    PendingItem,
    RetryPolicy,
    Transmitter,
    notice_key,
    transmit_pending,
)
from sync.ops import ReceiptNoticed, ReceiptSigned, ReceiptTransmission

log = logging.getLogger("sync.hub.ereceipts")
DT = EDocument.__table__
HUB_ORIGIN = "hub"  # origin_device of what the hub itself writes: every desk of the commune pulls it
HUB_ACTOR = "Hệ thống cấp trên"
WAITING_TOO_LONG = timedelta(days=1)
SENDER = "MOTCUAHUB01"  # MNGui of the hub's messages, unless configured
_SAFE_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


class DocumentRefused(Exception):
    """A pushed signed document the hub will not store: a stable code and a Vietnamese message."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(code)
        self.code, self.message = code, message


@dataclass(frozen=True)
class ReceiptFacts:
    """What the hub's receipt row says, to hold the signed XML against."""

    template_symbol: str
    series_symbol: str
    number: int
    amount: int
    status: str


@dataclass(frozen=True)
class Checked:
    """A signed document that passed every check, ready to store."""

    xml: bytes
    tax_code: str
    doc_key: str
    lookup_code: str | None


def _decoded(xml_b64: str, xml_sha256: str) -> bytes:
    try:
        xml = base64.b64decode(xml_b64, validate=True)
    except (binascii.Error, ValueError):
        raise DocumentRefused("bad_base64", "Tài liệu ký số gửi lên không đúng mã base64.") from None
    if hashlib.sha256(xml).hexdigest() != xml_sha256:
        raise DocumentRefused("xml_hash_mismatch", "Mã băm của tài liệu ký số không khớp nội dung gửi lên.")
    return xml


def check_signed(signed: ReceiptSigned, facts: ReceiptFacts) -> Checked:
    """The stored form of a `receipt.signed`, or DocumentRefused saying why."""
    if not E_TEMPLATE.match(facts.template_symbol):
        raise DocumentRefused("not_ereceipt", "Biên lai này không phải biên lai điện tử (mẫu EBL01/EBL02).")
    if (signed.template_symbol, signed.series_symbol, signed.number) != (
            facts.template_symbol, facts.series_symbol, facts.number):
        raise DocumentRefused("receipt_mismatch", "Ký hiệu hoặc số của biên lai ký số khác biên lai đã đồng bộ.")
    xml = _decoded(signed.xml_b64, signed.xml_sha256)
    try:
        verified = verify_receipt(xml)
    except DeskError as error:
        raise DocumentRefused("signature_invalid", error.message) from None
    except Exception as error:  # hostile bytes may break a parser in ways no list foresees
        log.info("signed receipt %s unreadable: %s", signed.receipt_id, type(error).__name__)
        raise DocumentRefused("signature_invalid", "Không đọc được chữ ký số của biên lai.") from None
    inside = verified.receipt
    differences = [label for label, mine, theirs in (
        ("ký hiệu mẫu", inside.template_symbol, facts.template_symbol),
        ("ký hiệu", inside.series_symbol, facts.series_symbol), ("số", inside.number, facts.number),
        ("số tiền", inside.amount, facts.amount), ("mã tra cứu", inside.lookup_code, signed.lookup_code))
        if mine != theirs]
    if differences:
        raise DocumentRefused("xml_mismatch", f"Biên lai điện tử đã ký ghi {', '.join(differences)} khác với "
                                              f"biên lai đã đồng bộ.")
    if not TAX_CODE.match(inside.collector.tax_code):
        raise DocumentRefused("xml_mismatch", "Mã số thuế của tổ chức thu trên biên lai không hợp lệ.")
    return Checked(xml, inside.collector.tax_code, inside.key, signed.lookup_code)


def verify_form(xml: bytes) -> tuple[etree._Element, str, datetime]:
    """(the signed data element, the signer, the signing time) of a form signed like a receipt
    (Mẫu 04/SS-CTĐT): the same XMLDSig profile, checked with signxml."""
    try:
        root = etree.fromstring(xml, parser=_SAFE_PARSER)
        certificate = embedded_certificate(root)
        if root.findtext(f".//{{{DS}}}X509SubjectName") != subject_name(certificate):
            raise DocumentRefused("signature_invalid", "Tên người ký (X509SubjectName) không khớp chứng thư số.")
        results = XMLVerifier().verify(root, x509_cert=certificate, id_attribute="Id",
                                       expect_config=SignatureConfiguration(expect_references=2))
    except DocumentRefused:
        raise
    except DeskError as error:
        raise DocumentRefused("signature_invalid", error.message) from None
    except Exception:  # as above: untrusted bytes, any failure is a refusal
        raise DocumentRefused("signature_invalid", "Chữ ký số của thông báo không hợp lệ.") from None
    signed = {r.signed_xml.tag: r.signed_xml for r in results if r.signed_xml is not None}
    data = signed.get(root[0].tag) if len(root) else None
    holder = signed.get(f"{{{DS}}}Object")
    moment = holder.findtext(f".//{SIGNING_TIME_TAG}") if holder is not None else None
    if data is None or not moment:
        raise DocumentRefused("signature_invalid", "Chữ ký số không bao phủ nội dung thông báo và thời điểm ký.")
    return data, signer_display(certificate), datetime.fromisoformat(moment)


def check_notice(noticed: ReceiptNoticed, facts: ReceiptFacts, receipt_tax_code: str) -> Checked:
    """The stored form of a `receipt.noticed`: a signed Mẫu 04/SS-CTĐT naming this receipt."""
    if facts.status not in ("voided", "replaced"):
        raise DocumentRefused("receipt_not_wrong", "Chỉ gửi thông báo sai sót cho biên lai đã hủy hoặc đã thay thế.")
    xml = _decoded(noticed.xml_b64, noticed.xml_sha256)
    data, _signer, _moment = verify_form(xml)
    if data.tag != "DLTBao":
        raise DocumentRefused("not_notice", "Tài liệu gửi lên không phải thông báo Mẫu 04/SS-CTĐT.")
    wanted = (facts.template_symbol, facts.series_symbol, f"{facts.number:08d}")
    lines = [(line.findtext("KHMSCTu"), line.findtext("KHCTu"), line.findtext("SCTu"), line.findtext("TCTBao"))
             for line in data.iterfind("DSCTu/CTu")]
    if not any(line[:3] == wanted and line[3] == str(noticed.action) for line in lines):
        raise DocumentRefused("xml_mismatch", "Thông báo sai sót không ghi biên lai này với tính chất đã gửi.")
    tax_code = data.findtext("MST") or receipt_tax_code
    if tax_code != receipt_tax_code:
        raise DocumentRefused("xml_mismatch", "Mã số thuế trên thông báo khác mã số thuế trên biên lai.")
    return Checked(xml, tax_code, notice_key(data), None)


def stored_row(checked: Checked, *, uid: str, receipt_uid: str, agency_id: str, document: str,
               signed_at: str, moment: datetime) -> dict[str, Any]:
    return {"uid": uid, "agency_id": agency_id, "receipt_uid": receipt_uid, "document": document,
            "tax_code": checked.tax_code, "doc_key": checked.doc_key, "lookup_code": checked.lookup_code,
            "xml": checked.xml, "xml_sha256": hashlib.sha256(checked.xml).hexdigest(), "signed_at": signed_at,
            "state": "at_hub", "reason": "", "message_id": "", "attempts": 0, "stored_at": moment,
            "state_at": moment, "lease_until": None}


def transmission_change(agency_id: str, receipt_uid: str, document: str, notice_uid: str | None, state: str,
                        moment: datetime, reason: str = "", message_id: str = "") -> dict[str, Any]:
    """The change row every desk of the commune pulls: where one document's delivery stands."""
    payload = ReceiptTransmission(receipt_id=receipt_uid, document=document, notice_id=notice_uid, state=state,
                                  reason=reason[:1000], message_id=message_id[:64], at=moment).wire()
    return {"agency_id": agency_id, "entity": "receipt", "entity_id": receipt_uid, "kind": "receipt.transmission",
            "payload": payload, "origin_device": HUB_ORIGIN, "actor": HUB_ACTOR}


# -- delivering --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Claimed:
    id: int
    uid: str
    agency_id: str
    receipt_uid: str
    document: str
    tax_code: str
    doc_key: str
    xml: bytes
    state: str
    message_id: str

    def item(self) -> PendingItem:
        kind = envelope.MessageType.RECEIPT if self.document == "receipt" else envelope.MessageType.WRONG_NOTICE
        return PendingItem(str(self.id), self.tax_code, self.xml, self.message_id, kind=kind, doc_key=self.doc_key)


@dataclass
class PassReport:
    claimed: int = 0
    moves: dict[str, int] = field(default_factory=dict)  # state → documents that moved there
    retries: int = 0
    overdue: int = 0

    def moved(self, state: str) -> int:
        return self.moves.get(state, 0)


def _now() -> datetime:
    return datetime.now(UTC)


def claim(engine: Engine, limit: int, lease: timedelta, clock: Callable[[], datetime] = _now) -> list[Claimed]:
    """Up to `limit` documents waiting to be sent or answered, leased to this worker. On PostgreSQL
    rows another worker holds are skipped, never waited for; SQLite has one writer at a time."""
    moment = clock()
    query = (select(DT.c.id, DT.c.uid, DT.c.agency_id, DT.c.receipt_uid, DT.c.document, DT.c.tax_code,
                    DT.c.doc_key, DT.c.xml, DT.c.state, DT.c.message_id)
             .where(DT.c.state.in_(("at_hub", "sent")), or_(DT.c.lease_until.is_(None), DT.c.lease_until < moment))
             .order_by(DT.c.id).limit(limit))
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        rows = [Claimed(**row._mapping) for row in connection.execute(query)]
        if rows:
            connection.execute(update(DT).where(DT.c.id.in_([r.id for r in rows]))
                               .values(lease_until=moment + lease, attempts=DT.c.attempts + 1))
    return rows


def _moves(row: Claimed, delivery: Any) -> list[str]:
    """The states a document passes through on this delivery, in order (a message acknowledged and
    answered in one pass went through `sent` too)."""
    sent = row.state == "at_hub" and bool(delivery.message_id)
    if delivery.status in (ACCEPTED, REJECTED):
        return (["sent"] if sent else []) + [delivery.status]
    return ["sent"] if sent and delivery.acknowledged else []


def record(engine: Engine, claimed: list[Claimed], deliveries: list[Any], report: PassReport,
           clock: Callable[[], datetime] = _now) -> None:
    """Each delivery's state moves and their changes, and the leases released, in one transaction."""
    by_id = {str(row.id): row for row in claimed}
    moment = clock()
    changes, updates = [], []
    for delivery in deliveries:
        row = by_id[delivery.item_id]
        moves = _moves(row, delivery)
        for step, state in enumerate(moves):
            reason = delivery.reason if state == REJECTED else ""
            notice = row.uid if row.document == "notice" else None
            # Each move its own instant: a desk keeps a state unless a later one comes (a re-pull too).
            at = moment + timedelta(microseconds=step)
            changes.append(transmission_change(row.agency_id, row.receipt_uid, row.document, notice, state, at,
                                               reason, delivery.message_id))
            report.moves[state] = report.moves.get(state, 0) + 1
        final = moves[-1] if moves else row.state
        updates.append((row.id, {"state": final, "message_id": delivery.message_id,
                                 "reason": delivery.reason if final == REJECTED else "",
                                 "lease_until": None, **({"state_at": moment} if moves else {})}))
    with engine.begin() as connection:
        for row_id, values in updates:
            connection.execute(update(DT).where(DT.c.id == row_id).values(**values))
        write_changes(connection, changes)  # the communes' locks: seq order = commit order (change_log.py)


def remember_message(engine: Engine, row_ids: list[str], message_id: str) -> None:
    """A new message's id on its documents, committed before the message is sent (the state stays)."""
    with engine.begin() as connection:
        connection.execute(update(DT).where(DT.c.id.in_([int(i) for i in row_ids])).values(message_id=message_id))


def release(engine: Engine, claimed: list[Claimed]) -> None:
    with engine.begin() as connection:
        connection.execute(update(DT).where(DT.c.id.in_([row.id for row in claimed])).values(lease_until=None))


def warn_overdue(engine: Engine, clock: Callable[[], datetime] = _now) -> int:
    """Documents still not accepted a day after the hub stored them: the legal deadline is the same
    day (three working days after an outage), so this is said loudly, every pass."""
    limit = clock() - WAITING_TOO_LONG
    with engine.connect() as connection:
        rows = connection.execute(select(DT.c.agency_id, DT.c.doc_key, DT.c.stored_at).where(
            DT.c.state.in_(("at_hub", "sent")), DT.c.stored_at < limit).order_by(DT.c.id).limit(1000)).all()
    if rows:
        communes = sorted({r.agency_id for r in rows})
        log.error("%d chứng từ điện tử chờ gửi cơ quan thuế quá 1 ngày (cũ nhất: %s lưu lúc %s); xã: %s. "
                  "Hãy kiểm tra kết nối tới tổ chức truyền nhận.", len(rows), rows[0].doc_key,
                  rows[0].stored_at, ", ".join(communes))
    return len(rows)


@dataclass
class TransmitSettings:
    sender: str = SENDER
    receiver: str = "TCT"
    batch_size: int = 100
    lease: timedelta = timedelta(minutes=15)
    policy: RetryPolicy = field(default_factory=RetryPolicy)


def transmit_once(engine: Engine, transmitter: Transmitter, settings: TransmitSettings | None = None, *,
                  switch: OutageSwitch | None = None, sleep: Callable[[float], None] = time.sleep,
                  clock: Callable[[], datetime] = _now) -> PassReport:
    """One pass over everything waiting, a batch at a time; stops early while the provider is down."""
    settings = settings or TransmitSettings()
    switch = switch or OutageSwitch()
    report = PassReport(overdue=warn_overdue(engine, clock))
    while claimed := claim(engine, settings.batch_size, settings.lease, clock):
        report.claimed += len(claimed)
        try:
            sent = transmit_pending([row.item() for row in claimed], transmitter, sender=settings.sender,
                                    receiver=settings.receiver, switch=switch, policy=settings.policy, sleep=sleep,
                                    clock=clock, batch_size=settings.batch_size,
                                    remember=lambda ids, message_id: remember_message(engine, ids, message_id))
        except BaseException:
            release(engine, claimed)  # tried again at the next pass, not when the lease runs out
            raise
        report.retries += sent.retries
        record(engine, claimed, sent.deliveries, report, clock)
        if switch.down or all(d.status not in (ACCEPTED, REJECTED) for d in sent.deliveries):
            break  # the rest waits for the next pass rather than hammering a provider that is down
    if switch.down:
        log.warning("Tổ chức truyền nhận không trả lời từ %s; chứng từ được giữ lại để gửi lần sau.",
                    switch.down_since)
    return report


class TransmitLoop:
    """`transmit_once` every `interval` seconds until stopped: the `transmit` command's body, and
    the in-process thread of a small hub (`serve --transmit-to URL`)."""

    def __init__(self, engine: Engine, transmitter: Transmitter, settings: TransmitSettings | None = None,
                 interval: float = 30.0) -> None:
        self.engine, self.transmitter, self.settings = engine, transmitter, settings or TransmitSettings()
        self.interval = interval
        self.switch = OutageSwitch()
        self.stopping = threading.Event()
        self.thread: threading.Thread | None = None

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                report = transmit_once(self.engine, self.transmitter, self.settings, switch=self.switch,
                                       sleep=self.stopping.wait)
                if report.claimed:
                    log.info("Đã xử lý %d chứng từ: %s", report.claimed, report.moves)
            except Exception:  # the loop outlives one bad pass; the next one retries
                log.exception("transmit pass failed")
            self.stopping.wait(self.interval)

    def start(self) -> TransmitLoop:
        self.thread = threading.Thread(target=self.run, name="ereceipt-transmit", daemon=True)
        self.thread.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self.stopping.set()
        if self.thread is not None:
            self.thread.join(timeout)


def check_provider_url(url: str) -> str:
    """The provider's address, or a Vietnamese error before anything runs (a typo would otherwise
    look like an outage and be retried for minutes)."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValidationError(f"Địa chỉ tổ chức truyền nhận «{url}» không hợp lệ: phải có dạng "
                              f"http://máy-chủ:cổng hoặc https://máy-chủ.", field="provider")
    return url.strip()


def start_in_process(engine: Engine, provider_url: str, interval: float = 30.0,
                     settings: TransmitSettings | None = None) -> TransmitLoop:
    """A small hub sends from its own process (`serve --transmit-to URL`): a daemon thread."""
    return TransmitLoop(engine, HttpTransmitter(check_provider_url(provider_url)), settings, interval).start()


def summary_line(report: PassReport) -> str:
    moved = ", ".join(f"{label}: {report.moved(state)}" for state, label in LABELS.items() if report.moved(state))
    return f"Đã xử lý {report.claimed} chứng từ điện tử" + (f" ({moved})" if moved else "") + "."


LABELS = {"sent": "đã gửi", "accepted": "được chấp nhận", "rejected": "bị từ chối"}


def run_command(engine: Engine, provider_url: str, *, once: bool, interval: float, settings: TransmitSettings) -> int:
    """`python -m sync.hub transmit`: one pass (--once, exit code 1 when the provider stayed down) or
    a pass every `interval` seconds until interrupted."""
    transmitter = HttpTransmitter(check_provider_url(provider_url))
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if once:
        switch = OutageSwitch()
        report = transmit_once(engine, transmitter, settings, switch=switch)
        print(summary_line(report))
        if switch.down:
            print(f"Tổ chức truyền nhận không trả lời (từ {switch.down_since:%H:%M:%S}); chứng từ còn lại được "
                  f"giữ để gửi lần sau.")
            return 1
        return 0
    loop = TransmitLoop(engine, transmitter, settings, interval)
    try:
        loop.run()
    except KeyboardInterrupt:
        loop.stopping.set()
    return 0


# -- the public lookup ---------------------------------------------------------------------------


@dataclass(frozen=True)
class LookedUp:
    xml: bytes
    state: str
    reason: str
    agency_id: str


def find_by_lookup_code(engine: Engine, code: str) -> LookedUp | None:
    with engine.connect() as connection:
        row = connection.execute(select(DT.c.xml, DT.c.state, DT.c.reason, DT.c.agency_id).where(
            DT.c.lookup_code == code, DT.c.document == "receipt")).first()
    return None if row is None else LookedUp(bytes(row.xml), row.state, row.reason, row.agency_id)
