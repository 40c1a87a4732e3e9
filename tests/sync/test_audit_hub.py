"""The hub verifies each workstation's audit chain as its ops arrive (a real hub on 127.0.0.1, on
SQLite and PostgreSQL): an op edited in the desk's file before it was sent is flagged with the
workstation and the record — and still applied, so the outbox never sticks — and so is a history
rewritten after it was sent. A legitimate sync between desks breaks no chain anywhere."""

import hashlib
import json
import sqlite3

import requests
from sqlalchemy import func, select

from app.core.receipts import SeriesSpec
from app.services import processing, sync_state
from app.services.admin import update_settings
from app.services.audit import verify_chain
from app.services.receipts import add_series, issue_receipt, void_receipt
from app.services.reception import receive_dossier
from app.sync.client import SyncClient
from sync.chain import link_hash
from sync.hub.admin import create_admin_token
from sync.hub.models import AuditLink
from tests.helpers.data import birth, copy_cert


def _count(hub, model):
    with hub.engine.connect() as c:
        return c.execute(select(func.count()).select_from(model)).scalar()


def _breaks(hub):
    token = create_admin_token(hub.engine, "kiểm toán")
    response = requests.get(f"{hub.url}/api/v1/admin/audit/breaks", headers={"Authorization": f"Bearer {token}"},
                            timeout=10)
    assert response.status_code == 200, response.text
    return response.json()


def _busy(desk, series_first):
    add_series(desk, SeriesSpec("paper", "01BLP0-001", "AA/26T", series_first, series_first + 99))
    got = receive_dossier(desk, copy_cert())
    receipt = issue_receipt(desk, dossier_uid=got.uid)
    void_receipt(desk, receipt.uid, reason="Ghi sai số tiền")
    issue_receipt(desk, dossier_uid=got.uid, replaces_uid=receipt.uid)
    processing.forward(desk, got.uid, to_unit="Công chức Tư pháp - Hộ tịch")
    update_settings(desk, office_name="Trung tâm phục vụ hành chính công")
    return got


def test_a_legitimate_sync_between_desks_breaks_no_chain(make_desk, hub):
    one, two = make_desk("mot", 1), make_desk("hai", 2)
    _busy(one, 1000)
    _busy(two, 2000)
    for _ in range(2):
        for desk in (one, two):
            result = SyncClient(desk).round()
            assert result.online and not result.problem, result.problem
    with two.read() as c:  # the other desk's dossier, events and receipts are in two's tables now
        assert c.exec_driver_sql("SELECT count(*) FROM dossier").scalar() == 2
        assert c.exec_driver_sql("SELECT count(*) FROM receipt").scalar() == 4
    for desk in (one, two):
        verdict = verify_chain(desk)
        assert verdict.ok, verdict.message
    assert _count(hub, AuditLink) == 2 * 5 and _breaks(hub) == []


def _tamper_pending(path, kind, change):
    """What someone with a database browser would do: edit a queued op and fix its payload hash so
    the hub's transport check passes."""
    c = sqlite3.connect(path)
    seq, payload = c.execute("SELECT seq, payload FROM outbox WHERE kind = ? AND state = 'pending'", (kind,)).fetchone()
    body = json.dumps(change(json.loads(payload)), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    c.execute("UPDATE outbox SET payload = ?, payload_sha256 = ? WHERE seq = ?",
              (body, hashlib.sha256(body.encode()).hexdigest(), seq))
    c.commit()
    c.close()
    return seq


def test_an_op_edited_before_it_was_sent_is_flagged_by_the_desk_and_the_hub(make_desk, hub):
    desk = make_desk("mot", 1)
    add_series(desk, SeriesSpec("paper", "01BLP0-001", "AA/26T", 1000, 1099))
    got = receive_dossier(desk, copy_cert())
    issue_receipt(desk, dossier_uid=got.uid)
    seq = _tamper_pending(desk.db.path, "receipt.issued", lambda p: {**p, "amount": 1000, "amount_words":
                                                                     "Một nghìn đồng"})
    verdict = verify_chain(desk)
    assert not verdict.ok and verdict.first_break.position == seq
    assert "biên lai số 0001000" in verdict.message and "mã băm" in verdict.message
    result = SyncClient(desk).round()
    assert result.pushed == 2 and result.rejected == 0  # flagged, never refused: the outbox does not stick
    breaks = _breaks(hub)
    device_id = desk.settings().device_id
    assert len(breaks) == 1 and breaks[0]["device_id"] == device_id and breaks[0]["device_seq"] == seq
    assert breaks[0]["kind"] == "receipt.issued" and "không khớp với nội dung" in breaks[0]["reason"]
    assert breaks[0]["agency_id"] == "000.17.22.H56"


def test_a_history_rewritten_after_it_was_sent_is_flagged_by_the_hub(make_desk, hub):
    """Whoever rewrites a sent op and recomputes every link after it fools the desk's own check, not
    the hub: its copy of the chain no longer meets the desk's next op."""
    desk = make_desk("mot", 1)
    got = receive_dossier(desk, birth())
    processing.forward(desk, got.uid, to_unit="Công chức Tư pháp - Hộ tịch")
    assert SyncClient(desk).round().pushed == 2
    c = sqlite3.connect(desk.db.path)
    rows = c.execute("SELECT seq, op_id, entity, entity_id, kind, payload, actor, device_time FROM outbox "
                     "ORDER BY seq").fetchall()
    prev = "0" * 64
    from datetime import UTC, datetime

    for seq, op_id, entity, entity_id, kind, payload, actor, device_time in rows:
        if kind == "dossier.forwarded":
            actor = "Người khác"
            payload = payload.replace('"actor":"Cán bộ mot"', '"actor":"Người khác"')
            c.execute("UPDATE event SET actor = ? WHERE kind = 'forwarded'", (actor,))
        sha = hashlib.sha256(payload.encode()).hexdigest()
        link = link_hash(prev, op_id=op_id, entity=entity, entity_id=entity_id, kind=kind, payload_sha256=sha,
                         actor=actor, device_time=datetime.fromisoformat(device_time).replace(tzinfo=UTC))
        c.execute("UPDATE outbox SET payload = ?, payload_sha256 = ?, actor = ?, chain_prev = ?, chain_hash = ? "
                  "WHERE seq = ?", (payload, sha, actor, prev, link, seq))
        prev = link
    c.commit()
    c.close()
    assert verify_chain(desk).ok  # a full rewrite is consistent locally...
    receive_dossier(desk, copy_cert())
    assert SyncClient(desk).round().pushed == 1
    breaks = _breaks(hub)  # ...but not with the hub's copy
    assert len(breaks) == 1 and breaks[0]["device_seq"] == 3 and "số 2" in breaks[0]["reason"]
    assert sync_state.counts(desk)["pending"] == 0


def test_an_op_removed_before_it_was_sent_leaves_a_gap_the_hub_lists(make_desk, hub):
    desk = make_desk("mot", 1)
    add_series(desk, SeriesSpec("paper", "01BLP0-001", "AA/26T", 1000, 1099))
    got = receive_dossier(desk, copy_cert())
    assert SyncClient(desk).round().pushed == 1
    receipt = issue_receipt(desk, dossier_uid=got.uid)  # taken, then its traces removed with a database browser
    processing.forward(desk, got.uid, to_unit="Công chức Tư pháp - Hộ tịch")
    c = sqlite3.connect(desk.db.path)
    seq = c.execute("SELECT seq FROM outbox WHERE kind = 'receipt.issued'").fetchone()[0]
    c.execute("DELETE FROM outbox WHERE seq = ?", (seq,))
    c.execute("DELETE FROM receipt WHERE uid = ?", (receipt.uid,))
    c.commit()
    c.close()
    verdict = verify_chain(desk)
    assert not verdict.ok and verdict.first_break.position == seq + 1 and "không nối tiếp" in verdict.message
    assert SyncClient(desk).round().pushed == 1
    token = create_admin_token(hub.engine, "kiểm toán")
    gaps = requests.get(f"{hub.url}/api/v1/admin/audit/gaps", params={"agency_id": "000.17.22.H56"},
                        headers={"Authorization": f"Bearer {token}"}, timeout=10).json()
    assert [(g["device_seq"], g["kind"]) for g in gaps] == [(seq + 1, "dossier.forwarded")]
    assert gaps[0]["device_id"] == desk.settings().device_id and f"số {seq + 1}" in gaps[0]["reason"]
