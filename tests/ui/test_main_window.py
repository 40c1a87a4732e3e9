import pytest

from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon

from app.core.lifecycle import DeadlineState
from app.services.reception import receive_dossier
from app.ui.dossier_model import COL_CODE, COL_DEADLINE, COL_OWNER, DossierTableModel
from app.ui.main_window import MainWindow
from tests.helpers.data import birth, copy_cert


@pytest.fixture
def window(qtbot, desk):
    receive_dossier(desk, birth("Nguyễn Văn Đức", owner_phone="0912345678"))
    receive_dossier(desk, copy_cert("Trần Thị Bình"))
    win = MainWindow(desk)
    qtbot.addWidget(win)
    return win


def test_list_shows_newest_first_and_status_bar_counts_pending(window):
    assert window.model.rowCount() == 2
    assert window.model.index(0, COL_OWNER).data() == "Trần Thị Bình"
    assert "2 thay đổi chờ đồng bộ" in window.status.text()
    assert "máy trạm số 2" in window.status.text()


def test_typing_without_accents_filters_the_list(window, qtbot):
    qtbot.keyClicks(window.search, "nguyen van duc")
    qtbot.waitUntil(lambda: window.model.rowCount() == 1, timeout=2000)
    assert window.model.index(0, COL_OWNER).data() == "Nguyễn Văn Đức"
    assert window.model.index(0, COL_CODE).data().endswith("-2001")
    window.search.clear()
    qtbot.waitUntil(lambda: window.model.rowCount() == 2, timeout=2000)


def test_deadline_is_a_word_not_only_a_colour(window, desk, clock):
    clock.advance(days=2)
    window.refresh()
    texts = {window.model.index(r, COL_DEADLINE).data() for r in range(window.model.rowCount())}
    assert texts == {"Quá hạn"}
    assert window.model.row_at(0).deadline == DeadlineState.OVERDUE
    icon = window.model.index(0, COL_DEADLINE).data(Qt.ItemDataRole.DecorationRole)
    assert isinstance(icon, QIcon) and not icon.isNull()


def test_model_passes_qt_model_tester(qtmodeltester, desk):
    receive_dossier(desk, birth())
    from app.services.queries import list_dossiers
    model = DossierTableModel()
    model.set_rows(list_dossiers(desk))
    qtmodeltester.check(model)
