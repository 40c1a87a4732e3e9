"""At 1366×768 nothing the official needs is cut off (issue 11 §7): the list's code column shows the
part that tells dossiers apart, names and "Sắp đến hạn" fit on one line, the catalogue fits without
scrolling sideways, the holiday table shows more than three rows."""

from datetime import datetime

import pytest

from PySide6.QtCore import QSettings, Qt

from app.core.lifecycle import DeadlineState, Status
from app.services.reception import receive_dossier
from app.ui.dossier_model import COL_CODE, COL_DEADLINE, COL_DUE, COL_OWNER, COL_STATUS
from app.ui.main_window import MainWindow
from app.ui.runner import Runner
from tests.helpers.data import birth, marriage_status

WINDOW = (1366, 740)  # 768 less the taskbar


@pytest.fixture(autouse=True)
def own_settings(tmp_path):
    """A first start: no column widths saved by an earlier window."""
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "qsettings"))


@pytest.fixture
def window(qtbot, desk, clock):
    receive_dossier(desk, birth("Tôn Nữ Thị Phương Hoàng Ngọc Bích Trâm"))
    clock.set(datetime(2026, 11, 18, 10, 0))
    receive_dossier(desk, marriage_status("Trần Thị Bình"))
    win = MainWindow(desk, Runner(synchronous=True), autostart_sync=False)
    qtbot.addWidget(win)
    win.resize(*WINDOW)
    win.show()
    qtbot.waitExposed(win)
    return win


def fits(view, column, text, extra=0):
    return view.horizontalHeader().sectionSize(column) >= view.fontMetrics().horizontalAdvance(text) + extra + 8


def test_the_list_shows_the_codes_tail_names_and_deadline_words_on_one_line(window):
    window.tabs.setCurrentWidget(window.dossiers)
    table, model = window.dossiers.table, window.model
    code = model.index(0, COL_CODE).data()
    tail = code[code.index("-"):]  # «-261118-2001»: the agency id is the same on every row
    assert fits(table, COL_CODE, "…" + tail)
    assert model.index(0, COL_CODE).data(Qt.ItemDataRole.ToolTipRole) == code
    assert not table.wordWrap()
    for row in range(model.rowCount()):
        assert fits(table, COL_OWNER, model.index(row, COL_OWNER).data())
    assert fits(table, COL_DEADLINE, DeadlineState.DUE_SOON.label, extra=16)
    assert all(fits(table, COL_STATUS, status.label) for status in Status)
    assert fits(table, COL_DUE, model.index(0, COL_DUE).data())
    assert not table.horizontalScrollBar().isVisible()


def test_the_catalogue_fits_without_scrolling_sideways(window, qtbot):
    view = window.settings_view
    window.tabs.setCurrentWidget(view)
    view.sections.setCurrentIndex(0)
    qtbot.waitUntil(lambda: view.catalogue.isVisible())
    table = view.catalogue
    assert not table.horizontalScrollBar().isVisible()
    total = sum(table.horizontalHeader().sectionSize(c) for c in range(table.columnCount()))
    assert total <= table.viewport().width()
    assert table.rowViewportPosition(2) + table.rowHeight(2) <= table.viewport().height()  # 3+ rows in view


def test_the_holiday_table_shows_more_than_three_rows(window, qtbot):
    view = window.settings_view
    window.tabs.setCurrentWidget(view)
    view.sections.setCurrentIndex(2)
    qtbot.waitUntil(lambda: view.holidays.isVisible())
    rows = view.holidays.viewport().height() // view.holidays.rowHeight(0)
    assert view.holidays.rowCount() > 3 and rows > 3


def test_every_screen_fits_the_window(window, qtbot):
    for index in range(window.tabs.count()):
        window.tabs.setCurrentIndex(index)
        page = window.tabs.currentWidget()
        assert page.minimumSizeHint().width() <= WINDOW[0], window.tabs.tabText(index)
        assert page.minimumSizeHint().height() <= window.tabs.height(), window.tabs.tabText(index)
