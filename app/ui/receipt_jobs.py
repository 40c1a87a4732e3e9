"""The print job of one receipt, chosen in the receipts screen (not only a dossier's latest one):
a second print of the same receipt is a reprint, marked as such on the paper and recorded."""

from __future__ import annotations

from app.services.desk import Desk
from app.services.printing import PAPERS, record_printed, was_printed
from app.ui.print_dialog import PrintJob

REPRINT_SUFFIX = " (bản in lại)"


def receipt_job(desk: Desk, receipt_uid: str, dossier_uid: str | None, label: str) -> PrintJob:
    """`label` names the receipt ("Biên lai AA/26T số 0000004"). A receipt without a dossier (taken
    at the counter for no dossier) has nowhere to record its prints: it prints as an original."""
    paper = PAPERS["receipt"]
    reprint = dossier_uid is not None and was_printed(desk, dossier_uid, "receipt", receipt_uid)

    def printed() -> None:
        if dossier_uid is not None:
            record_printed(desk, dossier_uid, "receipt", receipt_uid, reprint=reprint)

    return PrintJob("receipt", label + (REPRINT_SUFFIX if reprint else ""),
                    lambda size: paper.build(desk, receipt_uid, size, reprint), printed)
