"""The hub's tables. Every row belongs to one agency (commune); a device token sees only its own."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Agency(Base):
    __tablename__ = "agency"
    id: Mapped[str] = mapped_column(String(20), primary_key=True)  # mã định danh cơ quan
    name: Mapped[str] = mapped_column(String(200))


class EnrollCode(Base):
    __tablename__ = "enroll_code"
    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    agency_id: Mapped[str] = mapped_column(ForeignKey("agency.id"))
    workstation_no: Mapped[int] = mapped_column(Integer)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Device(Base):
    __tablename__ = "device"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    agency_id: Mapped[str] = mapped_column(ForeignKey("agency.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # the token itself is never stored
    workstation_no: Mapped[int] = mapped_column(Integer)
    app_version: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # what the desk said of itself on its last pull (sync/hub/province.py shows it)
    last_seen_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    clock_offset_ms: Mapped[int | None] = mapped_column(Integer)
    pending_reported: Mapped[int | None] = mapped_column(Integer)
    rejected_reported: Mapped[int | None] = mapped_column(Integer)


class AppliedOp(Base):
    """Written in the transaction of the op's effect: a replay finds it and gets the same answer."""

    __tablename__ = "applied_op"
    op_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    device_id: Mapped[str] = mapped_column(ForeignKey("device.id"))
    payload_sha256: Mapped[str] = mapped_column(String(64))
    result: Mapped[Any] = mapped_column(JSON)
    applied_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Dossier(Base):
    __tablename__ = "dossier"
    uid: Mapped[str] = mapped_column(String(36), primary_key=True)
    agency_id: Mapped[str] = mapped_column(ForeignKey("agency.id"), index=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    status: Mapped[int] = mapped_column(Integer)
    procedure_code: Mapped[str] = mapped_column(String(40))
    owner_name: Mapped[str] = mapped_column(String(200))
    snapshot: Mapped[Any] = mapped_column(JSON)
    due_at: Mapped[str] = mapped_column(String(40))
    paused_since: Mapped[str | None] = mapped_column(String(40))
    resume_status: Mapped[int | None] = mapped_column(Integer)
    reschedule_count: Mapped[int] = mapped_column(Integer, server_default="0")
    supplement_count: Mapped[int] = mapped_column(Integer, server_default="0")
    finished_at: Mapped[str | None] = mapped_column(String(40))
    returned_at: Mapped[str | None] = mapped_column(String(40))
    rating: Mapped[str] = mapped_column(String(40), server_default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # What the province's report reads (sync/hub/report_facts.py): epoch seconds and 0/1 flags.
    r_field: Mapped[str | None] = mapped_column(String(120))
    r_channel: Mapped[int | None] = mapped_column(Integer)
    r_received: Mapped[float | None] = mapped_column(Float)
    r_original_due: Mapped[float | None] = mapped_column(Float)
    r_fee: Mapped[int | None] = mapped_column(BigInteger)
    r_online_payment: Mapped[int] = mapped_column(Integer, server_default="0")
    r_docs_digitised: Mapped[int] = mapped_column(Integer, server_default="0")
    r_docs_reused: Mapped[int] = mapped_column(Integer, server_default="0")
    r_result_digitised: Mapped[int] = mapped_column(Integer, server_default="0")
    r_due: Mapped[float | None] = mapped_column(Float)
    r_due_day: Mapped[float | None] = mapped_column(Float)
    r_end: Mapped[float | None] = mapped_column(Float)
    r_result: Mapped[int] = mapped_column(Integer, server_default="0")
    r_paused: Mapped[float | None] = mapped_column(Float)
    r_late: Mapped[int] = mapped_column(Integer, server_default="0")


class DossierEvent(Base):
    __tablename__ = "dossier_event"
    uid: Mapped[str] = mapped_column(String(36), primary_key=True)
    dossier_uid: Mapped[str] = mapped_column(ForeignKey("dossier.uid"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    status_after: Mapped[int] = mapped_column(Integer)
    actor: Mapped[str] = mapped_column(String(120))
    device_id: Mapped[str] = mapped_column(String(36))
    device_time: Mapped[str] = mapped_column(String(40))
    payload: Mapped[Any] = mapped_column(JSON)


class Receipt(Base):
    __tablename__ = "receipt"
    __table_args__ = (UniqueConstraint("agency_id", "template_symbol", "series_symbol", "number"),)
    uid: Mapped[str] = mapped_column(String(36), primary_key=True)
    agency_id: Mapped[str] = mapped_column(ForeignKey("agency.id"), index=True)
    dossier_uid: Mapped[str | None] = mapped_column(String(36))
    template_symbol: Mapped[str] = mapped_column(String(20))
    series_symbol: Mapped[str] = mapped_column(String(20))
    number: Mapped[int] = mapped_column(Integer)
    amount: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10))
    payload: Mapped[Any] = mapped_column(JSON)
    device_id: Mapped[str | None] = mapped_column(String(36))


class Change(Base):
    """What devices pull: written under a lock so that seq order is commit order (PostgreSQL too)."""

    __tablename__ = "change"
    __table_args__ = (Index("ix_change_agency_seq", "agency_id", "seq"), {"sqlite_autoincrement": True})
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    agency_id: Mapped[str] = mapped_column(String(20))
    entity: Mapped[str] = mapped_column(String(20))
    entity_id: Mapped[str] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(40))
    payload: Mapped[Any] = mapped_column(JSON)
    origin_device: Mapped[str] = mapped_column(String(36))
    actor: Mapped[str] = mapped_column(String(120), server_default="")


class Allotment(Base):
    """A receipt number range given to one workstation of a commune (from the issuing notice)."""

    __tablename__ = "allotment"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agency_id: Mapped[str] = mapped_column(ForeignKey("agency.id"), index=True)
    workstation_no: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(12))
    template_symbol: Mapped[str] = mapped_column(String(20))
    series_symbol: Mapped[str] = mapped_column(String(20))
    first_number: Mapped[int] = mapped_column(Integer)
    last_number: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class EDocument(Base):
    """A signed e-receipt or Mẫu 04/SS-CTĐT notice a desk pushed, and where its delivery to the
    province's provider stands (at_hub → sent → accepted | rejected). `lease_until` is a
    transmitting worker's claim: another worker skips the row until it passes."""

    __tablename__ = "e_document"
    __table_args__ = (Index("ix_e_document_state_id", "state", "id"), {"sqlite_autoincrement": True})
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uid: Mapped[str] = mapped_column(String(36), unique=True)  # the receipt's id, or the notice's
    agency_id: Mapped[str] = mapped_column(ForeignKey("agency.id"))
    receipt_uid: Mapped[str] = mapped_column(String(36), index=True)
    document: Mapped[str] = mapped_column(String(8))  # receipt | notice
    tax_code: Mapped[str] = mapped_column(String(14))
    doc_key: Mapped[str] = mapped_column(String(80))  # how the provider names it in its result
    lookup_code: Mapped[str | None] = mapped_column(String(12), unique=True)
    xml: Mapped[bytes] = mapped_column(LargeBinary)
    xml_sha256: Mapped[str] = mapped_column(String(64))
    signed_at: Mapped[str] = mapped_column(String(40))
    state: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str] = mapped_column(Text, server_default="")
    message_id: Mapped[str] = mapped_column(String(64), server_default="")
    attempts: Mapped[int] = mapped_column(Integer, server_default="0")
    stored_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    state_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Officer(Base):
    """An officer account of a commune as its desks last saved it (issue 9): the hash, never a password."""

    __tablename__ = "officer"
    __table_args__ = (UniqueConstraint("agency_id", "username", name="uq_officer_agency_username"),)
    uid: Mapped[str] = mapped_column(String(36), primary_key=True)
    agency_id: Mapped[str] = mapped_column(ForeignKey("agency.id"))
    username: Mapped[str] = mapped_column(String(40))
    full_name: Mapped[str] = mapped_column(String(120))
    title: Mapped[str] = mapped_column(String(120), server_default="")
    roles: Mapped[Any] = mapped_column(JSON)
    active: Mapped[bool] = mapped_column()
    password_hash: Mapped[str] = mapped_column(String(200))
    must_change: Mapped[bool] = mapped_column(server_default="0")
    saved_at: Mapped[str] = mapped_column(String(40))  # wire form: compared as text after the version
    saved_by: Mapped[str] = mapped_column(String(120), server_default="")
    version: Mapped[int] = mapped_column(Integer, server_default="1")  # one up per save; the highest wins


class AdminToken(Base):
    """Who may run admin operations over HTTP; like device tokens, stored only as a hash."""

    __tablename__ = "admin_token"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class AdminSession(Base):
    """A login to the province's page: the cookie holds the token, the hub keeps its hash."""

    __tablename__ = "admin_session"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    admin_name: Mapped[str] = mapped_column(String(120))
    csrf: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AuditLink(Base):
    """One link of a workstation's audit chain (sync/chain.py), as its op arrived (migration h007)."""

    __tablename__ = "audit_link"
    __table_args__ = (Index("ix_audit_link_hash", "device_id", "chain_hash"),
                      Index("ix_audit_link_prev", "device_id", "chain_prev"),
                      Index("ix_audit_link_seq", "device_id", "device_seq"))
    op_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    device_id: Mapped[str] = mapped_column(String(36))
    device_seq: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(40))
    chain_prev: Mapped[str] = mapped_column(String(64))
    chain_hash: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AuditBreak(Base):
    """A break found in a workstation's chain: flagged for the province's admin, never a refusal."""

    __tablename__ = "audit_break"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    agency_id: Mapped[str] = mapped_column(String(20), index=True)
    device_id: Mapped[str] = mapped_column(String(36))
    op_id: Mapped[str] = mapped_column(String(36))
    device_seq: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(Text)
    found_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class RateHit(Base):
    """One request a rate limit let through (sync/hub/limits.py SharedRateLimit): kept a minute, in
    the database so that every worker of the hub counts the same requests (migration h009)."""

    __tablename__ = "rate_hit"
    __table_args__ = (Index("ix_rate_hit_key", "scope", "address", "at"),)
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    scope: Mapped[str] = mapped_column(String(20))  # which limit: "lookup", "login"
    address: Mapped[str] = mapped_column(String(64))  # the client's address
    at: Mapped[float] = mapped_column(Float)  # epoch seconds
