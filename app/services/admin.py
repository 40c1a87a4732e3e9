"""Admin changes to the desk's settings: validated, one transaction, caches dropped after."""

from __future__ import annotations

from typing import Any

from app.assets import load_json
from app.core.codes import validate_agency_id, validate_workstation
from app.core.errors import ConfigurationError, ValidationError
from app.core.permissions import Perm
from app.services.desk import Desk
from app.services.settings import KEYS, TEXT_LABELS, check_periods, save_settings
from app.services.text_input import clean_text


def _clean(key: str, value: Any) -> Any:
    if key == "agency_id":
        return validate_agency_id(value)
    if key == "workstation_no":
        return validate_workstation(int(value))
    if key == "working_periods":
        return check_periods(value)
    if key == "form_regime" and value not in load_json("rules", "forms.json")["regimes"]:
        raise ConfigurationError("Bộ mẫu giấy tờ không có trong cấu hình.")
    if key == "paper_size" and value not in ("A5", "A4"):
        raise ValidationError("Khổ giấy phải là A5 hoặc A4.", field="paper_size")
    if key in TEXT_LABELS:
        return clean_text(str(value), "setting", label=TEXT_LABELS[key])
    if key == "recipients":
        return [line for line in (clean_text(str(v), "setting", label="Nơi nhận") for v in value) if line]
    if key == "idle_lock_seconds" and (not isinstance(value, int) or not 1 <= value <= 8 * 3600):
        raise ValidationError("Thời gian khóa máy khi không dùng phải từ 1 giây đến 8 giờ.", field="idle_lock_seconds")
    if key == "receipt_copies" and value not in (1, 2):
        raise ValidationError("Biên lai in 1 liên (giao người nộp) hoặc 2 liên.", field="receipt_copies")
    return value


def update_settings(desk: Desk, **values: Any) -> None:
    desk.require(Perm.SETTINGS)
    unknown = set(values) - KEYS
    if unknown:
        raise ValidationError(f"Cài đặt không có: {', '.join(sorted(unknown))}.")
    cleaned = {key: _clean(key, value) for key, value in values.items()}
    if "agency_name" in cleaned and not cleaned["agency_name"]:
        raise ValidationError("Tên cơ quan không được để trống.", field="agency_name")
    if "commune_name" in cleaned and not cleaned["commune_name"]:
        raise ValidationError("Tên xã, phường không được để trống.", field="commune_name")
    with desk.write() as connection:
        save_settings(connection, by=desk.actor, **cleaned)
    desk.forget_cached()
