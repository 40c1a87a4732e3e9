"""Scans kept with a dossier: copied beside the database under their SHA-256, recorded as a step
of the dossier's history (so the hub learns of them with the records), uploaded on their own."""

from __future__ import annotations

import hashlib
import shutil
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, update

from app.core.errors import ValidationError
from app.core.lifecycle import Action
from app.core.text import nfc
from app.services.desk import Desk
from app.services.processing import Step, _apply
from app.store.models import Attachment, Dossier

MAX_SIZE = 50 * 1024 * 1024
A, D = Attachment.__table__, Dossier.__table__


def folder(desk: Desk) -> Path:
    return desk.db.path.parent / "attachments"


def stored_path(desk: Desk, sha: str) -> Path:
    return folder(desk) / sha[:2] / sha


def attach_file(desk: Desk, uid: str, source: Path, name: str = "") -> Step:
    if not source.is_file():
        raise ValidationError("Không tìm thấy tệp cần đính kèm.", field="file")
    size = source.stat().st_size
    if size == 0 or size > MAX_SIZE:
        raise ValidationError("Tệp đính kèm phải có nội dung và không quá 50 MB.", field="file")
    sha = hashlib.sha256(source.read_bytes()).hexdigest()
    target = stored_path(desk, sha)
    if not target.exists():  # the copy is complete before the database names it
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_suffix(".part")
        shutil.copyfile(source, temporary)
        temporary.replace(target)
    label = nfc(name or source.name)

    def change(row: Any, now: datetime, cal: Any) -> Any:
        return {"sha256": sha, "name": label, "size": size}

    with desk.batch():  # the history step, its outbox op and the attachment row: one transaction
        step = _apply(desk, uid, Action.ATTACH, change)
        with desk.write() as connection:
            dossier_id = connection.execute(select(D.c.id).where(D.c.uid == uid)).scalar_one()
            connection.execute(insert(A).values(dossier_id=dossier_id, sha256=sha, name=label, size=size,
                                                added_at=desk.now(), uploaded_at=None))
    return step


def to_upload(desk: Desk) -> list[dict[str, Any]]:
    with desk.read() as connection:
        rows = connection.execute(select(A).where(A.c.uploaded_at.is_(None)).order_by(A.c.id)).all()
    return [dict(r._mapping) for r in rows]


def mark_uploaded(desk: Desk, sha: str) -> None:
    with desk.write() as connection:
        connection.execute(update(A).where(A.c.sha256 == sha).values(uploaded_at=desk.now()))


def attachments_of(desk: Desk, uid: str) -> list[dict[str, Any]]:
    with desk.read() as connection:
        rows = connection.execute(select(A).join(D, D.c.id == A.c.dossier_id).where(D.c.uid == uid)
                                  .order_by(A.c.id)).all()
    return [dict(r._mapping) for r in rows]
