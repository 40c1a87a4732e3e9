"""Runs sync rounds on a desk file until killed (for the kill -9 tests). The token comes in the
environment because a test's in-memory keyring does not reach another process."""

import os
import sys

from app.services.desk import Desk
from app.store.engine import open_database
from app.sync.client import SyncClient


def main(path: str) -> None:
    desk = Desk(open_database(path), actor="worker")
    client = SyncClient(desk, token=os.environ["MOTCUA_TEST_TOKEN"])
    client.max_ops = int(os.environ.get("MOTCUA_TEST_MAX_OPS", "200"))
    print("ready", flush=True)
    while True:
        result = client.round()
        print(f"round {result.online} {result.pushed} {result.pulled}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1])
