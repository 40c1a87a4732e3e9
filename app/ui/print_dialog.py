"""Preview a paper and print it: printer, copies, paper size and orientation, remembered per kind
of paper. The print runs off the GUI thread; the paper counts as printed only when the printer
accepted the job, and a failure says so and offers to try again."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtGui import QPageLayout, QPageSize
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.ui.errors import message_for, show_error
from app.ui.folders import start_file
from app.ui.print_engine import PrintError, print_pdf
from app.ui.runner import Runner

SAVE_AS_PDF = "Lưu thành tệp PDF…"
SIZES = {"A5": QPageSize.PageSizeId.A5, "A4": QPageSize.PageSizeId.A4}
ORIENTATIONS = {"Dọc": QPageLayout.Orientation.Portrait, "Ngang": QPageLayout.Orientation.Landscape}


@dataclass
class PrintJob:
    kind: str  # remembered settings are per kind
    label: str
    render: Callable[[str], bytes]  # paper size -> PDF
    on_printed: Callable[[], None]  # records the print (the caller's service call)


PrinterFactory = Callable[[str], QPrinter]


def system_printer(name: str) -> QPrinter:
    printer = QPrinter(QPrinterInfo.printerInfo(name), QPrinter.PrinterMode.HighResolution)
    return printer


class PrintDialog(QDialog):
    def __init__(self, job: PrintJob, runner: Runner, *, printer_factory: PrinterFactory = system_printer,
                 printers: list[str] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.job, self.runner, self.printer_factory = job, runner, printer_factory
        self.setWindowTitle(f"In: {job.label}")
        self.settings = QSettings()
        self.pdf = b""
        self.failed = False
        self.document = QPdfDocument(self)
        self.view = QPdfView(self)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitInView)
        self._temp = tempfile.TemporaryDirectory()
        self._build_controls(QPrinterInfo.availablePrinterNames() if printers is None else printers)
        layout = QHBoxLayout(self)
        layout.addWidget(self.view, 3)
        layout.addWidget(self.panel, 1)
        self.resize(1000, 700)
        self._restore()
        self.refresh()

    def _build_controls(self, printers: list[str]) -> None:
        self.printer = QComboBox()
        self.printer.addItems([*printers, SAVE_AS_PDF])
        self.copies = QSpinBox(minimum=1, maximum=20, value=1)
        self.size = QComboBox()
        self.size.addItems(list(SIZES))
        self.orientation = QComboBox()
        self.orientation.addItems(list(ORIENTATIONS))
        self.status = QLabel(wordWrap=True)
        self.print_button = QPushButton("&In")
        self.print_button.setDefault(True)
        close = QPushButton("Đó&ng")
        form = QFormLayout()
        form.addRow("Máy in", self.printer)
        form.addRow("Số bản", self.copies)
        form.addRow("Khổ giấy", self.size)
        form.addRow("Hướng giấy", self.orientation)
        self.panel = QWidget()
        column = QVBoxLayout(self.panel)
        column.addLayout(form)
        column.addWidget(self.status)
        column.addStretch(1)
        column.addWidget(self.print_button)
        column.addWidget(close)
        self.size.currentTextChanged.connect(self.refresh)
        self.print_button.clicked.connect(self.start_print)
        close.clicked.connect(self.reject)

    def _key(self, name: str) -> str:
        return f"printing/{self.job.kind}/{name}"

    def _restore(self) -> None:
        for combo, name in ((self.printer, "printer"), (self.size, "size"), (self.orientation, "orientation")):
            saved = self.settings.value(self._key(name))
            if saved and combo.findText(str(saved)) >= 0:
                combo.setCurrentText(str(saved))

    def _remember(self) -> None:
        for combo, name in ((self.printer, "printer"), (self.size, "size"), (self.orientation, "orientation")):
            self.settings.setValue(self._key(name), combo.currentText())

    def refresh(self) -> None:
        """Renders off the GUI thread: a month's log book takes seconds."""
        size = self.size.currentText()
        self.print_button.setEnabled(False)
        self.status.setText("Đang chuẩn bị bản xem trước…")
        self.runner.run(lambda: self.job.render(size), lambda pdf: self._show(size, pdf), self._render_failed)

    def _show(self, size: str, pdf: bytes) -> None:
        if size != self.size.currentText():
            return  # the official chose another size meanwhile; that render is on its way
        self.pdf = pdf
        path = Path(self._temp.name) / f"preview-{size}.pdf"
        path.write_bytes(pdf)
        self.document.load(str(path))
        self.status.setText("")
        self.print_button.setEnabled(True)

    def _render_failed(self, error: Exception) -> None:
        """This paper cannot be printed yet (e.g. the step it records has not happened): say why."""
        self.failed = True
        show_error(self.parentWidget(), error, "Chưa thể in")
        self.reject()

    def _make_printer(self) -> QPrinter | None:
        name = self.printer.currentText()
        if name == SAVE_AS_PDF:
            target, _ = QFileDialog.getSaveFileName(self, "Lưu thành tệp PDF", start_file(f"{self.job.kind}.pdf"),
                                                    "PDF (*.pdf)")
            if not target:
                return None
            printer = QPrinter(QPrinter.PrinterMode.HighResolution)
            printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
            printer.setOutputFileName(target)
        else:
            printer = self.printer_factory(name)
        printer.setCopyCount(self.copies.value())
        printer.setPageSize(QPageSize(SIZES[self.size.currentText()]))
        printer.setPageOrientation(ORIENTATIONS[self.orientation.currentText()])
        return printer

    def start_print(self) -> None:
        printer = self._make_printer()
        if printer is None:
            return
        self._remember()
        self.print_button.setEnabled(False)
        self.status.setText("Đang gửi lệnh in…")
        pdf = self.pdf
        self.runner.run(lambda: print_pdf(pdf, printer), self._printed, self._failed)

    def _printed(self, pages: int) -> None:
        self.runner.run(self.job.on_printed, lambda _: self._done(pages), self._failed)

    def _done(self, pages: int) -> None:
        self.status.setText(f"Đã in {pages} trang.")
        self.print_button.setEnabled(True)
        self.accept()

    def _failed(self, error: Exception) -> None:
        self.print_button.setEnabled(True)
        reason = str(error) if isinstance(error, PrintError) else message_for(error)  # never English or a trace
        self.status.setText(f"In không thành công: {reason}")
        again = QMessageBox.question(self, "In không thành công", f"{reason}\n\nThử in lại?",
                                     QMessageBox.StandardButton.Retry | QMessageBox.StandardButton.Cancel)
        if again == QMessageBox.StandardButton.Retry:
            self.start_print()
