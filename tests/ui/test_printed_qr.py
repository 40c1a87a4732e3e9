"""Issue 12 §4: every paper's QR still decodes at 300 dpi once the page went through the desk's
print path (QtPdf renders it, QPainter draws it on a QPrinter), here a QPrinter writing a PDF."""

import pytest

from PySide6.QtPrintSupport import QPrinter

from app.services import papers
from app.ui.print_engine import print_pdf
from forms.qr import parse_paper_qr
from tests.forms.pdf_tools import qr_codes
from tests.helpers.papers import build_samples


@pytest.fixture(scope="module")
def s(tmp_path_factory):
    samples = build_samples(tmp_path_factory.mktemp("printed") / "p.sqlite")
    yield samples
    samples.desk.db.dispose()


PAPERS = {
    "slip": lambda s: (papers.slip_pdf(s.desk, s.longest), s.longest),
    "supplement": lambda s: (papers.supplement_pdf(s.desk, s.longest), s.longest),
    "refusal": lambda s: (papers.refusal_pdf(s.desk, s.longest_refused), s.longest_refused),
    "apology": lambda s: (papers.apology_pdf(s.desk, s.longest), s.longest),
    "stop": lambda s: (papers.stop_notice_pdf(s.desk, s.longest_stopped), s.longest_stopped),
    "control": lambda s: (papers.control_sheet_pdf(s.desk, s.longest), s.longest),
    "receipt": lambda s: (papers.receipt_pdf(s.desk, s.longest_receipt), s.longest),
}


@pytest.mark.parametrize("kind", PAPERS)
def test_qr_decodes_at_300_dpi_after_printing(s, qapp, tmp_path, kind):
    pdf, uid = PAPERS[kind](s)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    print_pdf(pdf, printer, dpi=300)
    printed = (tmp_path / "printed.pdf").read_bytes()
    code = papers.dossier_detail(s.desk, uid)["dossier"]["code"]
    assert parse_paper_qr(qr_codes(printed, 1, dpi=300)[0]).dossier_code == code
