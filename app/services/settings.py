"""The desk's settings, declared once with their defaults, stored in the `setting` table."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from datetime import date, time
from typing import Any

from sqlalchemy import Connection, insert, select, update

from app.core.calendar import CalendarRules
from app.store.models import Setting

T = Setting.__table__


@dataclass(frozen=True)
class DeskSettings:
    agency_id: str = ""
    agency_name: str = ""  # "UBND xã Quảng Phú": upper-cased in letterheads, as is in sentences
    office_name: str = "Bộ phận tiếp nhận và trả kết quả"
    commune_name: str = ""
    place_name: str = ""  # địa danh on the date line of forms
    workstation_no: int = 1
    device_name: str = ""
    working_periods: list[list[str]] = field(default_factory=lambda: [["07:00", "11:30"], ["13:30", "17:00"]])
    saturday_counts: bool = False
    receives_saturday: bool = False
    culture_day_off: bool = False
    deadline_warning_days: int = 1
    same_day_cutoff: str = "15:00"
    paper_receipts_until: str = "2026-12-31"
    form_regime: str = "tt03_2025"  # which legal set of forms is printed (resources/rules/forms.json)
    paper_size: str = "A5"
    system_name: str = ""  # the issuing system named in the papers' QR
    hub_url: str = ""  # the upstream system this workstation syncs with; empty: not enrolled
    device_id: str = ""
    sync_cursor: int = 0
    sync_last_success: str = ""
    sync_clock_offset_s: float = 0.0
    # Issue 9 (app/services/backup.py, personal_data.py): a restored file waits for one full pull
    # (the backup's time while it does); where daily backups go; closed dossiers' personal data kept
    # this many years (0: kept).
    restore_pending: str = ""
    backup_folder: str = ""
    backup_key_id: str = ""  # names the backup key in the OS credential store (never the key itself)
    backup_recovery_public: str = ""  # X25519 public half of the recovery key kept in the commune's safe
    retention_years: int = 0
    collector_name: str = ""
    collector_tax_code: str = ""
    collector_address: str = ""
    collector_phone: str = ""
    collector_account: str = ""  # "1234567890 tại Kho bạc Nhà nước khu vực …" on the receipt (NĐ 254/2026 Mẫu 01/PLPĐT)
    receipt_copies: int = 2  # 2: "Liên 1: Lưu" and "Liên 2: Giao người nộp tiền"; 1: only the payer's copy
    # Who signs the letters the commune sends (Mẫu 04, 05), as NĐ 30/2020 lays a signature out:
    # the authority line (TM. UBND … / KT. CHỦ TỊCH), the title, then the name under the seal.
    signer_authority: str = "TM. ỦY BAN NHÂN DÂN"
    signer_title: str = "CHỦ TỊCH"
    signer_name: str = ""
    recipients: list[str] = field(default_factory=lambda: ["Như trên", "Lưu: VT"])  # "Nơi nhận" of the letters
    idle_lock_seconds: int = 600  # the window locks after this long without a key or a click (issue 9)
    # E-receipts (issue 10). A desk may switch before paper ends: an ISO date, empty for none.
    ereceipts_from: str = ""
    collector_budget_code: str = ""  # mã đơn vị quan hệ ngân sách (7 characters), on receipts and notices
    tax_office_code: str = ""  # the tax office that manages the collector (MCQT), for notices and registration
    tax_office_name: str = ""
    ereceipt_contact_name: str = ""  # người liên hệ of the registration (Mẫu 01/ĐKTĐ-CTĐT)
    ereceipt_contact_email: str = ""
    ereceipt_method: str = "CDLQTCTN"  # how data reaches the tax authority: through a licensed provider
    signer_kind: str = ""  # "pkcs12" (a certificate file) | "pkcs11" (a USB token); app/services/signer_config.py
    signer_path: str = ""  # the .p12 file (relative: beside the database), or the token's PKCS#11 library
    signer_token_label: str = ""  # which token, when several are plugged in

    @property
    def paper_until(self) -> date:
        return date.fromisoformat(self.paper_receipts_until)

    @property
    def electronic_from(self) -> date | None:
        return date.fromisoformat(self.ereceipts_from) if self.ereceipts_from else None

    def calendar_rules(self, days_off: frozenset[date], workdays: frozenset[date]) -> CalendarRules:
        periods = tuple((time.fromisoformat(a), time.fromisoformat(b)) for a, b in self.working_periods)
        return CalendarRules(
            periods=periods, days_off=days_off, extra_workdays=workdays,
            saturday_counts=self.saturday_counts, receives_saturday=self.receives_saturday,
            same_day_cutoff=time.fromisoformat(self.same_day_cutoff),
        )


KEYS = {f.name for f in fields(DeskSettings)}
# The free-text settings, with the name a message gives them.
TEXT_LABELS = {
    "agency_name": "Tên cơ quan", "office_name": "Tên bộ phận một cửa", "commune_name": "Tên xã, phường",
    "place_name": "Địa danh", "device_name": "Tên máy trạm", "system_name": "Tên hệ thống",
    "collector_name": "Tên đơn vị thu phí", "collector_tax_code": "Mã số thuế đơn vị thu",
    "collector_address": "Địa chỉ đơn vị thu", "collector_phone": "Điện thoại đơn vị thu",
    "collector_account": "Số tài khoản đơn vị thu", "signer_authority": "Thẩm quyền ký",
    "signer_title": "Chức vụ người ký", "signer_name": "Họ tên người ký",
    "collector_budget_code": "Mã đơn vị quan hệ ngân sách", "tax_office_code": "Mã cơ quan thuế quản lý",
    "tax_office_name": "Tên cơ quan thuế quản lý", "ereceipt_contact_name": "Người liên hệ về biên lai điện tử",
    "ereceipt_contact_email": "Thư điện tử liên hệ", "signer_path": "Tệp chứng thư số hoặc thư viện thiết bị ký",
    "signer_token_label": "Tên thiết bị ký số",
}


def load_settings(connection: Connection) -> DeskSettings:
    stored = {row.key: row.value for row in connection.execute(select(T.c.key, T.c.value))}
    return DeskSettings(**{k: v for k, v in stored.items() if k in KEYS})


# Bookkeeping the desk rewrites on its own all day: not setting changes, so not in the audit chain.
UNAUDITED = frozenset({"sync_cursor", "sync_last_success", "sync_clock_offset_s", "restore_pending"})
SYSTEM_ACTOR = "hệ thống"


def save_settings(connection: Connection, by: str = SYSTEM_ACTOR, **values: Any) -> None:
    """`by`: who changed them, for the audit chain (an officer, or the system for enrolment)."""
    unknown = set(values) - KEYS
    if unknown:
        raise KeyError(f"unknown settings: {sorted(unknown)}")
    audited = {k: v for k, v in values.items() if k not in UNAUDITED}
    if audited:
        from app.services.clock import utc_now
        from app.services.outbox import record_local

        record_local(connection, kind="settings", content=audited, actor=by or SYSTEM_ACTOR, at=utc_now())
    existing = set(connection.execute(select(T.c.key).where(T.c.key.in_(values))).scalars())
    for key, value in values.items():
        if key in existing:
            connection.execute(update(T).where(T.c.key == key).values(value=value))
        else:
            connection.execute(insert(T).values(key=key, value=value))


def defaults() -> dict[str, Any]:
    return asdict(DeskSettings())


def check_periods(periods: list[list[str]]) -> list[list[str]]:
    from app.core.calendar import CalendarRules, WorkingCalendar
    from app.core.errors import ValidationError

    try:
        parsed = tuple((time.fromisoformat(a), time.fromisoformat(b)) for a, b in periods)
    except (ValueError, TypeError):
        message = "Giờ làm việc phải theo dạng 07:00-11:30, 13:30-17:00."
        raise ValidationError(message, field="working_periods") from None
    WorkingCalendar(CalendarRules(periods=parsed))  # refuses overlapping or reversed periods
    return [[a, b] for a, b in periods]
