"""Every file dialog starts in the user's documents folder, never where the database lives.

Even when the desk was started from the database's folder (the working directory), which is where
Qt's dialogs start when given no folder: browsing there makes the dialog open and close the database
file, and on POSIX that drops SQLite's locks in the desk's process (shared/domain.md §13.5).
"""

from pathlib import Path

import pytest

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QFileDialog

from app.services.reception import receive_dossier
from app.ui import folders
from app.ui.dossier_detail import DossierDetail
from app.ui.paper_jobs import dossier_job
from app.ui.print_dialog import SAVE_AS_PDF, PrintDialog
from app.ui.runner import Runner
from tests.helpers.data import marriage_status


@pytest.fixture
def documents(tmp_path, monkeypatch, db_path):
    """A user whose documents folder is "Tài liệu" (XDG user dirs), sitting in the database's folder."""
    home = tmp_path / "home"
    (home / ".config").mkdir(parents=True)
    (home / ".config" / "user-dirs.dirs").write_text('XDG_DOCUMENTS_DIR="$HOME/Tài liệu"\n', encoding="utf-8")
    (home / "Tài liệu").mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.chdir(db_path.parent)
    return home / "Tài liệu"


@pytest.fixture
def asked(monkeypatch):
    """The folder each dialog was told to start in; the dialog itself is cancelled."""
    calls: list[Path] = []

    def record(_parent, _caption, directory, _filter):
        calls.append(Path(directory))
        return "", ""

    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(record))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(record))
    return calls


def test_the_start_folder_is_the_documents_folder(qapp, documents, db_path):
    assert folders.start_folder() == QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    assert Path(folders.start_folder()) == documents != db_path.parent


def test_attaching_a_scan_starts_in_documents(qtbot, desk, db_path, documents, asked):
    detail = DossierDetail(desk, Runner(synchronous=True), receive_dossier(desk, marriage_status()).uid)
    qtbot.addWidget(detail)
    detail.attach()
    assert asked == [documents]


def test_saving_a_paper_as_pdf_starts_in_documents(qtbot, desk, db_path, documents, asked):
    uid = receive_dossier(desk, marriage_status()).uid
    dialog = PrintDialog(dossier_job(desk, "slip", uid), Runner(synchronous=True), printers=[])
    qtbot.addWidget(dialog)
    dialog.printer.setCurrentText(SAVE_AS_PDF)
    dialog.print_button.click()
    assert asked == [documents / "slip.pdf"]
    assert dialog.result() != PrintDialog.DialogCode.Accepted  # cancelled: nothing printed
