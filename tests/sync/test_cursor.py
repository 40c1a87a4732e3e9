"""The pull cursor under concurrent writers (shared/env.md's PostgreSQL trap): transactions that
commit out of sequence order must not let a reader's cursor jump past a row committed later."""

import threading

from app.services.queries import count_dossiers
from app.services.reception import receive_dossier
from app.sync.client import SyncClient
from tests.helpers.data import birth


def test_a_reader_pulling_while_four_workstations_push_misses_nothing(make_desk, hub, monkeypatch):
    monkeypatch.setattr("sync.hub.apply.COMMIT_JITTER_S", 0.03)  # commits land out of sequence order
    writers = [make_desk(f"w{k}", k) for k in range(1, 5)]
    reader = make_desk("reader", 5)
    for k, desk in enumerate(writers):
        with desk.batch():
            for n in range(60):
                receive_dossier(desk, birth(f"Người {k}-{n:02d}"))
    clients = [SyncClient(desk) for desk in writers]
    for client in clients:
        client.max_ops = 7  # many small transactions, interleaving on the hub
    done = threading.Event()

    def push(client):
        client.push()

    def pull():
        reading = SyncClient(reader)
        while not done.is_set():
            reading.pull()
        reading.pull()

    threads = [threading.Thread(target=push, args=(c,)) for c in clients]
    puller = threading.Thread(target=pull)
    puller.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    done.set()
    puller.join()
    assert count_dossiers(reader) == 240
