"""The audit chain's one hash, shared by the desk (which writes it into every outbox op) and the hub
(which recomputes it as ops arrive). Standard library only, like sync/canonical.py.

Each op's link covers its identity, kind, actor, device time and the SHA-256 of its canonical
payload, plus the previous link: changing, removing or reordering a record changes every link
after it. A chain without a secret can be recomputed by whoever rewrites the file, which is why
the hub keeps its own copy of every link it received: a rewritten past no longer meets it.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

GENESIS = "0" * 64  # the `chain_prev` of a workstation's first op
RESTORED_KIND = "desk.restored"  # the one op about the desk itself: the hub accepts the fork it starts


def instant_text(instant: datetime) -> str:
    """One spelling of an instant for the hash, whatever zone it was given in."""
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def stored_instant_text(stored: str) -> str:
    """instant_text() of an instant as SQLite keeps it (naive UTC "YYYY-MM-DD HH:MM:SS.ffffff"),
    without parsing it: the verifier reads tens of thousands of them."""
    if len(stored) == 26 and stored[10] == " ":
        return f"{stored[:10]}T{stored[11:]}Z"
    return instant_text(datetime.fromisoformat(stored).replace(tzinfo=UTC))


def link_hash(prev: str, *, op_id: str, entity: str, entity_id: str, kind: str, payload_sha256: str, actor: str,
              device_time: datetime | str) -> str:
    """`device_time` as an instant, or already spelled by instant_text()/stored_instant_text()."""
    when = device_time if isinstance(device_time, str) else instant_text(device_time)
    text = "\n".join((prev, op_id, entity, entity_id, kind, payload_sha256, actor, when))
    return hashlib.sha256(text.encode()).hexdigest()
