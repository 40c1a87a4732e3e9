"""A desk's dossier row seen through the step table (sync/steps.py): read its state, write it back.
Used by the services when an official acts and by the pulled apply, so both move the same columns."""

from __future__ import annotations

from typing import Any

from app.core.lifecycle import Status
from sync.steps import DossierState


def state_of(row: Any) -> DossierState:
    return DossierState(
        status=Status(row.status), due_at=row.due_at, paused_since=row.paused_since,
        resume_status=Status(row.resume_status) if row.resume_status else None,
        reschedule_count=row.reschedule_count or 0, supplement_count=row.supplement_count or 0,
        finished_at=row.finished_at, returned_at=row.returned_at, rating=row.rating or "")


def columns_of(state: DossierState) -> dict[str, Any]:
    """The row's columns for `state` (statuses stored as their codes)."""
    return {"status": int(state.status), "due_at": state.due_at, "paused_since": state.paused_since,
            "resume_status": int(state.resume_status) if state.resume_status else None,
            "reschedule_count": state.reschedule_count, "supplement_count": state.supplement_count,
            "finished_at": state.finished_at, "returned_at": state.returned_at, "rating": state.rating}
