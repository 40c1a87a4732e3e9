"""Print jobs for the papers of a dossier and for the office's registers."""

from __future__ import annotations

from datetime import date
from types import ModuleType

from app.services.clock import to_local
from app.services.desk import Desk
from app.services.printing import PAPERS, record_printed, target_of, was_printed
from app.ui.print_dialog import PrintJob


def _papers() -> ModuleType:
    from app.services import papers  # loaded at the first print: ReportLab is not needed to start

    return papers


def dossier_job(desk: Desk, kind: str, dossier_uid: str) -> PrintJob:
    paper = PAPERS[kind]
    target = target_of(desk, kind, dossier_uid)
    reprint = was_printed(desk, dossier_uid, kind, target)
    label = f"{paper.label} (bản in lại)" if reprint else paper.label
    return PrintJob(kind, label, lambda size: paper.build(desk, target, size, reprint),
                    lambda: record_printed(desk, dossier_uid, kind, target, reprint=reprint))


def log_book_job(desk: Desk, first: date, last: date) -> PrintJob:
    return PrintJob("log", "Sổ theo dõi hồ sơ", lambda size: _papers().log_book_pdf(desk, first, last), lambda: None)


def public_list_job(desk: Desk) -> PrintJob:
    return PrintJob("public_list", "Danh mục thủ tục niêm yết", lambda size: _papers().public_list_pdf(desk),
                    lambda: None)


def today(desk: Desk) -> tuple[date, date]:
    day = to_local(desk.now()).date()
    return day, day


def this_month(desk: Desk) -> tuple[date, date]:
    today = to_local(desk.now()).date()
    return today.replace(day=1), today
