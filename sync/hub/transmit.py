"""Handing signed e-receipts to the province's licensed provider, which forwards them to the tax
authority (TT 91/2026 Điều 12 [S]). The hub stores each e-receipt the desks push; this module
sends them.

- `Transmitter`: the pluggable interface. `send` gives a message and returns the provider's
  technical acknowledgement (received, or refused with reasons); `result` fetches the outcome of
  each document later (accepted, or rejected with the reason), as the real flow answers in two
  steps. `HttpTransmitter` speaks to the reference simulator (sync/provider_sim); a real
  provider's client implements the same two methods.
- `transmit_pending`: one pass over an iterable of pending items (the hub's table, later), with
  retries on outages — exponential backoff with full jitter — and an `OutageSwitch` that records
  when the provider went down and came back: the legal deadline after a failure counts from the
  fix (app.core.ereceipt_deadline).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from itertools import groupby
from typing import Protocol, TypeVar

import requests
from lxml import etree

from ereceipt import envelope, xml_adapter

ACCEPTED, REJECTED, PENDING = "accepted", "rejected", "pending"
T = TypeVar("T")


class ProviderUnavailable(Exception):
    """The provider cannot be reached or answers 5xx/429: try again later."""


class UnknownMessage(Exception):
    """The provider does not know the message asked about (it lost it, or was reset): send again."""


class _StillDown(Exception):
    """The provider went down in the middle of a batch; `done` is what was settled before."""

    def __init__(self, reason: str, done: list[Delivery]) -> None:
        super().__init__(reason)
        self.done = done


@dataclass(frozen=True)
class Ack:
    """The technical acknowledgement (message type 999)."""

    message_id: str  # MTDiep of the message acknowledged
    received: bool
    errors: tuple[str, ...] = ()


@dataclass(frozen=True)
class DocumentResult:
    key: str  # EBL01-27TAA-00000001
    status: str  # accepted | rejected
    reason: str = ""


class Transmitter(Protocol):
    def send(self, message: bytes) -> Ack: ...

    def result(self, message_id: str) -> list[DocumentResult] | None:
        """None while the provider is still processing the message."""
        ...


class HttpTransmitter:
    """The simulator's (and a provider of the same shape's) HTTP API."""

    def __init__(self, base_url: str, session: requests.Session | None = None, timeout: float = 30.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.session = session or requests.Session()
        self.timeout = timeout

    def _call(self, method: str, path: str, **kwargs: object) -> requests.Response:
        try:
            response = self.session.request(method, self.base_url + path, timeout=self.timeout, **kwargs)
        except requests.RequestException as error:
            raise ProviderUnavailable(f"Không kết nối được tổ chức truyền nhận: {error}") from error
        if response.status_code >= 500 or response.status_code == 429:
            raise ProviderUnavailable(f"Tổ chức truyền nhận đang gián đoạn (HTTP {response.status_code}).")
        response.raise_for_status()
        return response

    def send(self, message: bytes) -> Ack:
        try:
            response = self._call("POST", "/api/v1/messages", data=message,
                                  headers={"Content-Type": "application/xml; charset=utf-8"})
        except requests.HTTPError as error:
            # Any other 4xx: the provider refuses this message as such; sending it again will not help.
            status = error.response.status_code if error.response is not None else 0
            return Ack("", False, (f"Tổ chức truyền nhận từ chối thông điệp (HTTP {status}).",))
        body = response.json()
        return Ack(body["MTDTChieu"], body["TTTNhan"] == 0, tuple(body.get("errors", ())))

    def result(self, message_id: str) -> list[DocumentResult] | None:
        try:
            response = self._call("GET", f"/api/v1/messages/{message_id}/result")
        except requests.HTTPError as error:
            if error.response is not None and error.response.status_code == 404:
                raise UnknownMessage(message_id) from error
            raise
        body = response.json()
        if body["status"] != "done":
            return None
        return [DocumentResult(d["key"], d["status"], d.get("reason", "")) for d in body["documents"]]


@dataclass(frozen=True)
class RetryPolicy:
    base: float = 2.0  # seconds before the first retry, at most
    cap: float = 600.0
    attempts: int = 6  # calls per step before the provider is declared down
    poll_interval: float = 1.0
    polls: int = 30  # result polls before leaving the message for the next pass


def full_jitter(policy: RetryPolicy, attempt: int, rng: Callable[[], float] = random.random) -> float:
    """AWS's "full jitter": uniform in [0, min(cap, base·2^attempt)], so that many hubs coming back
    after the same outage do not knock on the provider's door in step."""
    return rng() * min(policy.cap, policy.base * 2 ** attempt)


@dataclass
class OutageSwitch:
    """Whether the provider is down, and when it went down and came back (kept by the hub)."""

    down_since: datetime | None = None
    fixed_at: datetime | None = None
    suspended: bool = False  # an administrator stopped sending on purpose

    @property
    def down(self) -> bool:
        return self.down_since is not None and (self.fixed_at is None or self.fixed_at < self.down_since)

    def mark_down(self, now: datetime) -> None:
        if not self.down:
            self.down_since, self.fixed_at = now, None

    def mark_up(self, now: datetime) -> None:
        if self.down:
            self.fixed_at = now


def notice_key(data: etree._Element) -> str:
    """How a Mẫu 04/SS-CTĐT notice is named in a provider's result: its data Id and the receipts it
    lists (the notice has no number of its own). `data` is the notice's DLTBao element."""
    lines = ",".join(f"{line.findtext('KHMSCTu')}-{line.findtext('KHCTu')}-{line.findtext('SCTu')}"
                     for line in data.iterfind("DSCTu/CTu"))
    return f"TB-{data.get('Id')}-{lines}"[:80]


def document_key(document: etree._Element) -> str:
    """The key of a receipt (EBL01-27TAA-00000001) or of a notice, read from its XML."""
    if document.tag == "TBao" and len(document):
        return notice_key(document[0])
    return xml_adapter.from_xml(document).key


@dataclass(frozen=True)
class PendingItem:
    item_id: str  # the hub's row id, handed back in the delivery
    tax_code: str  # MST of the collector (messages hold one collector's documents)
    xml: bytes  # the signed receipt (or notice) as the desk made it
    message_id: str = ""  # kept before its message was sent: ask for the result; resend only under it
    kind: int = envelope.MessageType.RECEIPT  # MLTDiep: a message holds documents of one kind
    doc_key: str = ""  # the key, when the caller already knows it (the hub stored it)

    @property
    def key(self) -> str:
        return self.doc_key or document_key(etree.fromstring(self.xml))


@dataclass(frozen=True)
class Delivery:
    item_id: str
    status: str  # accepted | rejected | pending
    reason: str = ""
    message_id: str = ""
    acknowledged: bool = True  # False: the message may not have reached the provider (send failed)


@dataclass
class TransmitReport:
    deliveries: list[Delivery] = field(default_factory=list)
    retries: int = 0
    waited: float = 0.0

    def by_status(self, status: str) -> list[Delivery]:
        return [d for d in self.deliveries if d.status == status]


@dataclass
class _Loop:
    transmitter: Transmitter
    switch: OutageSwitch
    policy: RetryPolicy
    sleep: Callable[[float], None]
    clock: Callable[[], datetime]
    rng: Callable[[], float]
    report: TransmitReport
    remember: Callable[[list[str], str], None]

    def call(self, step: Callable[[], T]) -> T:
        """`step` with retries; ProviderUnavailable once the attempts are spent (switch marked down)."""
        for attempt in range(self.policy.attempts):
            try:
                value = step()
            except ProviderUnavailable:
                self.switch.mark_down(self.clock())
                if attempt + 1 == self.policy.attempts:
                    raise
                delay = full_jitter(self.policy, attempt, self.rng)
                self.report.retries += 1
                self.report.waited += delay
                self.sleep(delay)
                continue
            self.switch.mark_up(self.clock())
            return value
        raise AssertionError("unreachable")

    def send(self, header: envelope.Header, items: list[PendingItem], message_id: str) -> list[Delivery]:
        """The message under `message_id`; the refusals if the provider refused it, else nothing."""
        message = envelope.wrap(header, [item.xml for item in items], message_id)
        try:
            ack = self.call(lambda: self.transmitter.send(message))
        except ProviderUnavailable as error:
            # It may have arrived before the line dropped: keep the id, so the next pass asks first.
            raise _StillDown(str(error), [Delivery(item.item_id, PENDING, str(error), message_id, acknowledged=False)
                                          for item in items]) from error
        if ack.received:
            return []
        reason = "; ".join(ack.errors) or "Thông điệp bị từ chối khi tiếp nhận."
        return [Delivery(item.item_id, REJECTED, reason, ack.message_id or message_id) for item in items]

    def poll(self, message_id: str) -> list[DocumentResult] | None:
        results = None
        for _ in range(self.policy.polls):
            results = self.call(lambda: self.transmitter.result(message_id))
            if results is not None:
                break
            self.sleep(self.policy.poll_interval)
        return results

    def deliver(self, header: envelope.Header, items: list[PendingItem]) -> list[Delivery]:
        message_id = items[0].message_id
        if not message_id:
            # The id is kept before anything leaves: a hub stopped between the provider's
            # acknowledgement and recording it asks for the result next time instead of sending
            # the receipts again in a new message (which the provider refuses as duplicates).
            message_id = envelope.new_message_id(header.sender)
            self.remember([item.item_id for item in items], message_id)
            if refused := self.send(header, items, message_id):
                return refused
        waiting = [Delivery(item.item_id, PENDING, "Đang chờ kết quả xử lý.", message_id) for item in items]
        try:
            try:
                results = self.poll(message_id)
            except UnknownMessage:
                # Never arrived (stopped or cut off right after the id was kept) or the provider lost
                # it: the same message again; a provider answers a repeated MTDiep once.
                if refused := self.send(header, items, message_id):
                    return refused
                results = self.poll(message_id)
        except UnknownMessage:
            # Forget the message id: the next pass sends the documents again in a new message.
            return [Delivery(item.item_id, PENDING, "Tổ chức truyền nhận không còn thông điệp; sẽ gửi lại.")
                    for item in items]
        except ProviderUnavailable as error:
            # Received but not yet answered: keep the message id so the next pass asks, not resends.
            raise _StillDown(str(error), waiting) from error
        if results is None:
            return waiting
        answered = {result.key: result for result in results}
        deliveries = []
        for item in items:
            result = answered.get(item.key)
            deliveries.append(Delivery(item.item_id, PENDING, "Tổ chức truyền nhận chưa trả kết quả.", message_id)
                              if result is None else Delivery(item.item_id, result.status, result.reason, message_id))
        return deliveries


def _batches(items: list[PendingItem], limit: int) -> Iterator[list[PendingItem]]:
    """Runs of one collector's items, each small enough for a 2 MB message."""
    room = envelope.MAX_MESSAGE_BYTES - 4096
    for _, group in groupby(items, key=lambda item: (item.tax_code, item.kind, item.message_id)):
        batch: list[PendingItem] = []
        size = 0
        for item in group:
            if batch and not item.message_id and (size + len(item.xml) > room or len(batch) == limit):
                yield batch
                batch, size = [], 0
            batch.append(item)
            size += len(item.xml)
        if batch:
            yield batch


def transmit_pending(items: Iterable[PendingItem], transmitter: Transmitter, *, sender: str, receiver: str = "TCT",
                     switch: OutageSwitch | None = None, policy: RetryPolicy | None = None,
                     sleep: Callable[[float], None] = time.sleep, clock: Callable[[], datetime] = datetime.now,
                     rng: Callable[[], float] = random.random, batch_size: int = 100,
                     remember: Callable[[list[str], str], None] = lambda item_ids, message_id: None) -> TransmitReport:
    """One pass: sends every pending item and returns what became of each. When the provider stays
    down past the retries, the rest stay pending (the switch says since when) for the next pass.
    `remember(item_ids, message_id)` must keep a new message's id durably before it is sent."""
    switch = switch or OutageSwitch()
    report = TransmitReport()
    ordered = sorted(items, key=lambda item: (item.tax_code, item.kind, item.message_id))
    if switch.suspended:
        report.deliveries = [Delivery(i.item_id, PENDING, "Tạm dừng gửi theo lệnh quản trị.") for i in ordered]
        return report
    loop = _Loop(transmitter, switch, policy or RetryPolicy(), sleep, clock, rng, report, remember)
    batches = list(_batches(ordered, batch_size))
    for index, batch in enumerate(batches):
        header = envelope.Header(sender, receiver, batch[0].tax_code, batch[0].kind)
        try:
            report.deliveries.extend(loop.deliver(header, batch))
        except (ProviderUnavailable, _StillDown) as error:
            done = error.done if isinstance(error, _StillDown) else []
            settled = {delivery.item_id for delivery in done}
            waiting = [item for later in batches[index:] for item in later if item.item_id not in settled]
            report.deliveries.extend(done)
            report.deliveries.extend(Delivery(item.item_id, PENDING, str(error), item.message_id) for item in waiting)
            break
    return report
