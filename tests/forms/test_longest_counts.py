"""Issue 11 §5: the papers never fail on what the services accept. The counts' own bounds (1,000
pages, 200 copies, confirmed above the usual) with the longest texts: the slip, both copies of the
receipt with its biggest amount in words, the control sheet and the day's log book all print."""

from dataclasses import replace
from datetime import date

import pytest

from app.core.limits import COUNTS, NeedsConfirmation
from app.core.receipts import SeriesSpec
from app.services import papers
from app.services.receipts import issue_receipt
from app.services.reception import receive_dossier
from tests.forms.pdf_tools import A5, pages, text
from tests.helpers.papers import LONGEST_NAME, _longest_input


@pytest.fixture
def biggest(desk):
    from app.services.receipts import add_series

    add_series(desk, SeriesSpec("paper", "01BLP0-001", "AA/26T", 1, 100))
    most = {"pages": COUNTS["pages"].most, "copies": COUNTS["copies"].most}
    form = replace(_longest_input(), **most)
    with pytest.raises(NeedsConfirmation):
        receive_dossier(desk, form)  # above the usual: asked first
    got = receive_dossier(desk, replace(form, confirmed=frozenset(most)))
    receipt = issue_receipt(desk, dossier_uid=got.uid)
    return got, receipt


def test_the_biggest_counts_print_on_the_slip_the_receipt_and_the_log_book(desk, biggest):
    got, receipt = biggest
    assert got.fee_amount == 200 * 200_000  # the page tiers' cap per copy, times the most copies
    slip = papers.slip_pdf(desk, got.uid)
    assert pages(slip) == (2, A5)
    assert LONGEST_NAME in text(slip, 1)
    receipt_pdf = papers.receipt_pdf(desk, receipt.uid)
    assert pages(receipt_pdf) == (2, A5)
    for page in (1, 2):
        body = text(receipt_pdf, page)
        assert "40.000.000" in body and "Bốn mươi triệu đồng" in body
    assert pages(papers.control_sheet_pdf(desk, got.uid))[0] >= 1
    day = date(2026, 11, 18)
    book = papers.log_book_pdf(desk, day, day)
    assert got.code in text(book).replace("\n", "")
