"""Renders every printed paper for the sample dossiers into docs/forms/ (PDF and PNG), to look at.

Usage: .venv/bin/python scripts/render_forms.py
"""

import re
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.services import papers  # noqa: E402
from tests.helpers.papers import build_samples  # noqa: E402

OUT = ROOT / "docs" / "forms"


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        s = build_samples(Path(folder) / "forms.sqlite")
        documents = {
            "mau01-giay-tiep-nhan": papers.slip_pdf(s.desk, s.slip),
            "mau01-giay-tiep-nhan-a4": papers.slip_pdf(s.desk, s.slip, copies=1, size="A4"),
            # the longest values the services accept: 20 documents, a 100-character name, 300-character address
            "mau01-dai-nhat": papers.slip_pdf(s.desk, s.longest),
            "mau01-dai-nhat-a4": papers.slip_pdf(s.desk, s.longest, copies=1, size="A4"),
            "mau02-dai-nhat": papers.supplement_pdf(s.desk, s.longest, officer_phone="0237 3888 123"),
            "mau06-dai-nhat": papers.control_sheet_pdf(s.desk, s.longest),
            "mau02-yeu-cau-bo-sung": papers.supplement_pdf(s.desk, s.supplement, officer_phone="0237 3888 123"),
            "mau03-tu-choi": papers.refusal_pdf(s.desk, s.refusal),
            "mau04-xin-loi-hen-lai": papers.apology_pdf(s.desk, s.apology),
            "mau05-thong-bao-dung": papers.stop_notice_pdf(s.desk, s.stop),
            "mau06-phieu-kiem-soat": papers.control_sheet_pdf(s.desk, s.slip),
            "mau07-so-theo-doi": papers.log_book_pdf(s.desk, date(2026, 11, 1), date(2026, 11, 30)),
            "bien-lai": papers.receipt_pdf(s.desk, s.receipt),
            "bien-lai-da-huy": papers.receipt_pdf(s.desk, s.voided_receipt),
            "bien-lai-in-lai": papers.receipt_pdf(s.desk, s.receipt, reprint=1),
            "phieu-so-thu-tu": papers.ticket_pdf(s.desk, 23, "Quầy số 2", waiting=4),
            "niem-yet-thu-tuc": papers.public_list_pdf(s.desk),
        }
        (OUT / "mau07-so-theo-doi.xlsx").write_bytes(papers.log_book_workbook(s.desk, date(2026, 11, 1),
                                                                               date(2026, 11, 30)))
        s.desk.db.dispose()
    # Only this script's own pages: other papers' pictures live here too (the e-receipt's).
    for old in OUT.glob("*.png"):
        if re.fullmatch(rf"({'|'.join(map(re.escape, documents))})-\d+\.png", old.name):
            old.unlink()
    for name, pdf in documents.items():
        path = OUT / f"{name}.pdf"
        path.write_bytes(pdf)
        subprocess.run(["pdftoppm", "-r", "80", "-png", str(path), str(OUT / name)], check=True)
        path.unlink()
    print("\n".join(sorted(p.name for p in OUT.iterdir())))


if __name__ == "__main__":
    main()
