"""Receives dossiers and issues e-receipts (signed in the receipt's transaction) in a loop until
killed; prints a receipt's number only after its transaction committed: what the official saw."""

import random
import sys
from datetime import datetime, timedelta

from app.services import ereceipts
from app.services.clock import from_local
from app.services.desk import Desk
from app.services.receipts import issue_receipt
from app.services.reception import ReceptionInput, receive_dossier
from app.store.engine import open_database


class Ticking:
    def __init__(self, start: datetime) -> None:
        self.instant = start

    def __call__(self) -> datetime:
        self.instant += timedelta(milliseconds=50)
        return self.instant


def main(path: str, seed: int) -> None:
    rng = random.Random(seed)
    # Each worker its own morning of 2027, minutes apart: instants only move forward across workers.
    start = from_local(datetime(2027, 1, 4, 7, 30)) + timedelta(minutes=seed % 10_000)
    desk = Desk(open_database(path), actor=f"worker-{seed}", clock=Ticking(start))
    ereceipts.signer_for(desk)  # the key loaded and the signing modules imported: kills land on the work
    print("ready", flush=True)
    while True:
        got = receive_dossier(desk, ReceptionInput("2.000815", f"Nguyễn Văn {rng.randrange(10**6)}",
                                                   pages=rng.randint(1, 9)))
        receipt = issue_receipt(desk, dossier_uid=got.uid)
        print(f"receipt {receipt.number}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
