import pytest

from PySide6.QtCore import QCoreApplication, QSettings
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QMessageBox

from app.services import papers
from app.services.queries import dossier_detail
from app.ui.paper_jobs import dossier_job
from app.ui.print_dialog import PrintDialog
from app.ui.print_engine import PrintError, print_pdf
from app.ui.runner import Runner
from forms.qr import parse_paper_qr
from tests.forms.pdf_tools import pages, qr_codes, text
from tests.helpers.papers import build_samples


@pytest.fixture
def s(tmp_path, qapp):
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    QCoreApplication.setOrganizationName("MotCuaTest")
    samples = build_samples(tmp_path / "p.sqlite")
    yield samples
    samples.desk.db.dispose()


def pdf_printer(folder):
    made = []

    def factory(name):
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(folder / f"out-{len(made)}.pdf"))
        made.append((name, printer.outputFileName()))
        return printer
    return factory, made


def printed_events(desk, uid):
    return [e["payload"] for e in dossier_detail(desk, uid)["events"] if e["kind"] == "printed"]


def test_engine_prints_every_page_and_the_qr_survives(s, tmp_path):
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    assert print_pdf(papers.slip_pdf(s.desk, s.slip), printer, dpi=200) == 2
    printed = (tmp_path / "printed.pdf").read_bytes()
    assert pages(printed)[0] == 2
    code = dossier_detail(s.desk, s.slip)["dossier"]["code"]
    assert parse_paper_qr(qr_codes(printed, 2, dpi=250)[0]).dossier_code == code


def test_dialog_prints_records_and_marks_a_reprint(s, qtbot, tmp_path):
    factory, made = pdf_printer(tmp_path)
    runner = Runner(synchronous=True)
    first = PrintDialog(dossier_job(s.desk, "receipt", s.slip), runner, printer_factory=factory,
                        printers=["Máy in văn phòng"])
    qtbot.addWidget(first)
    assert "BẢN IN LẠI" not in text(first.pdf)
    first.print_button.click()
    assert first.result() == PrintDialog.DialogCode.Accepted
    assert made[0][0] == "Máy in văn phòng" and pages((tmp_path / "out-0.pdf").read_bytes())[0] == 2  # liên 1 and 2
    assert [e["reprint"] for e in printed_events(s.desk, s.slip)] == [False]
    again = PrintDialog(dossier_job(s.desk, "receipt", s.slip), runner, printer_factory=factory,
                        printers=["Máy in văn phòng"])
    qtbot.addWidget(again)
    assert "(bản in lại)" in again.windowTitle() and "BẢN IN LẠI" in text(again.pdf)
    again.print_button.click()
    assert [e["reprint"] for e in printed_events(s.desk, s.slip)] == [False, True]


def test_a_refused_job_is_not_recorded_and_retry_is_offered(s, qtbot, tmp_path, monkeypatch):
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: asked.append(a) or QMessageBox.StandardButton.Cancel)

    def broken(name):
        printer = QPrinter()
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(tmp_path / "no-such-folder" / "x.pdf"))
        return printer

    dialog = PrintDialog(dossier_job(s.desk, "slip", s.slip), Runner(synchronous=True), printer_factory=broken,
                         printers=["Máy in hỏng"])
    qtbot.addWidget(dialog)
    dialog.print_button.click()
    assert len(asked) == 1 and "Thử in lại" in asked[0][2]
    assert "không thành công" in dialog.status.text()
    assert printed_events(s.desk, s.slip) == []


def test_printer_and_paper_are_remembered_per_kind(s, qtbot, tmp_path):
    factory, _ = pdf_printer(tmp_path)
    runner = Runner(synchronous=True)
    names = ["Máy in A", "Máy in B"]
    slip = PrintDialog(dossier_job(s.desk, "slip", s.slip), runner, printer_factory=factory, printers=names)
    qtbot.addWidget(slip)
    slip.printer.setCurrentText("Máy in B")
    slip.size.setCurrentText("A4")
    slip.print_button.click()
    again = PrintDialog(dossier_job(s.desk, "slip", s.slip), runner, printer_factory=factory, printers=names)
    other = PrintDialog(dossier_job(s.desk, "receipt", s.slip), runner, printer_factory=factory, printers=names)
    qtbot.addWidget(again)
    qtbot.addWidget(other)
    assert (again.printer.currentText(), again.size.currentText()) == ("Máy in B", "A4")
    assert pages(again.pdf)[1] == (595.3, 841.9)
    assert other.printer.currentText() == "Máy in A"


def test_threaded_runner_returns_on_the_gui_thread(qtbot):
    runner = Runner()
    got = []
    runner.run(lambda: 6 * 7, got.append, got.append)
    qtbot.waitUntil(lambda: got == [42], timeout=3000)
    runner.run(lambda: (_ for _ in ()).throw(PrintError("hỏng")), got.append, got.append)
    qtbot.waitUntil(lambda: len(got) == 2, timeout=3000)
    assert isinstance(got[1], PrintError)
