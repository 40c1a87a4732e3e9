"""The procedure catalogue: versioned, so each dossier keeps what was in force when received."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, bindparam, insert, or_, select

from app.core.calendar import LegalTime
from app.core.errors import NotFoundError, ValidationError
from app.core.fees import FeeRule, parse_fee_rule
from app.core.permissions import Perm
from app.core.text import fold, nfc
from app.core.vocabulary import DOCUMENT_FORMS  # noqa: F401 (screens import it from here)
from app.store.models import Procedure, ProcedureVersion

if TYPE_CHECKING:
    from app.services.desk import Desk

P, PV = Procedure.__table__, ProcedureVersion.__table__


@dataclass(frozen=True)
class ProcedureInForce:
    procedure_id: int
    version_id: int
    code: str
    national_code: str | None
    name: str
    field: str
    effective_from: date
    legal_time: LegalTime
    fee_rule: FeeRule
    documents: list[dict[str, Any]]
    legal_basis: str


def parse_legal_time(data: dict[str, Any]) -> LegalTime:
    kind = data.get("kind")
    days = int(data.get("days", 0))
    if kind not in ("same_day", "working_days") or (kind == "working_days" and days < 1):
        raise ValidationError("Thời hạn giải quyết phải là «trong ngày» hoặc một số ngày làm việc ≥ 1.", field="time")
    return LegalTime(kind, days)


def _version_row(procedure_id: int, version: dict[str, Any], source: str) -> dict[str, Any]:
    parse_fee_rule(version["fee"])  # refuse a broken rule before it is stored
    parse_legal_time(version["legal_time"])
    return {
        "procedure_id": procedure_id, "effective_from": date.fromisoformat(version["effective_from"]),
        "legal_time": version["legal_time"], "fee_rule": version["fee"], "documents": version["documents"],
        "legal_basis": nfc(version.get("legal_basis", "")), "source": source, "created_at": datetime.now(UTC),
    }


def seed_catalogue(connection: Connection, data: dict[str, Any], source: str) -> int:
    """Insert procedures and versions not yet present; returns how many versions were added."""
    added = 0
    for item in data["procedures"]:
        found = connection.execute(select(P.c.id).where(P.c.code == item["code"])).scalar()
        if found is None:
            found = connection.execute(insert(P).values(
                code=item["code"], national_code=item.get("national_code"), name=nfc(item["name"]),
                name_folded=fold(item["name"]), field=nfc(item["field"]),
            )).inserted_primary_key[0]
        have = set(connection.execute(select(PV.c.effective_from).where(PV.c.procedure_id == found)).scalars())
        for version in item["versions"]:
            if date.fromisoformat(version["effective_from"]) not in have:
                connection.execute(insert(PV).values(**_version_row(found, version, source)))
                added += 1
    return added


def _in_force(row: Any) -> ProcedureInForce:
    return ProcedureInForce(
        procedure_id=row.procedure_id, version_id=row.id, code=row.code, national_code=row.national_code,
        name=row.name, field=row.field, effective_from=row.effective_from,
        legal_time=parse_legal_time(row.legal_time), fee_rule=parse_fee_rule(row.fee_rule),
        documents=list(row.documents), legal_basis=row.legal_basis,
    )


_JOINED = select(PV, P.c.code, P.c.national_code, P.c.name, P.c.field).join(P, P.c.id == PV.c.procedure_id)
# Constant statements: built and compiled once, so a reception does not pay for it each time.
_IN_FORCE = (_JOINED.where(or_(P.c.code == bindparam("code"), P.c.national_code == bindparam("code")),
                           PV.c.effective_from <= bindparam("day"))
             .order_by(PV.c.effective_from.desc()).limit(1))
_BY_ID = _JOINED.where(PV.c.id == bindparam("version_id"))


def version_in_force(connection: Connection, code: str, day: date) -> ProcedureInForce:
    row = connection.execute(_IN_FORCE, {"code": code, "day": day}).first()
    if row is None:
        raise NotFoundError(f"Không tìm thấy thủ tục «{code}» (hoặc chưa có phiên bản hiệu lực).", field="procedure")
    return _in_force(row)


def version_by_id(
    connection: Connection, version_id: int, cache: dict[int, ProcedureInForce] | None = None
) -> ProcedureInForce:
    """A version row never changes once written, so a caller may keep it in `cache` by id."""
    if cache is not None and version_id in cache:
        return cache[version_id]
    found = _in_force(connection.execute(_BY_ID, {"version_id": version_id}).one())
    if cache is not None:
        cache[version_id] = found
    return found


def list_procedures(desk: Desk, day: date, query: str = "") -> list[ProcedureInForce]:
    """Procedures in force on `day`, filtered by a diacritic-insensitive query on name, code or field."""
    folded = fold(query)
    with desk.read() as connection:
        codes = connection.execute(select(P.c.code, P.c.name_folded, P.c.field).order_by(P.c.field, P.c.name)).all()
        matched = [c.code for c in codes if not folded or folded in f"{c.name_folded} {c.code.lower()} {fold(c.field)}"]
        return [version_in_force(connection, code, day) for code in matched]


def record_version(desk: Desk, code: str, version: dict[str, Any]) -> None:
    """Admin: a new fee or time from an effective date; dossiers already received keep theirs."""
    desk.require(Perm.CATALOGUE)
    with desk.write() as connection:
        procedure_id = connection.execute(select(P.c.id).where(P.c.code == code)).scalar()
        if procedure_id is None:
            raise NotFoundError(f"Không tìm thấy thủ tục «{code}».", field="procedure")
        exists = connection.execute(select(PV.c.id).where(
            PV.c.procedure_id == procedure_id, PV.c.effective_from == date.fromisoformat(version["effective_from"])
        )).first()
        if exists:
            raise ValidationError("Thủ tục đã có một phiên bản hiệu lực từ ngày này.", field="effective_from")
        connection.execute(insert(PV).values(**_version_row(procedure_id, version, f"admin:{desk.actor}")))
    desk.forget_cached()  # the version in force on a day may have changed
