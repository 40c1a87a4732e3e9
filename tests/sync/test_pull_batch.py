"""The pulled apply's set-based path (issue 14) stores exactly what the change-by-change path
stores — every row of every table, refusals set aside the same way — and falls back to it when a
batch fails. Pages are built from a real workstation's outbox, as the hub would send them."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta

import pytest

import app.sync.pulled as pulled
from app.services import processing, sync_state
from app.services.clock import from_local
from app.services.commune import CommuneSetup, init_commune
from app.services.desk import Desk
from app.services.reception import receive_dossier
from app.store.engine import open_database
from tests.conftest import AGENCY
from tests.helpers.data import copy_cert

TABLES = ("dossier", "event", "dossier_document", "daily_counter", "pulled_aside")


def fresh_desk(path, clock, workstation: int) -> Desk:
    desk = Desk(open_database(path), actor=f"Cán bộ {workstation}", clock=clock)
    init_commune(desk, CommuneSetup(AGENCY, "Xã Quảng Phú", workstation_no=workstation))
    return desk


def source_changes(desk: Desk, clock) -> list[dict]:
    """Every kind of step, a dossier refused, and the changes a page may carry that cannot apply."""
    uids = []
    for k in range(12):
        got = receive_dossier(desk, copy_cert(f"Người nộp {k:02d}"))
        uids.append(got.uid)
        clock.instant += timedelta(minutes=3)
    a, b, c, d, e = uids[:5]
    processing.forward(desk, a, to_unit="Tư pháp")
    processing.request_supplement(desk, a, reason="Thiếu bản chính", missing_documents=["Bản chính giấy khai sinh"])
    clock.instant += timedelta(days=1)
    processing.receive_supplement(desk, a)
    processing.finish(desk, a, result_code="KQ-01")
    processing.hand_over(desk, a, receiver="Người nộp 00")
    processing.refuse(desk, b, reason="Không thuộc thẩm quyền")
    processing.forward(desk, c, to_unit="Tư pháp")
    processing.reschedule(desk, c, new_due=from_local(datetime(2026, 12, 1, 10, 0)), reason="Cần xác minh")
    processing.withdraw(desk, d, reason="Người nộp rút hồ sơ")
    processing.forward(desk, e, to_unit="Tư pháp")
    processing.stop(desk, e, reason="Hồ sơ giả mạo")
    ops = sync_state.next_batch(desk, max_ops=10_000, max_bytes=10**8)
    changes = [{"seq": i, "entity": op.entity, "entity_id": op.entity_id, "kind": op.kind, "payload": op.payload,
                "origin_device": "máy 1", "actor": op.actor} for i, op in enumerate(ops, start=1)]
    finished = next(ch for ch in changes if ch["kind"] == "dossier.finished")
    stranger = {**finished, "entity_id": "00000000-0000-4000-8000-00000000000a",
                "payload": {**finished["payload"], "dossier_id": "00000000-0000-4000-8000-00000000000a",
                            "event_id": "00000000-0000-4000-8000-00000000000b"}}
    handed = next(ch for ch in changes if ch["kind"] == "dossier.handed_over")
    too_early = {**handed, "payload": {**handed["payload"], "dossier_id": c,
                                       "event_id": "00000000-0000-4000-8000-0000000000cc"}, "entity_id": c}
    return [*changes, changes[0], stranger, too_early,  # a duplicate, an unknown dossier, an illegal step
            {**changes[1], "kind": "dossier.exploded"}, {**changes[2], "payload": {"status_after": 99}}]


def rows(path) -> dict[str, list[tuple]]:
    connection = sqlite3.connect(path)
    try:
        return {t: connection.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall() for t in TABLES}
    finally:
        connection.close()


def strip_times(table: list[tuple]) -> list[tuple]:
    return [row[:-1] for row in table]  # pulled_aside: set_aside_at is when it happened


def apply_in_pages(desk: Desk, changes: list[dict], size: int) -> int:
    applied = 0
    for start in range(0, len(changes), size):
        applied += pulled.apply_pulled(desk, changes[start:start + size], start + size)
    return applied


@pytest.mark.parametrize("page_size", [7, 500])
def test_set_based_and_change_by_change_store_the_same_rows(tmp_path, clock, monkeypatch, page_size):
    changes = source_changes(fresh_desk(tmp_path / "source.sqlite", clock, 1), clock)
    fast = fresh_desk(tmp_path / "fast.sqlite", clock, 2)
    applied_fast = apply_in_pages(fast, changes, page_size)
    with monkeypatch.context() as patch:
        patch.setattr(pulled, "_apply_run", lambda page, run: sum(pulled._apply_one(page, c) for c in run))
        slow = fresh_desk(tmp_path / "slow.sqlite", clock, 3)
        applied_slow = apply_in_pages(slow, changes, page_size)
    assert applied_fast == applied_slow
    got, expected = rows(tmp_path / "fast.sqlite"), rows(tmp_path / "slow.sqlite")
    for table in TABLES[:-1]:
        assert got[table] == expected[table], table
    assert strip_times(got["pulled_aside"]) == strip_times(expected["pulled_aside"])
    connection = sqlite3.connect(tmp_path / "fast.sqlite")
    codes = sorted(code for (code,) in connection.execute("SELECT code FROM pulled_aside"))
    connection.close()
    assert codes == ["illegal_transition", "invalid_payload", "unknown_dossier", "unknown_kind"]
    assert len(got["dossier"]) == 12


def test_a_batch_that_fails_is_applied_change_by_change(tmp_path, clock, monkeypatch):
    changes = source_changes(fresh_desk(tmp_path / "source.sqlite", clock, 1), clock)
    reference = fresh_desk(tmp_path / "reference.sqlite", clock, 2)
    apply_in_pages(reference, changes, 500)

    def broken(self):
        raise sqlite3.OperationalError("disk I/O error")  # anything at all, after part of the batch was written

    monkeypatch.setattr(pulled._Batch, "_write", broken)
    desk = fresh_desk(tmp_path / "fallback.sqlite", clock, 3)
    apply_in_pages(desk, changes, 500)
    got, expected = rows(tmp_path / "fallback.sqlite"), rows(tmp_path / "reference.sqlite")
    for table in TABLES[:-1]:
        assert got[table] == expected[table], table
    assert strip_times(got["pulled_aside"]) == strip_times(expected["pulled_aside"])
    assert desk.settings().sync_cursor == 500
