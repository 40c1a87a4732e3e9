"""Receives dossiers and issues receipts in a loop until killed; prints what was confirmed.

A line is printed only after the transaction committed: what the official would have seen.
"""

import random
import sys

from app.services.desk import Desk
from app.services.receipts import issue_receipt
from app.services.reception import ReceptionInput, receive_dossier
from app.store.engine import open_database


def main(path: str, seed: int) -> None:
    desk = Desk(open_database(path), actor=f"worker-{seed}")
    rng = random.Random(seed)
    print("ready", flush=True)
    while True:
        got = receive_dossier(desk, ReceptionInput("2.000815", f"Nguyễn Văn {rng.randrange(10**6)}",
                                                   pages=rng.randint(1, 9)))
        print(f"dossier {got.code}", flush=True)
        receipt = issue_receipt(desk, dossier_uid=got.uid)
        print(f"receipt {receipt.number}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
