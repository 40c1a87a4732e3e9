"""The message every document travels in to the tax authority, as QĐ 1271/QĐ-CT (30/5/2025) sets it
out [L for the structure; the tables were lost in the copy read, shared/domain.md §13.2]:

    <TDiep>
      <TTChung> PBan MNGui MNNhan MLTDiep MTDiep MTDTChieu MST SLuong </TTChung>
      <DLieu> … the documents … </DLieu>
    </TDiep>

UTF-8; dates `YYYY-MM-DD` and times `YYYY-MM-DDThh:mm:ss` in GMT+7 with no zone suffix; at most
2 MB a message; no whitespace between elements (it would be signed over and is easily lost).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from lxml import etree

from app.core.errors import ValidationError

MESSAGE = "TDiep"
HEADER = "TTChung"
DATA = "DLieu"
VERSION = "2.1.0"  # PBan: the format version we follow [U: the current number was not read]
MAX_MESSAGE_BYTES = 2 * 1024 * 1024


class MessageType:
    """MLTDiep codes, as a public T-VAN gateway uses them [C: tongviethung/hddt-etax-tvan]."""

    REGISTRATION = 100  # Mẫu 01/ĐKTĐ-CTĐT
    RECEIPT = 206  # one or more signed receipts [U: the code for fee receipts is not published]
    WRONG_NOTICE = 300  # Mẫu 04/SS-CTĐT
    SUMMARY = 400  # Mẫu 01/TH-BLĐT
    TECHNICAL_ACK = 999  # the receiver's technical acknowledgement


@dataclass(frozen=True)
class Header:
    sender: str  # MNGui: the sending system's code (the provider's or the hub's)
    receiver: str  # MNNhan: the tax authority's code
    tax_code: str  # MST of the collector the documents belong to
    kind: int  # MLTDiep
    reply_to: str = ""  # MTDTChieu: the message this one answers


def local_date(day: date) -> str:
    return day.strftime("%Y-%m-%d")


def local_time(moment: datetime) -> str:
    """GMT+7 wall time with no zone suffix, as the convention writes it; an aware time is converted."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(ZoneInfo("Asia/Ho_Chi_Minh")).replace(tzinfo=None)
    return moment.replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%S")


def new_message_id(sender: str) -> str:
    """MTDiep: the sender's code followed by a UUIDv4 as 32 upper-case hex digits."""
    return f"{sender}{uuid.uuid4().hex.upper()}"


def _text(parent: etree._Element, tag: str, value: object) -> etree._Element:
    element = etree.SubElement(parent, tag)
    element.text = str(value)
    return element


def wrap(header: Header, documents: Sequence[etree._Element | bytes], message_id: str | None = None) -> bytes:
    """One message holding `documents` (elements or serialised, possibly signed, XML)."""
    root = etree.Element(MESSAGE)
    head = etree.SubElement(root, HEADER)
    for tag, value in (("PBan", VERSION), ("MNGui", header.sender), ("MNNhan", header.receiver),
                       ("MLTDiep", header.kind), ("MTDiep", message_id or new_message_id(header.sender))):
        _text(head, tag, value)
    etree.SubElement(head, "MTDTChieu").text = header.reply_to or None
    _text(head, "MST", header.tax_code)
    _text(head, "SLuong", len(documents))
    data = etree.SubElement(root, DATA)
    for document in documents:
        data.append(etree.fromstring(document) if isinstance(document, bytes) else document)
    message = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    if len(message) > MAX_MESSAGE_BYTES:
        raise ValidationError("Thông điệp gửi cơ quan thuế vượt quá 2 MB: hãy chia thành nhiều thông điệp.",
                              field="message")
    return message


def pack(header: Header, documents: Iterable[bytes]) -> list[bytes]:
    """Messages of at most 2 MB holding the documents in order: many receipts of one day go in as
    few messages as the limit allows."""
    messages: list[bytes] = []
    batch: list[bytes] = []
    size = 0
    room = MAX_MESSAGE_BYTES - 1024  # the envelope itself
    for document in documents:
        if len(document) > room:
            raise ValidationError("Một chứng từ điện tử vượt quá 2 MB.", field="message")
        if batch and size + len(document) > room:
            messages.append(wrap(header, batch))
            batch, size = [], 0
        batch.append(document)
        size += len(document)
    if batch:
        messages.append(wrap(header, batch))
    return messages


@dataclass(frozen=True)
class Message:
    version: str
    sender: str
    receiver: str
    kind: int
    message_id: str
    reply_to: str
    tax_code: str
    documents: tuple[etree._Element, ...]


def unwrap(message: bytes) -> Message:
    """The header and documents of a message; a clear error when it is not one."""
    try:
        root = etree.fromstring(message, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as error:
        raise ValidationError(f"Thông điệp không phải XML hợp lệ: {error}", field="message") from error
    head, data = root.find(HEADER), root.find(DATA)
    if root.tag != MESSAGE or head is None or data is None:
        raise ValidationError("Thông điệp thiếu TDiep/TTChung/DLieu.", field="message")

    def value(tag: str) -> str:
        return (head.findtext(tag) or "").strip()

    try:
        kind = int(value("MLTDiep"))
    except ValueError as error:
        raise ValidationError("Mã loại thông điệp (MLTDiep) không hợp lệ.", field="message") from error
    return Message(value("PBan"), value("MNGui"), value("MNNhan"), kind, value("MTDiep"), value("MTDTChieu"),
                   value("MST"), tuple(data))
