"""`motcua self-test`: proves a machine (or a frozen bundle) can run the desk, then exits."""

from __future__ import annotations

import sqlite3
import sys
import tempfile
from pathlib import Path

from app.services import papers
from app.services.clock import to_local
from app.services.commune import CommuneSetup, init_commune
from app.services.demo import switch_to_ereceipts
from app.services.desk import Desk
from app.services.queries import search_dossiers
from app.services.receipts import issue_receipt
from app.services.reception import ReceptionInput, receive_dossier
from app.store.engine import open_database


def run_self_test() -> int:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "self-test.sqlite"
        database = open_database(path)
        desk = Desk(database, actor="self-test")
        init_commune(desk, CommuneSetup("000.00.00.A00", "Xã kiểm tra"))
        # An e-receipt, built, signed (demo key) and stored as a desk does from 01/01/2027 (issue 10).
        switch_to_ereceipts(desk, path, to_local(desk.now()).date())
        got = receive_dossier(desk, ReceptionInput("2.000815", "Nguyễn Văn Đức", pages=3, copies=1))
        receipt = issue_receipt(desk, dossier_uid=got.uid)
        found = [row.code for row in search_dossiers(desk, "nguyen van duc")]
        slip = papers.slip_pdf(desk, got.uid)
        receipt_pdf = papers.receipt_pdf(desk, receipt.uid)
        database.dispose()
        integrity = sqlite3.connect(path).execute("PRAGMA integrity_check").fetchone()[0]
        checks = {
            "tiếp nhận hồ sơ": got.code.endswith("-1001"),
            "biên lai điện tử ký số": receipt.number == 1 and receipt.amount == 5000 and receipt.kind == "electronic",
            "tìm kiếm không dấu": found == [got.code],
            "toàn vẹn tệp dữ liệu": integrity == "ok",
            "in giấy tiếp nhận và biên lai (PDF)": slip.startswith(b"%PDF") and receipt_pdf.startswith(b"%PDF")
            and b"LiberationSerif" in slip,
        }
    for name, ok in checks.items():
        print(f"{'ĐẠT ' if ok else 'LỖI '} {name}")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(run_self_test())
