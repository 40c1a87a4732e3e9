"""Electronic fee receipts at the desk (issue 10): signing inside the receipt's transaction, the
wrong-receipt notice, the delivery state the hub sends back, and what the receipts screen and the
`motcua ereceipt` commands read.

`app.services.receipts.issue_receipt` and `void_receipt` call the `sign_*` functions here inside
their own write transaction; everything else is a query or a document built from stored receipts.
The legal content and XML live in the `ereceipt` package; this module only fills it from the
desk's settings and rows.
"""

from __future__ import annotations

import base64
import hashlib
import uuid
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError as PydanticError
from sqlalchemy import Connection, and_, func, insert, or_, select, update

from app.core.ereceipt_deadline import LATE, WAITING_FOR_FIX, WARN, SendingDeadline, sending_deadline
from app.core.errors import NotFoundError, ValidationError
from app.core.receipts import ELECTRONIC, PAPER, format_e_number, format_number, regime_on
from app.services.clock import from_local, to_local
from app.services.desk import Desk
from app.services.outbox import enqueue
from app.services.settings import DeskSettings
from app.store.models import Dossier, EReceiptDocument, EReceiptNotice, Receipt, ReceiptSeries
from sync.ops import HUB_CHANGES, ReceiptNoticed, ReceiptSigned, ReceiptTransmission

# The e-receipt stack (lxml, cryptography, the credential store) loads at the first e-receipt, not
# when the window imports this module for the receipts screen (tests/test_startup.py).
if TYPE_CHECKING:
    from ereceipt import registration as registration_form
    from ereceipt import summary as summary_form
    from ereceipt.content import Collector, EReceipt, RelatedReceipt
    from ereceipt.signing import KeyHolder

ER, EN = EReceiptDocument.__table__, EReceiptNotice.__table__
R, S, D = Receipt.__table__, ReceiptSeries.__table__, Dossier.__table__
INSERT_ERECEIPT, INSERT_NOTICE = insert(ER), insert(EN)
SIGNED, AT_HUB, SENT, ACCEPTED, REJECTED = "signed", "at_hub", "sent", "accepted", "rejected"
DELIVERED = (SENT, ACCEPTED)
STATE_TEXT = {
    SIGNED: "Đã ký, chờ gửi lên hệ thống cấp trên",
    AT_HUB: "Đã lên hệ thống cấp trên, chờ gửi cơ quan thuế",
    SENT: "Đã gửi cơ quan thuế, chờ kết quả",
    ACCEPTED: "Cơ quan thuế đã tiếp nhận",
    REJECTED: "Bị từ chối",
}
LOOKUP_TRIES = 5  # a 60-bit code repeats about never; a unique index makes sure


# -- regime and readiness -------------------------------------------------------------------------


def regime(desk: Desk, instant: datetime | None = None) -> str:
    """"paper" or "electronic" for the local day of `instant` (default: now), by the settings."""
    settings = desk.settings()
    day = to_local(instant or desk.now()).date()
    return regime_on(day, settings.paper_until, settings.electronic_from)


def collector_of(settings: DeskSettings) -> Collector:
    from ereceipt.content import Collector

    return Collector(settings.collector_name, settings.collector_tax_code, settings.collector_address,
                     settings.collector_phone, settings.collector_account, settings.collector_budget_code)


_REQUIRED = (("collector_name", "tên đơn vị thu phí"), ("collector_tax_code", "mã số thuế của đơn vị thu"),
             ("collector_address", "địa chỉ đơn vị thu"), ("tax_office_code", "mã cơ quan thuế quản lý"),
             ("tax_office_name", "tên cơ quan thuế quản lý"))


def check_ready(settings: DeskSettings) -> None:
    """What an e-receipt and its possible notice need from the settings, said before anything is written."""
    missing = [(key, label) for key, label in _REQUIRED if not str(getattr(settings, key)).strip()]
    if missing:
        raise ValidationError(f"Chưa khai {', '.join(label for _, label in missing)} ở màn hình «Danh mục và cài "
                              "đặt»: chưa lập được biên lai điện tử.", field=missing[0][0])


def signer_for(desk: Desk) -> KeyHolder:
    """The settings checked and the configured key holder; raises before any write when either is missing."""
    from app.services.signer_config import key_holder

    settings = desk.settings()
    check_ready(settings)
    return key_holder(settings, desk.db.path.parent)


def _valid_until(certificate: Any) -> datetime:
    return certificate.not_valid_after_utc


def check_office_values(values: dict[str, Any]) -> None:
    """The collector's and tax office's fields an administrator sets for e-receipts, checked alike
    from the settings screen and `motcua ereceipt setup`."""
    from ereceipt.content import TAX_CODE

    tax_code = values.get("collector_tax_code")
    if tax_code is not None and not TAX_CODE.match(str(tax_code).strip()):
        raise ValidationError("Mã số thuế phải gồm 10 chữ số (hoặc 10 số, dấu - và 3 số).", field="collector_tax_code")
    budget = values.get("collector_budget_code")
    if budget and len(str(budget).strip()) != 7:
        raise ValidationError("Mã đơn vị quan hệ ngân sách gồm 7 ký tự.", field="collector_budget_code")
    if values.get("ereceipts_from"):
        try:
            date.fromisoformat(values["ereceipts_from"])
        except ValueError:
            raise ValidationError("Ngày chuyển sang biên lai điện tử phải theo dạng YYYY-MM-DD.",
                                  field="ereceipts_from") from None


def save_office(desk: Desk, **values: Any) -> None:
    """The tax office, budget code, registration contact and early-switch day, without the key."""
    from app.services.admin import update_settings

    check_office_values(values)
    update_settings(desk, **values)


def configure(desk: Desk, *, signer_kind: str, signer_path: str, secret: str = "", token_label: str = "",
              **settings: Any) -> Any:
    """Set the desk up for e-receipts (an administrator, once): the key is opened with its password
    or PIN and its certificate checked before anything is kept; then the settings (through the
    settings service, which checks who may change them) and the secret in the OS credential store.
    `settings` may carry the collector's and tax office's fields and `ereceipts_from`. Returns the
    certificate."""
    from dataclasses import replace as changed

    from app.services.admin import update_settings
    from app.services.signer_config import DEMO, KINDS, PKCS11, key_holder, key_path, save_secret
    from ereceipt.keys import Pkcs11Signer, Pkcs12Signer

    if signer_kind not in KINDS:
        raise ValidationError(f"Loại chữ ký số phải là một trong: {', '.join(KINDS)}.", field="signer_kind")
    check_office_values(settings)
    trial = changed(desk.settings(), signer_kind=signer_kind, signer_path=signer_path, signer_token_label=token_label)
    base = desk.db.path.parent
    if signer_kind == DEMO:
        certificate = key_holder(trial, base).certificate()
    elif signer_kind == PKCS11:
        certificate = Pkcs11Signer(key_path(trial, base), secret, token_label or None).certificate()
    else:
        if not key_path(trial, base).exists():
            raise ValidationError(f"Không tìm thấy tệp chứng thư số {key_path(trial, base)}.", field="signer_path")
        certificate = Pkcs12Signer(key_path(trial, base), secret.encode("utf-8")).certificate()
    if _valid_until(certificate) < desk.now():
        raise ValidationError(f"Chứng thư số đã hết hạn ngày {to_local(_valid_until(certificate)):%d/%m/%Y}.",
                              field="signer_path")
    update_settings(desk, signer_kind=signer_kind, signer_path=signer_path, signer_token_label=token_label,
                    **settings)
    if signer_kind != DEMO:
        save_secret(desk.settings(), secret, base)
    return certificate



UNSET = ("Chưa cài đặt chữ ký số: chưa lập được biên lai điện tử. Chọn loại chữ ký số và tệp, nhập mã PIN "
         "(mật khẩu) rồi bấm «Ký thử và lưu».")


@dataclass(frozen=True)
class SignerState:
    """What the settings screen says about the key: which is configured, and whether it opens now."""

    kind: str
    path: str
    token_label: str
    ready: bool
    text: str  # the certificate and its expiry, or what is wrong, in Vietnamese


def signer_state(desk: Desk) -> SignerState:
    """The configured signer, opened as a receipt would open it (a token must be plugged in)."""
    from app.services.signer_config import KINDS, key_holder
    from ereceipt.signing import SignerUnavailable
    from ereceipt.verify import signer_display

    settings = desk.settings()
    kind, path, label = settings.signer_kind, settings.signer_path, settings.signer_token_label
    if kind not in KINDS or not path:
        return SignerState(kind, path, label, False, UNSET)
    try:
        certificate = key_holder(settings, desk.db.path.parent).certificate()
    except SignerUnavailable as error:
        return SignerState(kind, path, label, False, error.message)
    until = to_local(_valid_until(certificate))
    if _valid_until(certificate) < desk.now():
        return SignerState(kind, path, label, False, f"Chứng thư số {signer_display(certificate)} đã hết hạn ngày "
                                                     f"{until:%d/%m/%Y}: hãy gia hạn và cài đặt lại.")
    return SignerState(kind, path, label, True, f"Đang dùng: {signer_display(certificate)} ({KINDS[kind]}), "
                                                f"hiệu lực đến {until:%d/%m/%Y}.")

# -- signing inside the receipt's transaction ------------------------------------------------------


@dataclass(frozen=True)
class ToSign:
    """What issue_receipt knows about the receipt it is writing."""

    receipt_row_id: int
    receipt_uid: str
    template_symbol: str
    series_symbol: str
    number: int
    issued_at: datetime  # aware
    fields: dict[str, Any]  # payer_name, payer_address, fee_name, amount
    dossier_id: int | None
    replaces_id: int | None


def _related(connection: Connection, replaces_id: int | None) -> RelatedReceipt | None:
    """The link to the replaced receipt, when that one was an e-receipt (a paper one has no XML link)."""
    from ereceipt.content import REPLACES, RelatedReceipt

    if replaces_id is None:
        return None
    row = connection.execute(select(R.c.number, R.c.issued_at, S.c.kind, S.c.template_symbol, S.c.series_symbol)
                             .join(S, S.c.id == R.c.series_id).where(R.c.id == replaces_id)).first()
    if row is None or row.kind != ELECTRONIC:
        return None
    return RelatedReceipt(REPLACES, row.template_symbol, row.series_symbol, row.number, to_local(row.issued_at).date())


def _free_lookup_code(connection: Connection) -> str:
    from ereceipt.content import make_lookup_code

    for _ in range(LOOKUP_TRIES):
        code = make_lookup_code()
        if connection.execute(select(ER.c.id).where(ER.c.lookup_code == code)).first() is None:
            return code
    raise RuntimeError("no free lookup code")  # 2^60 codes: never reached


def _content(desk: Desk, connection: Connection, item: ToSign) -> EReceipt:
    from ereceipt.content import EReceipt, Payer

    dossier = None
    if item.dossier_id is not None:
        dossier = connection.execute(select(D.c.code, D.c.owner_id_number).where(D.c.id == item.dossier_id)).first()
    fields = item.fields
    return EReceipt(
        template_symbol=item.template_symbol, series_symbol=item.series_symbol, number=item.number,
        issued_at=to_local(item.issued_at), collector=collector_of(desk.settings()),
        payer=Payer(fields["payer_name"], fields["payer_address"],
                    id_number=dossier.owner_id_number if dossier else ""),
        fee_name=fields["fee_name"], amount=fields["amount"], lookup_code=_free_lookup_code(connection),
        dossier_code=dossier.code if dossier else "", collector_officer=desk.actor,
        related=_related(connection, item.replaces_id),
    )


def _wire(xml: bytes) -> tuple[str, str]:
    return base64.b64encode(xml).decode("ascii"), hashlib.sha256(xml).hexdigest()


def sign_receipt(desk: Desk, connection: Connection, holder: KeyHolder, item: ToSign) -> str:
    """Step of issue_receipt: build, sign (three steps), store the signed XML and queue
    `receipt.signed`, in the caller's transaction. Any failure (content refused, token pulled out
    while signing) raises and the whole receipt is undone. Returns the lookup code."""
    from ereceipt.build import build_signed

    content = _content(desk, connection, item)
    xml = build_signed(content, holder, content.issued_at)
    b64, digest = _wire(xml)
    connection.execute(INSERT_ERECEIPT, {
        "receipt_id": item.receipt_row_id, "lookup_code": content.lookup_code, "signed_xml": xml,
        "xml_sha256": digest, "signed_at": item.issued_at, "state": SIGNED, "reason": "", "message_id": "",
        "state_at": item.issued_at,
    })
    payload = ReceiptSigned(receipt_id=item.receipt_uid, template_symbol=item.template_symbol,
                            series_symbol=item.series_symbol, number=item.number, lookup_code=content.lookup_code,
                            signed_at=item.issued_at, xml_b64=b64, xml_sha256=digest)
    enqueue(connection, entity="receipt", entity_id=item.receipt_uid, kind="receipt.signed", payload=payload.wire(),
            actor=desk.actor, device_time=item.issued_at)
    return content.lookup_code


def is_electronic(connection: Connection, receipt_uid: str) -> bool:
    """True when the receipt has a signed document here (a void then needs a signed notice)."""
    return connection.execute(select(ER.c.id).join(R, R.c.id == ER.c.receipt_id)
                              .where(R.c.uid == receipt_uid)).first() is not None


def _notice_number(connection: Connection, day: date) -> int:
    start, end = _day_range(day)
    return 1 + connection.execute(select(func.count()).select_from(EN)
                                  .where(EN.c.signed_at.between(start, end))).scalar()


def sign_notice(desk: Desk, connection: Connection, holder: KeyHolder, receipt: Any, *, action: int, reason: str,
                at: datetime) -> str:
    """Step of void_receipt for an e-receipt: the signed Mẫu 04/SS-CTĐT notice, stored and queued as
    `receipt.noticed`, in the caller's transaction. `receipt` is the receipt's row. Returns the notice's id."""
    from ereceipt import notice as notice_form
    from ereceipt.signing import sign_form

    series = connection.execute(select(S.c.template_symbol, S.c.series_symbol).where(S.c.id == receipt.series_id)).one()
    settings = desk.settings()
    local = to_local(at)
    form = notice_form.WrongNotice(
        collector_name=settings.collector_name, tax_code=settings.collector_tax_code,
        place=settings.place_name or settings.commune_name, notice_date=local.date(),
        tax_office_code=settings.tax_office_code, tax_office_name=settings.tax_office_name,
        receipts=(notice_form.WrongReceipt(series.template_symbol, series.series_symbol, receipt.number,
                                           to_local(receipt.issued_at).date(), action, reason),),
        budget_code=settings.collector_budget_code)
    xml = sign_form(notice_form.to_xml(form, _notice_number(connection, local.date())), holder, local)
    b64, digest = _wire(xml)
    notice_id = str(uuid.uuid4())
    connection.execute(INSERT_NOTICE, {
        "uid": notice_id, "receipt_id": receipt.id, "action": action, "cause": reason, "signed_xml": xml,
        "xml_sha256": digest, "signed_at": at, "state": SIGNED, "reason": "", "message_id": "", "state_at": at,
    })
    payload = ReceiptNoticed(receipt_id=receipt.uid, notice_id=notice_id, action=action, reason=reason, noticed_at=at,
                             xml_b64=b64, xml_sha256=digest)
    enqueue(connection, entity="receipt", entity_id=receipt.uid, kind="receipt.noticed", payload=payload.wire(),
            actor=desk.actor, device_time=at)
    return notice_id


# -- the state the hub sends back -----------------------------------------------------------------------


def apply_transmission(connection: Connection, payload: dict[str, Any]) -> int:
    """A `receipt.transmission` change from the hub: where the delivery of one of this desk's signed
    documents stands. Applied in the pulled page's transaction; an older state never overwrites a
    newer one (the same change pulled twice changes nothing). Returns 1 when something changed.
    A receipt this desk did not sign (another workstation's) is not here: nothing to do."""
    _, model = HUB_CHANGES["receipt.transmission"]
    try:
        change = model.model_validate(payload)
    except PydanticError:
        raise ValidationError("Trạng thái gửi biên lai điện tử từ hệ thống cấp trên không đúng quy ước.",
                              field="receipt.transmission", code="invalid_payload") from None
    assert isinstance(change, ReceiptTransmission)
    values = {"state": change.state, "reason": change.reason, "message_id": change.message_id, "state_at": change.at}
    if change.document == "notice":
        if change.notice_id is None:
            raise ValidationError("Trạng thái gửi thông báo sai sót thiếu mã thông báo.", field="notice_id")
        target, where = EN, EN.c.uid == change.notice_id
    else:
        receipt_id = select(R.c.id).where(R.c.uid == change.receipt_id).scalar_subquery()
        target, where = ER, ER.c.receipt_id == receipt_id
    # A hub state always follows the desk's own `signed` (their clocks may differ: a desk whose clock
    # runs ahead would otherwise never hear of its receipt); hub states are ordered by the hub's time.
    newer = or_(target.c.state == SIGNED, target.c.state_at < change.at,
                and_(target.c.state_at == change.at, target.c.state != change.state))
    return connection.execute(update(target).where(where, newer).values(**values)).rowcount


# -- what the receipts screen shows -------------------------------------------------------------------------


@dataclass(frozen=True)
class NoticeLine:
    uid: str
    action: int
    action_text: str
    cause: str
    signed_at: datetime
    state: str
    state_text: str
    reason: str


@dataclass(frozen=True)
class EReceiptLine:
    receipt_uid: str
    template_symbol: str
    series_symbol: str
    number: int
    issued_at: datetime  # aware UTC
    issued_by: str
    payer_name: str
    fee_name: str
    amount: int
    status: str  # issued | voided
    void_reason: str
    replaces_uid: str | None
    lookup_code: str
    state: str  # signed | at_hub | sent | accepted | rejected
    state_text: str
    reason: str  # the provider's reason, when rejected
    state_at: datetime
    deadline: datetime | None  # local wall time; None while the outage that held it back lasts
    deadline_text: str
    warn: bool  # not yet delivered, and the deadline is within a day, passed, or waits for the line
    late: bool
    notices: tuple[NoticeLine, ...]

    @property
    def label(self) -> str:
        return f"{self.template_symbol} {self.series_symbol} số {format_e_number(self.number)}"


def _last_sync(settings: DeskSettings) -> datetime | None:
    try:
        return datetime.fromisoformat(settings.sync_last_success) if settings.sync_last_success else None
    except ValueError:
        return None


def deadline_of(desk: Desk, issued_at: datetime, state: str, state_at: datetime) -> SendingDeadline:
    """The legal sending deadline of one e-receipt (app/core/ereceipt_deadline.py with the desk's
    calendar): the day of issue; when the line was down (it reached the hub only after that day, or
    has not yet), three working days after it came back."""
    issued = to_local(issued_at)
    end_of_day = datetime.combine(issued.date(), time(23, 59, 59))
    if state == SIGNED:
        arrived = None
    else:
        arrived = to_local(state_at)
    if arrived is not None and arrived <= end_of_day:
        return sending_deadline(issued, desk.calendar())
    if arrived is None and to_local(desk.now()) <= end_of_day:
        return sending_deadline(issued, desk.calendar())
    return sending_deadline(issued, desk.calendar(), outage_began=issued, outage_fixed=arrived)


def _notice_lines(connection: Connection, receipt_ids: list[int]) -> dict[int, list[NoticeLine]]:
    found: dict[int, list[NoticeLine]] = {}
    if not receipt_ids:
        return found
    rows = connection.execute(select(EN).where(EN.c.receipt_id.in_(receipt_ids)).order_by(EN.c.id)).all()
    if rows:  # a notice means e-receipts were signed here: the stack is loaded anyway
        from ereceipt.notice import ACTIONS
    for r in rows:
        found.setdefault(r.receipt_id, []).append(NoticeLine(
            r.uid, r.action, ACTIONS.get(r.action, ""), r.cause, r.signed_at, r.state,
            STATE_TEXT[r.state], r.reason))
    return found


def _line(desk: Desk, row: Any, notices: list[NoticeLine], now: datetime) -> EReceiptLine:
    deadline = deadline_of(desk, row.issued_at, row.state, row.state_at)
    state = deadline.state(now)
    delivered = row.state in DELIVERED
    text = "Đã gửi cơ quan thuế" if delivered else deadline.describe(now)
    return EReceiptLine(
        row.uid, row.template_symbol, row.series_symbol, row.number, row.issued_at, row.issued_by, row.payer_name,
        row.fee_name, row.amount, row.status, row.void_reason, row.replaces_uid, row.lookup_code, row.state,
        STATE_TEXT[row.state], row.reason, row.state_at, deadline.due, text,
        not delivered and state in (WARN, LATE, WAITING_FOR_FIX), not delivered and state == LATE, tuple(notices))


def _lines(desk: Desk, *conditions: Any) -> list[EReceiptLine]:
    replaced = R.alias("replaced")
    query = (select(R.c.id, R.c.uid, R.c.number, R.c.issued_at, R.c.issued_by, R.c.payer_name, R.c.fee_name,
                    R.c.amount, R.c.status, R.c.void_reason, replaced.c.uid.label("replaces_uid"),
                    S.c.template_symbol, S.c.series_symbol, ER.c.lookup_code, ER.c.state, ER.c.reason, ER.c.state_at)
             .join(ER, ER.c.receipt_id == R.c.id).join(S, S.c.id == R.c.series_id)
             .outerjoin(replaced, replaced.c.id == R.c.replaces_id).where(*conditions).order_by(R.c.id))
    with desk.read() as connection:
        rows = connection.execute(query).all()
        notices = _notice_lines(connection, [r.id for r in rows])
    now = to_local(desk.now())
    return [_line(desk, r, notices.get(r.id, []), now) for r in rows]


def ereceipts_of_day(desk: Desk, day: date, officer: str = "") -> list[EReceiptLine]:
    """E-receipts issued on a local day (by one officer or all), each with its delivery state, the
    provider's reason when rejected, the legal sending deadline, `warn`/`late`, and its notices."""
    start, end = _day_range(day)
    conditions = [R.c.issued_at.between(start, end)]
    if officer:
        conditions.append(R.c.issued_by == officer)
    return _lines(desk, *conditions)


def ereceipts_to_watch(desk: Desk) -> list[EReceiptLine]:
    """E-receipts not yet delivered to the tax authority, any day, with `warn` set on those whose
    deadline is near, passed or waiting for the line: what the screen's warning counts."""
    return _lines(desk, ER.c.state.not_in(DELIVERED))


def ereceipt_of(desk: Desk, receipt_uid: str) -> EReceiptLine:
    """One e-receipt's line (after issuing it, or for a replacement dialog)."""
    found = _lines(desk, R.c.uid == receipt_uid)
    if not found:
        raise NotFoundError("Không tìm thấy biên lai điện tử.", field="receipt")
    return found[0]


# -- documents: the signed XML, the certificate ------------------------------------------------------------


def signed_xml(desk: Desk, *, receipt_uid: str | None = None, series_symbol: str | None = None,
               number: int | None = None) -> tuple[str, bytes]:
    """(label, signed XML) of a stored e-receipt: by its id, by series and number, or the latest
    issued here when neither is given. The bytes are exactly those signed."""
    query = (select(ER.c.signed_xml, S.c.template_symbol, S.c.series_symbol, R.c.number)
             .join(R, R.c.id == ER.c.receipt_id).join(S, S.c.id == R.c.series_id))
    if receipt_uid is not None:
        query = query.where(R.c.uid == receipt_uid)
    elif series_symbol is not None and number is not None:
        query = query.where(S.c.series_symbol == series_symbol.strip().upper(), R.c.number == number)
    with desk.read() as connection:
        row = connection.execute(query.order_by(R.c.id.desc()).limit(1)).first()
    if row is None:
        raise NotFoundError("Không tìm thấy biên lai điện tử nào như vậy trên máy này.", field="receipt")
    return f"{row.template_symbol} {row.series_symbol} số {format_e_number(row.number)}", row.signed_xml


def notice_xml(desk: Desk, notice_uid: str) -> bytes:
    """The signed Mẫu 04/SS-CTĐT notice as stored."""
    with desk.read() as connection:
        xml = connection.execute(select(EN.c.signed_xml).where(EN.c.uid == notice_uid)).scalar()
    if xml is None:
        raise NotFoundError("Không tìm thấy thông báo sai sót.", field="notice")
    return xml


def citizen_copy_pdf(desk: Desk, receipt_uid: str, *, stamp: str = "") -> bytes:
    """The printed copy of a stored e-receipt for the citizen (Mẫu 01/PLPĐT view: every legal field,
    the signer and signing time, the lookup code and a QR to the hub's public lookup page). Its
    signature is checked first: a receipt whose signature does not hold is never printed."""
    from forms.ereceipt import render_signed_copy

    _, xml = signed_xml(desk, receipt_uid=receipt_uid)
    return render_signed_copy(xml, lookup_base_url=desk.settings().hub_url, stamp=stamp)  # stamp: on a reprint


def signing_certificate_pem(desk: Desk) -> bytes:
    """The configured signer's certificate (PEM), to register with the tax authority or check a signature."""
    from app.services.signer_config import key_holder
    from ereceipt.keys import certificate_pem

    return certificate_pem(key_holder(desk.settings(), desk.db.path.parent).certificate())


# -- Mẫu 01/TH-BLĐT: the daily summary per series ------------------------------------------------------------


def _day_range(day: date) -> tuple[datetime, datetime]:
    return from_local(datetime.combine(day, time.min)), from_local(datetime.combine(day, time.max))


def summary_series(desk: Desk, day: date) -> list[tuple[str, str]]:
    """(template, series) of the e-receipts issued on a local day, each needing its own summary."""
    start, end = _day_range(day)
    with desk.read() as connection:
        rows = connection.execute(select(S.c.template_symbol, S.c.series_symbol).distinct()
                                  .join(R, R.c.series_id == S.c.id).join(ER, ER.c.receipt_id == R.c.id)
                                  .where(R.c.issued_at.between(start, end))
                                  .order_by(S.c.template_symbol, S.c.series_symbol)).all()
    return [(r.template_symbol, r.series_symbol) for r in rows]


def _summary_number(connection: Connection, template: str, series: str, day: date) -> int:
    """SBTHDLieu: this summary's rank among the days of the series with e-receipts, up to this one."""
    _, end = _day_range(day)
    days = connection.execute(select(R.c.issued_at).join(S, S.c.id == R.c.series_id).join(ER, ER.c.receipt_id == R.c.id)
                              .where(S.c.template_symbol == template, S.c.series_symbol == series,
                                     R.c.issued_at <= end)).scalars()
    return len({to_local(moment).date() for moment in days})


def summary_data(desk: Desk, day: date, series_symbol: str | None = None
                 ) -> tuple[summary_form.SummaryHeader, list[summary_form.SummaryLine]]:
    """Header and lines of Mẫu 01/TH-BLĐT for one series and local day, from the signed receipts
    stored here: a void is "Hủy" with its reason, a replacement carries its link. A desk holds the
    signed documents of its own workstation only; when several workstations share a series, the
    commune's whole table is the hub's to make (it stores every workstation's documents)."""
    from lxml import etree

    from ereceipt import summary as summary_form
    from ereceipt import xml_adapter

    choices = summary_series(desk, day)
    if series_symbol:
        choices = [c for c in choices if c[1] == series_symbol.strip().upper()]
    if not choices:
        raise NotFoundError(f"Không có biên lai điện tử nào ngày {day:%d/%m/%Y}"
                            f"{' ký hiệu ' + series_symbol if series_symbol else ''}.", field="date")
    if len(choices) > 1:
        raise ValidationError("Ngày này có biên lai của nhiều ký hiệu ("
                              f"{', '.join(s for _, s in choices)}): hãy chọn một ký hiệu.", field="series")
    template, series = choices[0]
    start, end = _day_range(day)
    settings = desk.settings()
    with desk.read() as connection:
        rows = connection.execute(select(ER.c.signed_xml, R.c.status, R.c.void_reason)
                                  .join(R, R.c.id == ER.c.receipt_id).join(S, S.c.id == R.c.series_id)
                                  .where(S.c.template_symbol == template, S.c.series_symbol == series,
                                         R.c.issued_at.between(start, end)).order_by(R.c.number)).all()
        number = _summary_number(connection, template, series, day)
    header = summary_form.SummaryHeader(settings.collector_name, settings.collector_tax_code, template, series, day,
                                        number=number, place=settings.place_name or settings.commune_name)
    lines = []
    for row in rows:
        receipt = xml_adapter.from_xml(etree.fromstring(row.signed_xml))
        if row.status == "voided":
            line = replace(summary_form.line_of(receipt, summary_form.CANCELLED), explanation=row.void_reason)
        else:
            line = summary_form.line_of(receipt)
        lines.append(line)
    return header, sorted(lines, key=lambda line: line.number)


def daily_summary(desk: Desk, day: date, *, series_symbol: str | None = None, fmt: str = "xml") -> bytes:
    """Mẫu 01/TH-BLĐT of one series and local day: "xml" signed for the provider, "pdf" or "xlsx" for the file."""
    header, lines = summary_data(desk, day, series_symbol)
    if fmt == "pdf":
        from forms.ereceipt_summary import summary_pdf

        return summary_pdf(header, lines)
    if fmt == "xlsx":
        from forms.ereceipt_summary import summary_workbook

        return summary_workbook(header, lines)
    if fmt != "xml":
        raise ValidationError("Định dạng phải là xml, pdf hoặc xlsx.", field="format")
    from ereceipt import summary as summary_form
    from ereceipt.signing import sign_form

    holder = signer_for(desk)
    return sign_form(summary_form.to_xml(header, lines), holder, to_local(desk.now()))


# -- Mẫu 01/ĐKTĐ-CTĐT: the registration ----------------------------------------------------------------------


def _kinds(connection: Connection) -> tuple[str, ...]:
    templates = set(connection.execute(select(S.c.template_symbol).where(S.c.kind == ELECTRONIC)).scalars())
    kinds = tuple(kind for template, kind in (("EBL01", "BLTPLPKIn"), ("EBL02", "BLTPLPIn")) if template in templates)
    return kinds or ("BLTPLPKIn",)


def registration_data(desk: Desk, holder: KeyHolder, *, change: bool = False) -> registration_form.Registration:
    """The registration form filled from the settings and the signer's certificate."""
    from ereceipt import registration as registration_form

    settings = desk.settings()
    with desk.read() as connection:
        kinds = _kinds(connection)
    return registration_form.Registration(
        collector_name=settings.collector_name, tax_code=settings.collector_tax_code,
        tax_office_name=settings.tax_office_name, tax_office_code=settings.tax_office_code,
        contact_name=settings.ereceipt_contact_name or settings.signer_name, contact_address=settings.collector_address,
        contact_email=settings.ereceipt_contact_email, contact_phone=settings.collector_phone,
        place=settings.place_name or settings.commune_name, signed_on=to_local(desk.now()).date(), kinds=kinds,
        method=settings.ereceipt_method, certificates=(registration_form.certificate_line(holder.certificate()),),
        budget_code=settings.collector_budget_code, change=change)


def registration(desk: Desk, *, fmt: str = "xml", change: bool = False) -> bytes:
    """Mẫu 01/ĐKTĐ-CTĐT from the settings: "xml" signed with the collector's key, or "pdf" to file."""
    from app.services.signer_config import key_holder
    from ereceipt import registration as registration_form
    from ereceipt.signing import sign_form

    holder = key_holder(desk.settings(), desk.db.path.parent)
    form = registration_data(desk, holder, change=change)
    if fmt == "pdf":
        from forms.ereceipt_registration import registration_pdf

        return registration_pdf(form)
    if fmt != "xml":
        raise ValidationError("Định dạng phải là xml hoặc pdf.", field="format")
    return sign_form(registration_form.to_xml(form), holder, to_local(desk.now()))


# -- paper stock left at the end of paper receipts ---------------------------------------------------------------


@dataclass(frozen=True)
class UnusedPaper:
    """Numbers of a paper range never issued: to destroy after 31/12/2026 (Mẫu 02/HUY-HĐBLG)."""

    template_symbol: str
    series_symbol: str
    first_unused: int
    last_unused: int

    @property
    def count(self) -> int:
        return self.last_unused - self.first_unused + 1

    @property
    def text(self) -> str:
        count = f"{self.count:,}".replace(",", ".")  # 19.754: Vietnamese thousands
        return (f"{self.template_symbol} {self.series_symbol}: từ số {format_number(self.first_unused)} đến số "
                f"{format_number(self.last_unused)} ({count} số)")


def unused_paper(desk: Desk) -> list[UnusedPaper]:
    """The unused numbers of each paper range of this workstation (a void keeps its number, so they
    are the end of each range), for the destruction report."""
    with desk.read() as connection:
        rows = connection.execute(select(S).where(S.c.kind == PAPER, S.c.source != "pulled",
                                                  S.c.next_number <= S.c.last_number).order_by(S.c.id)).all()
    return [UnusedPaper(r.template_symbol, r.series_symbol, r.next_number, r.last_number) for r in rows]


def paper_stop_warning(desk: Desk, days: int = 14) -> str:
    """A line for the receipts screen in the last days of paper: "" when not relevant."""
    settings = desk.settings()
    today = to_local(desk.now()).date()
    if regime(desk) == ELECTRONIC or settings.paper_until - today > timedelta(days=days):
        return ""
    return (f"Biên lai giấy chỉ được dùng đến hết ngày {settings.paper_until:%d/%m/%Y}; từ ngày "
            f"{settings.paper_until + timedelta(days=1):%d/%m/%Y} phải lập biên lai điện tử.")
