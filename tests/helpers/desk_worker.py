"""A desk process, driven line by line on stdin: what the window does, without the window.

It holds the instance lock and one open Desk on a real file, as `python -m app` does. Commands:
  receive     receive a dossier and issue its receipt; answers "ok <code> <number>" once committed
  drop-locks  open and close the database file once, outside SQLite, as Qt's file dialog does when
              it browses the folder: POSIX drops every lock this process held on the file
  close       dispose the database and release the instance lock, then exit
Nothing is printed until the work it reports has committed: what the official would have seen.
"""

import os
import sys

from app.services.desk import Desk
from app.services.receipts import issue_receipt
from app.services.reception import ReceptionInput, receive_dossier
from app.store.engine import open_database
from app.store.instance_lock import InstanceLock


def main(path: str) -> None:
    lock = InstanceLock(path).acquire()
    database = open_database(path)
    desk = Desk(database, actor="Cán bộ một cửa")
    print("ready", flush=True)
    count = 0
    for line in sys.stdin:
        command = line.strip()
        if command == "receive":
            count += 1
            got = receive_dossier(desk, ReceptionInput("2.000815", f"Nguyễn Văn Bàn {count}", pages=2))
            receipt = issue_receipt(desk, dossier_uid=got.uid)
            print(f"ok {got.code} {receipt.number}", flush=True)
        elif command == "drop-locks":
            os.close(os.open(path, os.O_RDONLY))
            print("ok", flush=True)
        elif command == "close":
            database.dispose()
            lock.release()
            print("ok", flush=True)
            return


if __name__ == "__main__":
    main(sys.argv[1])
