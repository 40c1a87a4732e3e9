"""The hub's rate limits (the public e-receipt lookup, the province page's login) count in the
database, so several workers share one count (issue 14): kept in each worker's memory, four
workers granted four times the limit."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import requests

from sync.hub.limits import SharedRateLimit
from sync.hub.lookup import PER_MINUTE
from sync.hub.store import open_hub
from tests.sync.test_workers import WorkerHub


def test_two_workers_share_one_sliding_minute(hub_url):
    now = [1000.0]
    first, second = open_hub(hub_url), open_hub(hub_url)  # two pools, as two worker processes have
    try:
        one, two = (SharedRateLimit(engine, "lookup", 3, clock=lambda: now[0]) for engine in (first, second))
        assert [one.allow("10.0.0.7"), two.allow("10.0.0.7"), one.allow("10.0.0.7")] == [True, True, True]
        assert not two.allow("10.0.0.7") and not one.allow("10.0.0.7")
        assert two.allow("10.0.0.8")  # another address has its own count
        assert SharedRateLimit(first, "login", 3, clock=lambda: now[0]).allow("10.0.0.7")  # another limit too
        now[0] = 1059.9
        assert not two.allow("10.0.0.7")
        now[0] = 1060.0  # the first requests are a minute old: they no longer count
        assert two.allow("10.0.0.7")
    finally:
        first.dispose()
        second.dispose()


def test_four_workers_behind_one_address_grant_the_lookup_limit_once(postgres):
    hub = WorkerHub(postgres.new_database(), 4)
    try:
        def look(_: int) -> tuple[int, str]:  # a connection each, many at once: the kernel spreads them
            got = requests.get(f"{hub.url}/tra-cuu-bien-lai", params={"ma": "23456789ABCD"},
                               headers={"Connection": "close"}, timeout=30)
            return got.status_code, got.headers["x-hub-worker"]

        with ThreadPoolExecutor(max_workers=16) as pool:
            answers = list(pool.map(look, range(PER_MINUTE + 1)))
        assert sorted(status for status, _ in answers) == [404] * PER_MINUTE + [429]
        assert len({worker for _, worker in answers}) >= 2, "every request went to one worker"
    finally:
        hub.stop()
