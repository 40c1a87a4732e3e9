"""The printed papers of a dossier: builds each form's data from the database, in the legal set of
forms chosen by configuration, and renders it with forms/. Nothing here touches a printer."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from sqlalchemy import select

from app.assets import load_json
from app.core.errors import ConfigurationError, NotFoundError, ValidationError
from app.core.lifecycle import Action, Status, outcome
from app.core.money import amount_in_words, format_vnd
from app.core.receipts import format_number
from app.core.wording import date_line, date_words, moment_words
from app.services.catalogue import DOCUMENT_FORMS, list_procedures
from app.services.clock import from_local, to_local
from app.services.desk import Desk
from app.services.fee_text import fee_summary
from app.services.queries import dossier_detail
from app.store.models import Dossier, Event, Procedure, ProcedureVersion, Receipt, ReceiptSeries
from forms.apology import ApologyData, render_apology
from forms.control_sheet import ControlData, HandOff, render_control_sheet
from forms.log_book import BookData, BookRow, log_book_xlsx, render_log_book
from forms.notice import Signer
from forms.page import Letterhead, Page, Party
from forms.public_list import ListedProcedure, PublicListData, render_public_list
from forms.qr import PaperQr
from forms.receipt import COPIES, ReceiptContent, ReceiptMarks, render_receipt
from forms.refusal import RefusalData, render_refusal
from forms.slip import SlipData, render_slip
from forms.stop_notice import StopData, render_stop_notice
from forms.supplement import Missing, SupplementData, render_supplement
from forms.ticket import TicketData, render_ticket


def paper_info(desk: Desk, kind: str) -> tuple[str, str]:
    """(form number, title) of `kind` in the configured regime."""
    regimes = load_json("rules", "forms.json")["regimes"]
    regime = regimes.get(desk.settings().form_regime)
    if regime is None:
        raise ConfigurationError(f"Bộ mẫu giấy tờ «{desk.settings().form_regime}» không có trong cấu hình.")
    if kind not in regime["papers"]:
        raise ValidationError(f"Bộ mẫu theo {regime['basis']} không có loại giấy tờ này.", field="paper")
    number, title = regime["papers"][kind]
    return number, title


def _letterhead(desk: Desk, kind: str | None, day: date, number: str = "") -> Letterhead:
    """The letterhead of a paper dated `day`: the day of its act, not of its printing (NĐ 30/2020)."""
    settings = desk.settings()
    label = f"Mẫu số {paper_info(desk, kind)[0]}" if kind else ""
    return Letterhead(settings.agency_name, settings.office_name, date_line(settings.place_name, day), number, label)


def _system(desk: Desk) -> str:
    settings = desk.settings()
    return settings.system_name or f"Một cửa {settings.agency_name}"


def _qr(desk: Desk, dossier: dict[str, Any], title: str, issued_at: datetime, *, with_due: bool = False) -> PaperQr:
    """The QR's issue time is the act's (TT 01/2023 Điều 26: thời điểm xuất bản of the paper)."""
    procedure_code = dossier["_procedure"].national_code or dossier["_procedure"].code
    return PaperQr(dossier["code"], procedure_code, dossier["owner_id_number"], title, _system(desk),
                   to_local(issued_at), to_local(dossier["due_at"]) if with_due else None)


def reprint_stamp(desk: Desk, reprint: int) -> str:
    """"In lại lúc 15 giờ 00 phút, ngày 18 tháng 11 năm 2026, lần thứ 1" — on a reprint only."""
    return f"BẢN IN LẠI – In lại lúc {moment_words(to_local(desk.now()))}, lần thứ {reprint}" if reprint else ""


def _page(desk: Desk, size: str | None) -> Page:
    return Page(size or desk.settings().paper_size)


def _load(desk: Desk, uid: str) -> tuple[dict[str, Any], dict[str, Any]]:
    detail = dossier_detail(desk, uid)
    dossier = {**detail["dossier"], "_procedure": detail["procedure"]}
    return detail, dossier


def _party(dossier: dict[str, Any]) -> Party:
    return Party(dossier["owner_name"], dossier["owner_address"], dossier["owner_phone"], dossier["owner_email"])


def _fee_text(dossier: dict[str, Any]) -> str:
    if dossier["fee_exemption"]:
        return f"Miễn – {dossier['fee_exemption']}"
    if dossier["fee_amount"] == 0:
        return "Không thu"
    return f"{format_vnd(dossier['fee_amount'])} ({amount_in_words(dossier['fee_amount'])})"


def _request_counts(dossier: dict[str, Any]) -> str:
    """The copies and pages the official entered (the fee follows them), so the slip the citizen keeps
    says what was asked for, not only the documents handed in."""
    copies, pages = dossier.get("copies") or 1, dossier.get("pages") or 1
    if copies == 1 and pages == 1:
        return ""
    return f"{copies:02d} bản, mỗi bản {pages:02d} trang" if pages > 1 else f"{copies:02d} bản"


def _last_event(detail: dict[str, Any], action: Action) -> dict[str, Any]:
    for event in reversed(detail["events"]):
        if event["kind"] == action.value:
            return event
    raise NotFoundError("Hồ sơ chưa có bước này nên chưa thể in giấy tờ tương ứng.", field="paper")


def return_place(desk: Desk, method: str) -> str:
    """Where the result is collected, in the words of the line "Đăng ký nhận kết quả tại: …"."""
    if method == "post":
        return "Địa chỉ của người nộp hồ sơ, qua dịch vụ bưu chính công ích"
    return desk.settings().office_name


def _day(moment: datetime) -> date:
    return to_local(moment).date()


def slip_pdf(desk: Desk, uid: str, *, copies: int = 2, size: str | None = None, reprint: int = 0) -> bytes:
    """Dated and QR-stamped at the dossier's reception, whenever it is printed."""
    detail, dossier = _load(desk, uid)
    _, title = paper_info(desk, "slip")
    procedure = detail["procedure"]
    settings = desk.settings()
    labels = ("Liên 1: Lưu", "Liên 2: Giao người nộp hồ sơ")
    received = dossier["received_at"]
    # The appointment made at reception: a later reschedule has its own letter (Mẫu 04).
    due = dossier.get("original_due_at") or dossier["due_at"]
    data = SlipData(
        head=_letterhead(desk, "slip", _day(received)), qr=_qr(desk, {**dossier, "due_at": due}, title, received,
                                                             with_due=True),
        title=title, code=dossier["code"], office=settings.office_name, agency=settings.agency_name,
        applicant_name=dossier["owner_name"], address=dossier["owner_address"], phone=dossier["owner_phone"],
        email=dossier["owner_email"], procedure_name=procedure.name,
        documents=tuple((d["name"], DOCUMENT_FORMS[d["form"]], d["quantity"]) for d in detail["documents"]),
        sets_count=dossier["sets_count"], legal_time=procedure.legal_time.describe(),
        received=moment_words(to_local(received)), due=moment_words(to_local(due)),
        return_place=return_place(desk, dossier["return_method"]), fee=_fee_text(dossier),
        book_number=str(to_local(received).year), book_sequence=dossier["code"].rsplit("-", 1)[1],
        receiver_name=dossier["received_by"], copies=labels[-copies:] if copies == 1 else labels,
        request_counts=_request_counts(dossier),
    )
    return render_slip(data, _page(desk, size), stamp=reprint_stamp(desk, reprint))


def _missing(detail: dict[str, Any], names: list[str]) -> tuple[Missing, ...]:
    """Each missing document with the form and number the procedure (or the dossier) asks for;
    a name neither knows keeps blank columns for the officer's pen."""
    known = {d["name"]: (d.get("form", "original"), int(d.get("quantity", 1))) for d in detail["procedure"].documents}
    known |= {d["name"]: (d["form"], d["quantity"]) for d in detail["documents"]}
    result = []
    for name in names:
        form, quantity = known.get(name, ("", 0))
        result.append(Missing(name, DOCUMENT_FORMS.get(form, "") if form else "", quantity))
    return tuple(result)


def supplement_pdf(desk: Desk, uid: str, *, officer_phone: str = "", size: str | None = None,
                   reprint: int = 0) -> bytes:
    detail, dossier = _load(desk, uid)
    event = _last_event(detail, Action.REQUEST_SUPPLEMENT)
    _, title = paper_info(desk, "supplement")
    at = event["device_time"]
    data = SupplementData(
        head=_letterhead(desk, "supplement", _day(at), "Số: ……/HDHS"), qr=_qr(desk, dossier, title, at), title=title,
        code=dossier["code"], office=desk.settings().office_name, applicant=_party(dossier),
        procedure_name=detail["procedure"].name, missing=_missing(detail, event["payload"]["missing_documents"]),
        reason=event["payload"]["reason"], officer_name=event["actor"], officer_phone=officer_phone,
    )
    return render_supplement(data, _page(desk, size), stamp=reprint_stamp(desk, reprint))


def refusal_pdf(desk: Desk, uid: str, *, size: str | None = None, reprint: int = 0) -> bytes:
    detail, dossier = _load(desk, uid)
    event = _last_event(detail, Action.REFUSE)
    _, title = paper_info(desk, "refusal")
    at = event["device_time"]
    data = RefusalData(
        head=_letterhead(desk, "refusal", _day(at)), qr=_qr(desk, dossier, title, at), title=title,
        code=dossier["code"], agency=desk.settings().agency_name, applicant=_party(dossier),
        procedure_name=detail["procedure"].name, reason=event["payload"]["reason"], receiver_name=event["actor"],
    )
    return render_refusal(data, _page(desk, size), stamp=reprint_stamp(desk, reprint))


def signer(desk: Desk) -> Signer:
    settings = desk.settings()
    return Signer(settings.signer_authority, settings.signer_title, settings.signer_name, tuple(settings.recipients))


def _received_day(dossier: dict[str, Any]) -> str:
    return date_words(to_local(dossier["received_at"]).date()).removeprefix("ngày ")


def apology_pdf(desk: Desk, uid: str, *, size: str | None = None, reprint: int = 0) -> bytes:
    detail, dossier = _load(desk, uid)
    event = _last_event(detail, Action.RESCHEDULE)
    _, title = paper_info(desk, "apology")
    at = event["device_time"]
    data = ApologyData(
        head=_letterhead(desk, "apology", _day(at), "Số: ……/……"), qr=_qr(desk, dossier, title, at, with_due=True),
        title=title, code=dossier["code"], agency=desk.settings().agency_name, applicant_name=dossier["owner_name"],
        procedure_name=detail["procedure"].name, received=_received_day(dossier),
        original_due=moment_words(to_local(dossier["original_due_at"])), reason=event["payload"]["reason"],
        new_due=moment_words(to_local(dossier["due_at"])), signer=signer(desk),
        asks_extension=desk.settings().form_regime != "tt01_2018",
    )
    return render_apology(data, _page(desk, size), stamp=reprint_stamp(desk, reprint))


def stop_notice_pdf(desk: Desk, uid: str, *, size: str | None = None, reprint: int = 0) -> bytes:
    detail, dossier = _load(desk, uid)
    _, title = paper_info(desk, "stop")
    event = _last_event(detail, Action.STOP)
    at = event["device_time"]
    data = StopData(
        head=_letterhead(desk, "stop", _day(at), "Số: ……/TB"), qr=_qr(desk, dossier, title, at), title=title,
        code=dossier["code"], agency=desk.settings().agency_name, applicant_name=dossier["owner_name"],
        procedure_name=detail["procedure"].name, received=_received_day(dossier), reason=event["payload"]["reason"],
        signer=signer(desk),
    )
    return render_stop_notice(data, _page(desk, size), stamp=reprint_stamp(desk, reprint))


def _hand_offs(detail: dict[str, Any], dossier: dict[str, Any], office: str) -> tuple[HandOff, ...]:
    rows: list[HandOff] = []
    unit = "Công chức chuyên môn"
    for event in detail["events"]:
        when = moment_words(to_local(event["device_time"]))
        kind = event["kind"]
        if kind == Action.FORWARD.value:
            unit = event["payload"].get("to_unit") or unit
            rows.append(HandOff(office, unit, when, ""))
        elif kind == Action.FINISH.value:
            result = outcome(dossier["due_at"], event["device_time"]).label
            rows.append(HandOff(unit, office, when, result, event["payload"].get("note", "")))
        elif kind == Action.HAND_OVER.value:
            rows.append(HandOff(office, event["payload"].get("receiver", "Người nộp hồ sơ"), when, "",
                                "Trả kết quả"))
        elif kind in (Action.REQUEST_SUPPLEMENT.value, Action.RESCHEDULE.value, Action.STOP.value):
            rows.append(HandOff(unit, office, when, "", event["payload"].get("reason", "")))
    return tuple(rows)


OPEN = {Status.RECEIVED, Status.PROCESSING, Status.SUPPLEMENT, Status.PAYMENT}


def control_sheet_pdf(desk: Desk, uid: str, *, size: str | None = None, reprint: int = 0) -> bytes:
    """Made when the dossier is received (its date and QR are the reception's); the rows are the
    hand-offs recorded since, and blank rows for those still to come."""
    detail, dossier = _load(desk, uid)
    _, title = paper_info(desk, "control")
    forwards = [e["payload"].get("to_unit", "") for e in detail["events"] if e["kind"] == Action.FORWARD.value]
    received = dossier["received_at"]
    data = ControlData(
        head=_letterhead(desk, "control", _day(received)), qr=_qr(desk, dossier, title, received, with_due=True),
        title=title, code=dossier["code"], applicant_name=dossier["owner_name"],
        received=moment_words(to_local(received)), due=moment_words(to_local(dossier["due_at"])),
        lead_unit=forwards[0] if forwards else "", partner_units=", ".join(dict.fromkeys(forwards[1:])),
        rows=_hand_offs(detail, dossier, desk.settings().office_name),
        open_rows=2 if Status(dossier["status"]) in OPEN else 0,
    )
    return render_control_sheet(data, _page(desk, size), stamp=reprint_stamp(desk, reprint))


CLOSING = {Action.REFUSE.value: "Từ chối tiếp nhận", Action.STOP.value: "Dừng giải quyết",
           Action.WITHDRAW.value: "Rút hồ sơ", Action.HAND_OVER.value: "Đã trả kết quả"}


def _book_state(status: Status, closing: Any) -> tuple[str, str]:
    """(state for the totals, note) of a dossier in the book."""
    if closing is not None and closing.kind != Action.HAND_OVER.value:
        reason = closing.payload.get("reason", "")
        return CLOSING[closing.kind], f"{CLOSING[closing.kind]} ngày {to_local(closing.device_time):%d/%m/%Y}: {reason}"
    if status == Status.RETURNED:
        return CLOSING[Action.HAND_OVER.value], ""
    if status == Status.DONE:
        return "Đã có kết quả, chờ trả", ""
    return "Đang giải quyết", ""


def _book_rows(desk: Desk, start: datetime, end: datetime) -> list[BookRow]:
    """One query for the dossiers of the period, one for the steps that close them: a month is
    thousands of rows."""
    d, pv, p, e = Dossier.__table__, ProcedureVersion.__table__, Procedure.__table__, Event.__table__
    in_period = d.c.received_at.between(start, end)
    with desk.read() as connection:
        rows = connection.execute(
            select(d.c.id, d.c.code, p.c.name, d.c.sets_count, d.c.owner_name, d.c.owner_address, d.c.owner_phone,
                   d.c.received_at, d.c.due_at, d.c.fee_exemption, d.c.status)
            .join(pv, pv.c.id == d.c.procedure_version_id).join(p, p.c.id == pv.c.procedure_id)
            .where(in_period).order_by(d.c.id)).all()
        closing = {c.dossier_id: c for c in connection.execute(
            select(e.c.dossier_id, e.c.kind, e.c.actor, e.c.device_time, e.c.payload)
            .where(e.c.kind.in_(list(CLOSING)), e.c.dossier_id.in_(select(d.c.id).where(in_period)))
            .order_by(e.c.id))}
    result = []
    for r in rows:
        c = closing.get(r.id)
        state, note = _book_state(Status(r.status), c)
        handed = c is not None and c.kind == Action.HAND_OVER.value
        if r.fee_exemption:
            note = "; ".join(part for part in (note, "Miễn phí, lệ phí") if part)
        closed = c is not None and not handed
        result.append(BookRow(
            r.code, r.name, r.sets_count, r.owner_name, r.owner_address, r.owner_phone, to_local(r.received_at),
            None if closed else to_local(r.due_at), to_local(c.device_time).date() if handed else None,
            c.actor if handed else "", c.payload.get("receiver", "") if handed else "", note, state,
        ))
    return result


def log_book(desk: Desk, first: date, last: date) -> BookData:
    if last < first:
        raise ValidationError("Ngày cuối phải không sớm hơn ngày đầu.", field="period")
    start = from_local(datetime.combine(first, time.min))
    end = from_local(datetime.combine(last, time.max))
    _, title = paper_info(desk, "log")
    period = f"Từ ngày {first:%d/%m/%Y} đến ngày {last:%d/%m/%Y}"
    # The book is closed on the last day of its period (or today, for a period not yet over).
    today = to_local(desk.now()).date()
    return BookData(_letterhead(desk, "log", min(last, today)), title, period, tuple(_book_rows(desk, start, end)))


def log_book_pdf(desk: Desk, first: date, last: date) -> bytes:
    return render_log_book(log_book(desk, first, last))


def log_book_workbook(desk: Desk, first: date, last: date) -> bytes:
    return log_book_xlsx(log_book(desk, first, last))


def receipt_pdf(desk: Desk, receipt_uid: str, *, reprint: int = 0, size: str | None = None) -> bytes:
    """Dated on the day of collection, QR-stamped at its issue; both copies or the payer's only
    (setting receipt_copies); a void says why, who and when. An e-receipt prints as its signed
    copy for the citizen (app/services/ereceipts.py, issue 10)."""
    from app.services import ereceipts

    with desk.read() as connection:
        row = connection.execute(
            select(Receipt.__table__, ReceiptSeries.template_symbol, ReceiptSeries.series_symbol)
            .join(ReceiptSeries.__table__, ReceiptSeries.id == Receipt.series_id).where(Receipt.uid == receipt_uid)
        ).first()
    if row is None:
        raise NotFoundError("Không tìm thấy biên lai.", field="receipt")
    if row.status == "issued":
        with desk.read() as connection:
            electronic = ereceipts.is_electronic(connection, receipt_uid)
        if electronic:
            return ereceipts.citizen_copy_pdf(desk, receipt_uid, stamp=reprint_stamp(desk, reprint))
    settings = desk.settings()
    qr, code = None, ""
    if row.dossier_id is not None:
        with desk.read() as connection:
            uid = connection.execute(select(Dossier.uid).where(Dossier.id == row.dossier_id)).scalar_one()
        _, dossier = _load(desk, uid)
        code = dossier["code"]
        qr = _qr(desk, dossier, "Biên lai thu phí, lệ phí", row.issued_at)
    content = ReceiptContent(
        title="Biên lai thu phí, lệ phí", template_symbol=row.template_symbol, series_symbol=row.series_symbol,
        number=format_number(row.number), collector_name=settings.collector_name or settings.agency_name,
        collector_tax_code=settings.collector_tax_code, collector_address=settings.collector_address,
        payer_name=row.payer_name, payer_address=row.payer_address, fee_name=row.fee_name,
        amount_figures=format_vnd(row.amount).replace(" đ", " đồng"), amount_words=row.amount_words,
        payment_method="Tiền mặt", issued_on=date_words(to_local(row.issued_at).date()).capitalize(),
        collector_officer=row.issued_by, dossier_code=code, collector_phone=settings.collector_phone,
        collector_account=settings.collector_account,
    )
    voided = row.status == "voided"
    marks = ReceiptMarks(
        copies=COPIES if settings.receipt_copies == 2 else COPIES[-1:],
        void_reason=row.void_reason if voided else "", voided_by=row.voided_by if voided else "",
        voided_at=moment_words(to_local(row.voided_at)) if voided and row.voided_at else "",
        stamp=reprint_stamp(desk, reprint))
    return render_receipt(content, marks, qr, _page(desk, size))


def ticket_pdf(desk: Desk, number: int, counter: str, waiting: int = 0) -> bytes:
    now = to_local(desk.now())
    settings = desk.settings()
    office = f"{settings.agency_name.upper()} – {settings.office_name.upper()}"
    ahead = f"Có {waiting} người đang chờ trước bạn" if waiting else ""
    return render_ticket(TicketData(office, f"{number:04d}", counter, f"{now:%H:%M} – {now:%d/%m/%Y}", ahead))


def public_list_pdf(desk: Desk) -> bytes:
    """Only verified national codes (MaTTHC): a local placeholder code is not shown to citizens."""
    today = to_local(desk.now()).date()
    items = tuple(ListedProcedure(p.name, p.national_code or "", p.field, p.legal_time.describe(),
                                  fee_summary(p), p.legal_basis) for p in list_procedures(desk, today))
    office = desk.settings().office_name
    data = PublicListData(_letterhead(desk, None, today), "Danh mục thủ tục hành chính",
                          f"Niêm yết công khai tại {office[:1].lower()}{office[1:]}, {date_words(today)}", items)
    return render_public_list(data)
