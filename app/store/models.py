"""SQLAlchemy models of the desk's local database (shared/design.md §3)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import Float, LargeBinary

from app.store.types import UtcDateTime


class Base(DeclarativeBase):
    pass


class Setting(Base):
    __tablename__ = "setting"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)


class Procedure(Base):
    __tablename__ = "procedure"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    national_code: Mapped[str | None] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(300))
    name_folded: Mapped[str] = mapped_column(String(300))
    field: Mapped[str] = mapped_column(String(120))


class ProcedureVersion(Base):
    """What was in force from `effective_from`: a dossier keeps the version it was received under."""

    __tablename__ = "procedure_version"
    __table_args__ = (UniqueConstraint("procedure_id", "effective_from"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    procedure_id: Mapped[int] = mapped_column(ForeignKey("procedure.id"))
    effective_from: Mapped[date] = mapped_column(Date)
    legal_time: Mapped[Any] = mapped_column(JSON)
    fee_rule: Mapped[Any] = mapped_column(JSON)
    documents: Mapped[Any] = mapped_column(JSON)
    legal_basis: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(60))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Dossier(Base):
    # An integer primary key keeps rowids stable through VACUUM, which the FTS index relies on.
    __tablename__ = "dossier"
    __table_args__ = (
        Index("ix_dossier_status_due", "status", "due_at"),
        Index("ix_dossier_received", "received_at"),
        # Covers every column a period's report reads, led by the version so each lĩnh vực comes out
        # grouped without a sort (migration 0009, bench/report.py).
        Index("ix_dossier_report", "procedure_version_id", "finished_at", "received_at", "report_on_time",
              "report_late", "report_early", "report_days", "channel", "fee_amount", "online_payment", "docs_digitised",
              "docs_reused", "result_digitised", "rating", "due_at", "paused_since", "supplement_count",
              "reschedule_count"),
        CheckConstraint("status BETWEEN 1 AND 10", name="ck_dossier_status"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(36), unique=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    procedure_version_id: Mapped[int] = mapped_column(ForeignKey("procedure_version.id"))
    owner_name: Mapped[str] = mapped_column(String(200))
    owner_kind: Mapped[int] = mapped_column(Integer, default=1)  # LoaiDoiTuong: 1 citizen, 2 company, ...
    owner_id_number: Mapped[str] = mapped_column(String(20), default="")
    owner_birth_date: Mapped[date | None] = mapped_column(Date)
    owner_sex: Mapped[str] = mapped_column(String(8), default="")
    owner_address: Mapped[str] = mapped_column(String(400), default="")
    owner_phone: Mapped[str] = mapped_column(String(20), default="")
    owner_email: Mapped[str] = mapped_column(String(120), default="")
    channel: Mapped[int] = mapped_column(Integer, default=1)  # KenhThucHien: 1 direct, 2 online, 3 postal
    return_method: Mapped[str] = mapped_column(String(10), default="desk")  # desk | post
    sets_count: Mapped[int] = mapped_column(Integer, default=1)
    summary: Mapped[str] = mapped_column(Text, default="")
    received_at: Mapped[datetime] = mapped_column(UtcDateTime)
    due_at: Mapped[datetime] = mapped_column(UtcDateTime)
    original_due_at: Mapped[datetime] = mapped_column(UtcDateTime)
    status: Mapped[int] = mapped_column(Integer)
    paused_since: Mapped[datetime | None] = mapped_column(UtcDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    returned_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    reschedule_count: Mapped[int] = mapped_column(Integer, default=0)
    resume_status: Mapped[int | None] = mapped_column(Integer)
    supplement_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # What the reports need (migration 0009): DuocThanhToanTrucTuyen 0/1/2, digitised components,
    # components taken from the national data store, electronic result and its code (MaKetQua).
    online_payment: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    docs_digitised: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    docs_reused: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    result_digitised: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    result_code: Mapped[str] = mapped_column(String(60), default="", server_default="")
    # Kept by triggers (migration 0009), never written by the code; NULL while open: what the ended
    # dossier counts as in QĐ 766 2.1 and II.06a (8)/(10), and its days for 2.2 (app.core.reporting).
    report_on_time: Mapped[int | None] = mapped_column(Integer)
    report_late: Mapped[int | None] = mapped_column(Integer)
    report_early: Mapped[int | None] = mapped_column(Integer)
    report_days: Mapped[float | None] = mapped_column(Float)
    fee_amount: Mapped[int] = mapped_column(Integer, default=0)
    fee_detail: Mapped[str] = mapped_column(String(300), default="")
    fee_exemption: Mapped[str] = mapped_column(String(300), default="")
    pages: Mapped[int] = mapped_column(Integer, default=1)
    copies: Mapped[int] = mapped_column(Integer, default=1)
    workstation_no: Mapped[int] = mapped_column(Integer)
    received_by: Mapped[str] = mapped_column(String(120))
    rating: Mapped[str] = mapped_column(String(40), default="")
    search_text: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class DossierDocument(Base):
    __tablename__ = "dossier_document"
    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(400))
    form: Mapped[str] = mapped_column(String(20))
    quantity: Mapped[int] = mapped_column(Integer, default=1)


class Event(Base):
    """One step of a dossier's history; the dossier's status is what its events say."""

    __tablename__ = "event"
    __table_args__ = (Index("ix_event_dossier", "dossier_id", "id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(36), unique=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id"))
    kind: Mapped[str] = mapped_column(String(40))
    status_after: Mapped[int] = mapped_column(Integer)
    actor: Mapped[str] = mapped_column(String(120))
    device_time: Mapped[datetime] = mapped_column(UtcDateTime)
    payload: Mapped[Any] = mapped_column(JSON)


class ReceiptSeries(Base):
    """A receipt series and the number range allotted to this workstation in it."""

    __tablename__ = "receipt_series"
    __table_args__ = (
        UniqueConstraint("template_symbol", "series_symbol", "first_number"),
        CheckConstraint("next_number BETWEEN first_number AND last_number + 1", name="ck_series_next"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(12))  # paper | electronic
    template_symbol: Mapped[str] = mapped_column(String(20))
    series_symbol: Mapped[str] = mapped_column(String(20))
    first_number: Mapped[int] = mapped_column(Integer)
    last_number: Mapped[int] = mapped_column(Integer)
    next_number: Mapped[int] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(default=True)
    source: Mapped[str] = mapped_column(String(60))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Receipt(Base):
    """Never deleted: a mistake is a void (the number stays) plus a replacement."""

    __tablename__ = "receipt"
    __table_args__ = (
        UniqueConstraint("series_id", "number"),
        CheckConstraint("status IN ('issued', 'voided')", name="ck_receipt_status"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(36), unique=True)
    series_id: Mapped[int] = mapped_column(ForeignKey("receipt_series.id"))
    number: Mapped[int] = mapped_column(Integer)
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossier.id"), index=True)
    payer_name: Mapped[str] = mapped_column(String(200))
    payer_address: Mapped[str] = mapped_column(String(400), default="")
    fee_name: Mapped[str] = mapped_column(String(300))
    amount: Mapped[int] = mapped_column(Integer)
    amount_words: Mapped[str] = mapped_column(String(400))
    issued_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    issued_by: Mapped[str] = mapped_column(String(120))
    status: Mapped[str] = mapped_column(String(10), default="issued")
    void_reason: Mapped[str] = mapped_column(String(400), default="")
    voided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    voided_by: Mapped[str] = mapped_column(String(120), default="")
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("receipt.id"))


E_STATES = "state IN ('signed', 'at_hub', 'sent', 'accepted', 'rejected')"


class EReceiptDocument(Base):
    """The signed document of an e-receipt (issue 10), its lookup code and where its delivery stands."""

    __tablename__ = "ereceipt"
    __table_args__ = (CheckConstraint(E_STATES, name="ck_ereceipt_state"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    receipt_id: Mapped[int] = mapped_column(ForeignKey("receipt.id"), unique=True)
    lookup_code: Mapped[str] = mapped_column(String(12), unique=True)
    signed_xml: Mapped[bytes] = mapped_column(LargeBinary)
    xml_sha256: Mapped[str] = mapped_column(String(64))
    signed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    state: Mapped[str] = mapped_column(String(10), default="signed", server_default="signed")
    reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    message_id: Mapped[str] = mapped_column(String(64), default="", server_default="")
    state_at: Mapped[datetime] = mapped_column(UtcDateTime)


class EReceiptNotice(Base):
    """A signed Mẫu 04/SS-CTĐT notice about a wrong e-receipt (the receipt itself is never deleted)."""

    __tablename__ = "ereceipt_notice"
    __table_args__ = (CheckConstraint(E_STATES, name="ck_ereceipt_notice_state"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(36), unique=True)
    receipt_id: Mapped[int] = mapped_column(ForeignKey("receipt.id"), index=True)
    action: Mapped[int] = mapped_column(Integer)  # 1 hủy, 2 điều chỉnh, 3 thay thế, 4 giải trình
    cause: Mapped[str] = mapped_column(String(400))  # why the receipt was wrong
    signed_xml: Mapped[bytes] = mapped_column(LargeBinary)
    xml_sha256: Mapped[str] = mapped_column(String(64))
    signed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    state: Mapped[str] = mapped_column(String(10), default="signed", server_default="signed")
    reason: Mapped[str] = mapped_column(Text, default="", server_default="")  # the provider's, when rejected
    message_id: Mapped[str] = mapped_column(String(64), default="", server_default="")
    state_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Outbox(Base):
    """Every change to send upstream, written in the transaction of the change itself."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_state_seq", "state", "seq"), Index("ix_outbox_entity", "entity_id", "state"),
                      {"sqlite_autoincrement": True})
    seq: Mapped[int] = mapped_column(primary_key=True)  # device_seq; AUTOINCREMENT never reuses one
    op_id: Mapped[str] = mapped_column(String(36), unique=True)
    entity: Mapped[str] = mapped_column(String(20))
    entity_id: Mapped[str] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(40))
    payload: Mapped[str] = mapped_column(Text)  # canonical JSON, hashed as sent
    payload_sha256: Mapped[str] = mapped_column(String(64))
    actor: Mapped[str] = mapped_column(String(120))
    device_time: Mapped[datetime] = mapped_column(UtcDateTime)
    state: Mapped[str] = mapped_column(String(10), default="pending")  # pending | sent | rejected
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    # Its link in the workstation's audit chain (sync/chain.py; migration 0008).
    chain_prev: Mapped[str] = mapped_column(String(64), default="", server_default="")
    chain_hash: Mapped[str] = mapped_column(String(64), default="", server_default="")


class AuditRecord(Base):
    """A chained record that stays on this desk (setting changes, personal data purged): the local
    half of the audit chain, verified with the outbox's by app/services/audit.py (migration 0008)."""

    __tablename__ = "audit_record"
    __table_args__ = ({"sqlite_autoincrement": True},)
    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(36), unique=True)
    kind: Mapped[str] = mapped_column(String(20))  # settings | purged
    content: Mapped[str] = mapped_column(Text)  # canonical JSON
    actor: Mapped[str] = mapped_column(String(120))
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    chain_prev: Mapped[str] = mapped_column(String(64))
    chain_hash: Mapped[str] = mapped_column(String(64))


class Attachment(Base):
    """A scan kept with a dossier: the file lives beside the database, named by its SHA-256."""

    __tablename__ = "attachment"
    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id"), index=True)
    sha256: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(Integer)
    added_at: Mapped[datetime] = mapped_column(UtcDateTime)
    uploaded_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class PulledAside(Base):
    """A change pulled from the hub that this desk could not apply: kept with its reason, shown in the
    sync view, and never allowed to hold back the cursor or the changes after it."""

    __tablename__ = "pulled_aside"
    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    entity: Mapped[str] = mapped_column(String(20))
    entity_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(40))
    payload: Mapped[str] = mapped_column(Text)
    code: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(Text)
    set_aside_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Officer(Base):
    """An officer account (issue 9): roles from app/core/permissions.py, an argon2 hash, never a password.
    `failed_count` and `locked_until` belong to this workstation and are never synced."""

    __tablename__ = "officer"
    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(36), unique=True)
    username: Mapped[str] = mapped_column(String(40), unique=True)
    full_name: Mapped[str] = mapped_column(String(120))
    title: Mapped[str] = mapped_column(String(120), default="")
    roles: Mapped[Any] = mapped_column(JSON)
    active: Mapped[bool] = mapped_column(default=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    must_change: Mapped[bool] = mapped_column(default=False)
    failed_count: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    saved_at: Mapped[datetime] = mapped_column(UtcDateTime)
    saved_by: Mapped[str] = mapped_column(String(120), default="")
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")  # one up per save, everywhere


class DailyCounter(Base):
    __tablename__ = "daily_counter"
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    workstation: Mapped[int] = mapped_column(Integer, primary_key=True)
    last: Mapped[int] = mapped_column(Integer)


class Holiday(Base):
    __tablename__ = "holiday"
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    kind: Mapped[str] = mapped_column(String(4))  # off | work
    name: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(60))


class HolidayYear(Base):
    """Years whose table has been built; after that the table rows are the truth."""

    __tablename__ = "holiday_year"
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
