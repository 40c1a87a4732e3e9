"""The columns the province's report reads from each dossier on the hub, kept beside the synced
state so that the province page aggregates millions of dossiers in SQL.

What a dossier IS for the report is decided by app/core/reporting.py (the desk reads the same
rules); this module only stores the facts those rules read, in a form every database compares and
subtracts the same way: instants as epoch seconds (a double, exact to the microsecond), flags as
0/1. `r_late` is the part of `is_late` that does not depend on the instant (too many supplement
requests, an apology with a new date); `r_due_day` is the instant the due day starts in Vietnam,
so that "resolved before the due day" is a comparison.
"""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from app.core.lifecycle import Status
from app.core.report_rules import LATENESS
from app.core.reporting import ENDED_WITHOUT_RESULT, VN
from sync.ops import Finished, Received
from sync.steps import DossierState

# Set once, at reception, from the Received payload.
RECEIVED_COLUMNS = ("r_field", "r_channel", "r_received", "r_original_due", "r_fee", "r_online_payment",
                    "r_docs_digitised", "r_docs_reused")
# Moved with the state by every step.
STATE_FACT_COLUMNS = ("r_due", "r_due_day", "r_end", "r_result", "r_paused", "r_late")


def seconds(instant: datetime | None) -> float | None:
    return None if instant is None else instant.timestamp()


def day_start(instant: datetime) -> float:
    """The instant the local (Vietnam) day of `instant` begins."""
    return datetime.combine(instant.astimezone(VN).date(), time.min, VN).timestamp()


def received_facts(event: Received) -> dict[str, Any]:
    return {"r_field": event.procedure_field, "r_channel": event.channel, "r_received": seconds(event.received_at),
            "r_original_due": seconds(event.due_at), "r_fee": event.fee_amount,
            "r_online_payment": event.online_payment, "r_docs_digitised": int(event.docs_digitised),
            "r_docs_reused": int(event.docs_reused), "r_result_digitised": 0}  # until a finished step says


def structurally_late(supplement_count: int, reschedule_count: int) -> bool:
    """`is_late` without its clock: app.core.reporting.is_late's other two terms."""
    return (supplement_count > LATENESS["max_supplement_requests"]
            or bool(LATENESS["rescheduled_is_late"] and reschedule_count > 0))


def state_facts(state: DossierState) -> dict[str, Any]:
    """As app.core.reporting.DossierFacts.from_desk reads a state: `finished_at` holds every end,
    and the status says whether that end came with a result."""
    ended_without_result = Status(state.status) in ENDED_WITHOUT_RESULT
    finished = None if ended_without_result else state.finished_at
    end = finished or state.returned_at or (state.finished_at if ended_without_result else None)
    return {"r_due": seconds(state.due_at), "r_due_day": day_start(state.due_at), "r_end": seconds(end),
            "r_result": int(finished is not None or state.returned_at is not None),
            "r_paused": seconds(state.paused_since),
            "r_late": int(structurally_late(state.supplement_count, state.reschedule_count))}


def finished_facts(event: Finished) -> dict[str, Any]:
    return {"r_result_digitised": int(event.result_digitised)}
