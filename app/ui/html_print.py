"""Printing HTML through QTextDocument and QPrinter: how many Qt apps print. The forms benchmark
uses it as its baseline; the desk itself prints the ReportLab PDFs."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMarginsF
from PySide6.QtGui import QGuiApplication, QPageLayout, QPageSize, QTextDocument
from PySide6.QtPrintSupport import QPrinter


def html_to_pdf(html: str, path: Path) -> None:
    QGuiApplication.instance() or QGuiApplication([])
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    printer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A5), QPageLayout.Orientation.Portrait,
                                      QMarginsF(13, 8, 10, 8), QPageLayout.Unit.Millimeter))
    document = QTextDocument()
    document.setHtml(html)
    document.print_(printer)
