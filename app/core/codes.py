"""Dossier codes `<agency id>-<yyMMdd>-<nnnn>` that never collide between offline workstations.

The 4-digit daily sequence is partitioned by workstation number k (1–9): workstation k uses
k001..k999, and 0001..0999 stay for the upstream/online channel (shared/design.md §4).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from app.core.errors import NumberingError, ValidationError

AGENCY_ID = re.compile(r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$")
DOSSIER_CODE = re.compile(r"^(\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2})-(\d{6})-(\d{4})$")
PER_WORKSTATION = 999


@dataclass(frozen=True)
class DossierCode:
    agency_id: str
    day: date
    sequence: int  # the 4-digit part, 1..9999

    @property
    def workstation(self) -> int:
        """0 for the upstream/online range, else the workstation that issued it."""
        return self.sequence // 1000

    def __str__(self) -> str:
        return f"{self.agency_id}-{self.day:%y%m%d}-{self.sequence:04d}"


def validate_agency_id(agency_id: str) -> str:
    agency_id = (agency_id or "").strip().upper()
    if not AGENCY_ID.match(agency_id):
        raise ValidationError(
            "Mã định danh cơ quan phải có dạng NNN.NN.NN.Xnn, ví dụ 000.17.22.H56.", field="agency_id"
        )
    return agency_id


def validate_workstation(number: int) -> int:
    if not isinstance(number, int) or not 1 <= number <= 9:
        raise ValidationError("Số máy trạm phải từ 1 đến 9.", field="workstation_no")
    return number


def dossier_code(agency_id: str, day: date, workstation: int, nth: int) -> DossierCode:
    """The code of the nth (1-based) dossier received by `workstation` on `day`."""
    validate_workstation(workstation)
    if nth > PER_WORKSTATION:
        raise NumberingError(
            f"Máy trạm số {workstation} đã dùng hết {PER_WORKSTATION} mã hồ sơ của ngày {day:%d/%m/%Y}. "
            "Hãy tiếp nhận trên máy trạm khác hoặc liên hệ quản trị.",
        )
    if nth < 1:
        raise ValueError("nth starts at 1")
    return DossierCode(validate_agency_id(agency_id), day, workstation * 1000 + nth)


def parse_dossier_code(text: str) -> DossierCode:
    match = DOSSIER_CODE.match((text or "").strip().upper())
    if not match:
        raise ValidationError("Mã hồ sơ không đúng dạng <mã cơ quan>-<yyMMdd>-<nnnn>.", field="code")
    agency_id, ymd, seq = match.groups()
    try:
        day = date(2000 + int(ymd[:2]), int(ymd[2:4]), int(ymd[4:]))
    except ValueError:
        raise ValidationError("Ngày trong mã hồ sơ không có thật.", field="code") from None
    return DossierCode(agency_id, day, int(seq))
