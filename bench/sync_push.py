"""10,000 queued events (a week offline at a busy commune) pushed to a hub on 127.0.0.1: events per
second and total time, against the naive way (one HTTP request per event) in the same run.
Usage: python bench/sync_push.py [events]"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from common import report
from hubproc import HubProcess, enrolled_desk

from app.services import processing
from app.services.desk import Desk
from app.services.reception import ReceptionInput, receive_dossier
from app.sync.client import SyncClient

TARGET_RATE, TARGET_RATIO = 2000.0, 20.0
NAIVE_SAMPLE = 400


def queue_events(desk: Desk, events: int) -> None:
    """Receptions walked to the hand-over: four events each, spread over days (999 codes a day)."""
    start = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)
    clock = iter(start + timedelta(minutes=2 * k) for k in range(10**7))
    desk.clock = lambda: next(clock)
    with desk.batch():
        for k in range(events // 4):
            got = receive_dossier(desk, ReceptionInput("2.000884", f"Người nộp {k:05d}"))
            processing.forward(desk, got.uid, to_unit="Tư pháp")
            processing.finish(desk, got.uid)
            processing.hand_over(desk, got.uid, receiver=f"Người nộp {k:05d}")


def push_all(desk: Desk, max_ops: int) -> tuple[int, float]:
    client = SyncClient(desk)
    client.max_ops = max_ops
    start = time.perf_counter()
    sent, rejected, _ = client.push()
    assert rejected == 0
    return sent, time.perf_counter() - start


def main() -> None:
    events = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    with tempfile.TemporaryDirectory() as folder:
        hub = HubProcess(f"sqlite:///{Path(folder) / 'hub.sqlite'}")
        try:
            ours_desk = enrolled_desk(hub, Path(folder) / "one.sqlite", 1)
            queue_events(ours_desk, events)
            sent, elapsed = push_all(ours_desk, 200)
            naive_desk = enrolled_desk(hub, Path(folder) / "two.sqlite", 2)
            queue_events(naive_desk, NAIVE_SAMPLE)
            naive_sent, naive_elapsed = push_all(naive_desk, 1)
        finally:
            hub.stop()
    rate, naive_rate = sent / elapsed, naive_sent / naive_elapsed
    ok = rate >= TARGET_RATE and rate / naive_rate >= TARGET_RATIO
    report("sync_push", f"push {sent:,} events: {elapsed:.1f} s, {rate:,.0f} events/s; one request per event "
           f"{naive_rate:,.0f} events/s (on {naive_sent}) → ×{rate / naive_rate:.1f} "
           f"(target ≥{TARGET_RATE:,.0f}/s, ≥×{TARGET_RATIO:.0f}): {'OK' if ok else 'MISSED'}",
           events=sent, seconds=round(elapsed, 2), events_per_s=round(rate), naive_events_per_s=round(naive_rate),
           ratio=round(rate / naive_rate, 1), target_events_per_s=TARGET_RATE, target_ratio=TARGET_RATIO, ok=ok)


if __name__ == "__main__":
    main()
