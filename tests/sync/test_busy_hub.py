"""A hub that is full answers at once 503 with Retry-After (issue 14), and a desk it turned away
catches up later with nothing lost or applied twice. Real parts: the hub in-process on 127.0.0.1
with one push slot and one pull slot and no queue, real desks, SQLite and PostgreSQL. The slot is
held by another desk's request that waits inside the hub until the test lets it go."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
import requests
from sqlalchemy import func, select

import sync.hub.api as hub_api
from app.services import processing, sync_state
from app.services.queries import count_dossiers
from app.services.reception import receive_dossier
from app.sync.client import SyncClient
from sync.hub.admission import Gate, Policy
from sync.hub.models import AppliedOp, Change, Dossier
from sync.hub.store import open_hub
from sync.protocol import SCHEMA
from tests.helpers.data import copy_cert
from tests.sync.conftest import Hub, served

ONE_AT_A_TIME = Policy(push=Gate(slots=1, queue=0, wait_s=0.0), pull=Gate(slots=1, queue=0, wait_s=0.0),
                       retry_after=(1, 1))


@pytest.fixture
def hub(hub_url, tmp_path):
    """The conftest's hub, with one push and one pull at a time (make_desk enrolls with this one)."""
    engine = open_hub(hub_url)
    with served(engine, tmp_path / "hub-blobs", ONE_AT_A_TIME) as running:
        yield running
    engine.dispose()


class Held:
    """Wraps one of the hub's functions so that its first call waits until released: the request
    making it keeps its slot meanwhile."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
        self.inside, self.release, self.calls = threading.Event(), threading.Event(), 0
        real: Callable[..., Any] = getattr(hub_api, name)

        def held(*args: Any, **kwargs: Any) -> Any:
            self.calls += 1
            if self.calls == 1:
                self.inside.set()
                assert self.release.wait(30), "the test never released the held request"
            return real(*args, **kwargs)

        monkeypatch.setattr(hub_api, name, held)

    def hold(self, work: Callable[[], Any]) -> threading.Thread:
        thread = threading.Thread(target=work, daemon=True)
        thread.start()
        assert self.inside.wait(30), "the holding request never reached the hub"
        return thread


def counted(hub: Hub, model: Any) -> int:
    with hub.engine.connect() as c:
        return c.execute(select(func.count()).select_from(model)).scalar()


def receive(desk: Any, count: int) -> None:
    for k in range(count):
        got = receive_dossier(desk, copy_cert(f"Người nộp {k:02d}"))
        processing.forward(desk, got.uid, to_unit="Tư pháp")


def test_a_full_hub_answers_503_with_retry_after_and_a_refused_push_is_not_applied(make_desk, hub, monkeypatch):
    one, two = make_desk("mot", 1), make_desk("hai", 2)
    receive(one, 2)
    receive(two, 3)
    held = Held(monkeypatch, "apply_batch")
    holder = held.hold(lambda: SyncClient(one).push())

    ops = sync_state.next_batch(two, max_ops=200, max_bytes=10**6)
    body = {"schema": SCHEMA, "ops": [SyncClient._wire(op) for op in ops]}
    headers = {"Authorization": f"Bearer {SyncClient(two).token}"}
    refused = requests.post(f"{hub.url}/api/v1/sync/push", json=body, headers=headers, timeout=30)
    assert refused.status_code == 503
    assert refused.headers["Retry-After"] == "1"
    assert refused.json()["code"] == "busy"
    assert refused.json()["message"].startswith("Máy chủ đang bận, thử lại sau 1 giây.")
    # the same connection goes on: the refused body was read, not left in the socket
    with requests.Session() as session:
        session.headers.update(headers)
        assert session.post(f"{hub.url}/api/v1/sync/push", json=body, timeout=30).status_code == 503
        assert session.get(f"{hub.url}/api/v1/health", timeout=30).status_code == 200

    result = SyncClient(two).round()  # the desk's own round: told plainly, and when it will try again
    assert result.online and result.retry_in == 1.0 and result.pushed == 0
    assert result.problem == "Máy chủ đang bận, thử lại sau 1 giây."
    assert sync_state.counts(two)["pending"] == 6 and counted(hub, Dossier) == 0

    held.release.set()
    holder.join(timeout=30)
    assert counted(hub, Dossier) == 2
    answer = requests.post(f"{hub.url}/api/v1/sync/push", json=body, headers=headers, timeout=30)
    assert [r["status"] for r in answer.json()["results"]] == ["applied"] * 6
    again = SyncClient(two).round()  # the outbox still holds them: sent again, answered as duplicates
    assert again.online and not again.problem and again.pushed == 6
    assert counted(hub, AppliedOp) == 10 and counted(hub, Dossier) == 5 and counted(hub, Change) == 10
    assert sync_state.counts(two) == {"pending": 0, "sent": 6, "rejected": 0}


def test_a_desk_refused_while_pulling_catches_up_with_nothing_lost_or_doubled(make_desk, hub, monkeypatch):
    one, two, three = make_desk("mot", 1), make_desk("hai", 2), make_desk("ba", 3)
    receive(one, 4)
    assert SyncClient(one).round().pushed == 8
    receive(two, 1)
    held = Held(monkeypatch, "read_page")
    holder = held.hold(lambda: SyncClient(three).pull())

    result = SyncClient(two).round()  # its push goes through; its pull is turned away
    assert result.online and result.problem == "Máy chủ đang bận, thử lại sau 1 giây." and result.retry_in == 1.0
    assert counted(hub, Dossier) == 5 and count_dossiers(two) == 1
    cursor = two.settings().sync_cursor

    held.release.set()
    holder.join(timeout=30)
    caught_up = SyncClient(two).round()
    assert caught_up.online and not caught_up.problem and caught_up.pushed == 0 and caught_up.pulled == 8
    assert count_dossiers(two) == 5 and two.settings().sync_cursor > cursor
    assert SyncClient(two).round().pulled == 0  # nothing comes twice
    assert count_dossiers(three) == 5  # the held pull went on once released
    assert counted(hub, AppliedOp) == 10
