"""Officer accounts on the hub (issue 9): what the desks save reaches the commune's other desks, and a
hub administrator can reset a forgotten password, which reaches every desk of the commune as an
`officer.saved` change from origin "hub". The hub keeps hashes only; a temporary password made
here is shown once to the administrator and never stored or logged.
"""

from __future__ import annotations

import logging
import secrets
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, insert, select, update

from app.core.codes import validate_agency_id
from app.core.errors import DeskError
from app.core.passwords import hash_password
from sync.hub.admin import HubError
from sync.hub.change_log import write_changes
from sync.hub.models import Officer
from sync.ops import OfficerSaved

log = logging.getLogger(__name__)
OT = Officer.__table__
TEMPORARY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # read aloud over the phone: no 0/o, 1/l/i


class OfficerConflict(DeskError):
    code = "username_taken"


def _stamp(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _columns(saved: OfficerSaved) -> dict[str, Any]:
    return {"username": saved.username, "full_name": saved.full_name, "title": saved.title,
            "roles": list(saved.roles), "active": saved.active, "password_hash": saved.password_hash,
            "must_change": saved.must_change, "saved_at": _stamp(saved.saved_at), "version": saved.version}


def save_from_device(connection: Connection, agency_id: str, saved: OfficerSaved, actor: str) -> None:
    """An account a desk saved. The highest (version, saved_at) wins (an older save is still passed
    on: every desk applies the same rule, so all end with the same account). A username is one account per
    commune: a second account under it is a conflict the saving desk is told about."""
    clash = connection.execute(select(OT.c.uid).where(
        OT.c.agency_id == agency_id, OT.c.username == saved.username, OT.c.uid != saved.officer_id)).first()
    if clash is not None:
        raise OfficerConflict(f"Tên đăng nhập «{saved.username}» đã dùng cho một tài khoản khác của xã.")
    row = connection.execute(select(OT.c.agency_id, OT.c.saved_at, OT.c.version).where(
        OT.c.uid == saved.officer_id)).first()
    if row is not None and row.agency_id != agency_id:
        raise OfficerConflict("Tài khoản này thuộc một xã khác.", code="wrong_agency")
    values = {**_columns(saved), "saved_by": actor}
    if row is None:
        connection.execute(insert(OT).values(uid=saved.officer_id, agency_id=agency_id, **values))
    elif (row.version, row.saved_at) < (values["version"], values["saved_at"]):
        connection.execute(update(OT).where(OT.c.uid == saved.officer_id).values(**values))


def list_officers(engine: Engine, agency_id: str) -> list[dict[str, Any]]:
    """A commune's accounts, without their hashes."""
    with engine.connect() as connection:
        rows = connection.execute(select(OT).where(OT.c.agency_id == validate_agency_id(agency_id))
                                  .order_by(OT.c.username)).all()
    return [{"officer_id": r.uid, "username": r.username, "full_name": r.full_name, "title": r.title,
             "roles": r.roles, "active": r.active, "must_change": r.must_change, "saved_at": r.saved_at}
            for r in rows]


def temporary_password() -> str:
    return "".join(secrets.choice(TEMPORARY_ALPHABET) for _ in range(10))


def reset_password(engine: Engine, agency_id: str, username: str, admin: str,
                   password: str | None = None) -> str:
    """Give an officer of a commune a new password (made here when none is given) that they must
    change at their next login; returns it, to be told to the officer once. The commune's desks get
    the new hash on their next pull."""
    agency_id = validate_agency_id(agency_id)
    password = password or temporary_password()
    hashed = hash_password(password)  # refuses a password shorter than 8 characters
    with engine.begin() as connection:
        row = connection.execute(select(OT).where(OT.c.agency_id == agency_id,
                                                  OT.c.username == username.strip().lower())).first()
        if row is None:
            raise HubError(404, "unknown_officer", "Xã này không có tài khoản cán bộ với tên đăng nhập đó "
                           "(hoặc máy trạm chưa đồng bộ tài khoản lên).")
        saved = OfficerSaved(officer_id=row.uid, username=row.username, full_name=row.full_name, title=row.title,
                             roles=list(row.roles), active=row.active, password_hash=hashed, must_change=True,
                             saved_at=datetime.now(UTC), version=row.version + 1)
        connection.execute(update(OT).where(OT.c.uid == row.uid).values(**_columns(saved), saved_by=admin))
        write_changes(connection, [{"agency_id": agency_id, "entity": "officer", "entity_id": row.uid,
                                    "kind": "officer.saved", "payload": saved.wire(), "origin_device": "hub",
                                    "actor": admin[:120]}])
    log.info("password of officer account %s of %s reset by %s", row.username, agency_id, admin)
    return password
