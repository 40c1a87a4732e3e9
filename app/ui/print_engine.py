"""Sending a PDF to a printer: each page rendered by QtPdf, painted on white (QtPdf renders with a
transparent background), then drawn onto the QPrinter. Safe to call from a worker thread: QPainter
may paint on a QPrinter and QImage outside the GUI thread."""

from __future__ import annotations

import tempfile
from pathlib import Path

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter

PRINT_DPI = 300  # 600 takes four times longer and a laser prints a form no better


class PrintError(Exception):
    """The printer did not accept the job; the message is for the official."""


def _white_page(document: QPdfDocument, page: int, dpi: int) -> QImage:
    points = document.pagePointSize(page)
    size = QSize(round(points.width() * dpi / 72), round(points.height() * dpi / 72))
    rendered = document.render(page, size)
    image = QImage(size, QImage.Format.Format_RGB32)
    image.fill(Qt.GlobalColor.white)
    painter = QPainter(image)
    painter.drawImage(0, 0, rendered)
    painter.end()
    return image


def print_pdf(pdf: bytes, printer: QPrinter, *, dpi: int = PRINT_DPI) -> int:
    """Prints every page; returns how many. Raises PrintError when the printer refuses the job."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "job.pdf"
        path.write_bytes(pdf)
        document = QPdfDocument()
        if document.load(str(path)) != QPdfDocument.Error.None_:
            raise PrintError("Không đọc được tài liệu cần in.")
        printer.setFullPage(True)
        painter = QPainter()
        if not painter.begin(printer):
            raise PrintError("Máy in không nhận lệnh in. Hãy kiểm tra máy in đã bật, còn giấy và đã kết nối.")
        try:
            for page in range(document.pageCount()):
                if page and not printer.newPage():
                    raise PrintError("Máy in dừng giữa chừng khi sang trang mới.")
                target = QRectF(printer.pageRect(QPrinter.Unit.DevicePixel))
                painter.drawImage(target, _white_page(document, page, dpi))
        finally:
            accepted = painter.end()
        count = document.pageCount()
        document.close()
    if not accepted:
        raise PrintError("Máy in không hoàn tất lệnh in.")
    return count
