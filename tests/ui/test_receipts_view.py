import pytest

from PySide6.QtCore import QDate

from app.core.receipts import SeriesSpec
from app.services.receipts import add_series, issue_receipt
from app.services.reception import receive_dossier
from app.ui.receipts_view import ReceiptsView
from app.ui.runner import Runner
from tests.helpers.data import copy_cert


@pytest.fixture
def view(qtbot, desk):
    add_series(desk, SeriesSpec("paper", "01BLP0-001", "AA/26T", 1, 40))
    for name in ("Nguyễn Văn An", "Trần Thị Bình"):
        issue_receipt(desk, dossier_uid=receive_dossier(desk, copy_cert(name, pages=2, copies=1)).uid)
    desk.actor = "Lê Văn Hòa"
    issue_receipt(desk, dossier_uid=receive_dossier(desk, copy_cert("Phạm Văn Cường", pages=3, copies=1)).uid)
    widget = ReceiptsView(desk, Runner(synchronous=True))
    widget.day.setDate(QDate(2026, 11, 18))
    qtbot.addWidget(widget)
    return widget


def test_day_list_totals_per_officer_and_stock_warning(view):
    assert view.table.rowCount() == 3
    assert "Nguyễn Thị Lan: <b>8.000 đ</b>" in view.totals.text() and "Lê Văn Hòa: <b>5.000 đ</b>" in view.totals.text()
    assert "còn <b>37</b> số" in view.series.text() and "sắp hết" in view.series.text()
    view.officer.setCurrentText("Lê Văn Hòa")
    assert view.table.rowCount() == 1


def test_void_with_reason_and_replacement(view):
    view.table.selectRow(0)
    view.void_selected(replace=True, reason="Ghi sai tên người nộp")
    states = [view.table.item(r, 7).text() for r in range(view.table.rowCount())]
    numbers = [view.table.item(r, 1).text() for r in range(view.table.rowCount())]
    assert states[0] == "Đã hủy: Ghi sai tên người nộp" and numbers == ["0000001", "0000002", "0000003", "0000004"]
    # The void is not counted; the replacement counts for the officer who issued it (Hòa, at the desk now).
    assert "Nguyễn Thị Lan: <b>4.000 đ</b>" in view.totals.text() and "Lê Văn Hòa: <b>9.000 đ</b>" in view.totals.text()


def test_void_needs_a_reason(view, monkeypatch):
    shown = []
    monkeypatch.setattr("app.ui.receipts_view.show_error", lambda parent, error, *a: shown.append(error))
    view.table.selectRow(1)
    view.void_selected(replace=False, reason="")
    assert "lý do" in shown[0].message and view.table.item(1, 7).text() == "Đã lập"
