"""Hub admin operations, used by the hub CLI and the API: enrollment codes, devices, revocation."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, insert, select, update

from app.core.codes import validate_agency_id, validate_workstation
from app.core.errors import DeskError
from sync.hub.models import Agency, Device, EnrollCode

CODE_LIFETIME = timedelta(minutes=10)
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread over the phone


class HubError(DeskError):
    """A refusal the hub sends as a Problem with an HTTP status."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message, code=code)
        self.status = status


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def now() -> datetime:
    return datetime.now(UTC)


def create_enroll_code(engine: Engine, agency_id: str, commune: str, workstation_no: int) -> str:
    """A one-time code, valid 10 minutes, that enrolls one workstation of one commune."""
    agency_id = validate_agency_id(agency_id)
    validate_workstation(workstation_no)
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    code = f"{raw[:4]}-{raw[4:]}"
    with engine.begin() as connection:
        if connection.execute(select(Agency.id).where(Agency.id == agency_id)).first() is None:
            connection.execute(insert(Agency).values(id=agency_id, name=commune))
        connection.execute(insert(EnrollCode).values(code_hash=digest(code), agency_id=agency_id,
                                                     workstation_no=workstation_no,
                                                     expires_at=now() + CODE_LIFETIME))
    return code


@dataclass(frozen=True)
class Enrolled:
    device_id: str
    token: str
    agency_id: str
    commune_name: str
    workstation_no: int


def enroll(engine: Engine, code: str, device_name: str, app_version: str) -> Enrolled:
    with engine.begin() as connection:
        row = connection.execute(select(EnrollCode).where(EnrollCode.code_hash == digest(code.strip().upper()))).first()
        if row is None or row.used_at is not None:
            raise HubError(403, "bad_code", "Mã đăng ký không đúng hoặc đã được dùng. Hãy xin mã mới.")
        if _aware(row.expires_at) < now():
            raise HubError(403, "expired_code", "Mã đăng ký đã hết hạn (10 phút). Hãy xin mã mới.")
        token, device_id = secrets.token_urlsafe(32), str(uuid.uuid4())
        connection.execute(update(EnrollCode).where(EnrollCode.code_hash == row.code_hash).values(used_at=now()))
        connection.execute(insert(Device).values(
            id=device_id, agency_id=row.agency_id, name=device_name[:120], token_hash=digest(token),
            workstation_no=row.workstation_no, app_version=app_version[:40], created_at=now()))
        name = connection.execute(select(Agency.name).where(Agency.id == row.agency_id)).scalar_one()
    return Enrolled(device_id, token, row.agency_id, name, row.workstation_no)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def device_for_token(engine: Engine, token: str) -> Any:
    with engine.connect() as connection:
        device = connection.execute(select(Device).where(Device.token_hash == digest(token))).first()
    if device is None:
        raise HubError(401, "unknown_token", "Máy trạm chưa đăng ký với hệ thống cấp trên.")
    if device.revoked_at is not None:
        raise HubError(403, "revoked", "Máy trạm này đã bị thu hồi quyền đồng bộ. Hãy liên hệ quản trị cấp trên.")
    return device


def list_devices(engine: Engine) -> list[Any]:
    with engine.connect() as connection:
        return list(connection.execute(select(Device).order_by(Device.agency_id, Device.workstation_no)))


def revoke(engine: Engine, device_id: str) -> None:
    with engine.begin() as connection:
        changed = connection.execute(update(Device).where(Device.id == device_id).values(revoked_at=now())).rowcount
    if not changed:
        raise HubError(404, "unknown_device", "Không có máy trạm này.")


def allot(engine: Engine, agency_id: str, workstation_no: int, spec: Any, commune: str = "") -> int:
    """Gives a receipt range to a workstation; it reaches the desk at enrollment or its next pull."""
    from app.core.receipts import validate_series
    from sync.hub.change_log import write_changes
    from sync.hub.models import Allotment

    spec = validate_series(spec)
    agency_id = validate_agency_id(agency_id)
    validate_workstation(workstation_no)
    with engine.begin() as connection:
        if connection.execute(select(Agency.id).where(Agency.id == agency_id)).first() is None:
            if not commune:
                raise HubError(404, "unknown_agency", "Hệ thống chưa có xã này: hãy ghi tên xã (--commune).")
            connection.execute(insert(Agency).values(id=agency_id, name=commune))
        overlap = connection.execute(select(Allotment.id).where(
            Allotment.agency_id == agency_id, Allotment.template_symbol == spec.template_symbol,
            Allotment.series_symbol == spec.series_symbol, Allotment.first_number <= spec.last_number,
            Allotment.last_number >= spec.first_number)).first()
        if overlap:
            raise HubError(409, "overlap", "Dải số này trùng với một dải đã cấp của cùng ký hiệu.")
        row = {"agency_id": agency_id, "workstation_no": workstation_no, "kind": spec.kind,
               "template_symbol": spec.template_symbol, "series_symbol": spec.series_symbol,
               "first_number": spec.first_number, "last_number": spec.last_number}
        allotment_id = connection.execute(insert(Allotment).values(**row, created_at=now())).inserted_primary_key[0]
        write_changes(connection, [{"agency_id": agency_id, "entity": "allotment", "entity_id": str(allotment_id),
                                    "kind": "allotment.created", "payload": row, "origin_device": "hub"}])
    return allotment_id


def allotments_for(engine: Engine, agency_id: str, workstation_no: int) -> list[dict[str, Any]]:
    from sync.hub.models import Allotment

    with engine.connect() as connection:
        rows = connection.execute(select(Allotment).where(Allotment.agency_id == agency_id,
                                                          Allotment.workstation_no == workstation_no)).all()
    return [{"kind": r.kind, "template_symbol": r.template_symbol, "series_symbol": r.series_symbol,
             "first_number": r.first_number, "last_number": r.last_number} for r in rows]


def create_admin_token(engine: Engine, name: str) -> str:
    """A token for the admin API, shown once; the hub keeps its hash."""
    from sync.hub.models import AdminToken

    token = secrets.token_urlsafe(32)
    with engine.begin() as connection:
        connection.execute(insert(AdminToken).values(token_hash=digest(token), name=name[:120], created_at=now()))
    return token


def check_admin(engine: Engine, token: str) -> str:
    from sync.hub.models import AdminToken

    with engine.connect() as connection:
        row = connection.execute(select(AdminToken).where(AdminToken.token_hash == digest(token))).first()
    if row is None or row.revoked_at is not None:
        raise HubError(403, "not_admin", "Mã quản trị không đúng hoặc đã bị thu hồi.")
    return row.name
