from datetime import datetime

import pytest

from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon

from app.core.lifecycle import DeadlineState
from app.services.queries import list_dossiers
from app.services.reception import receive_dossier
from app.ui.dossier_model import COL_CODE, COL_DEADLINE, COL_OWNER, DossierTableModel
from app.ui.main_window import MainWindow
from app.ui.runner import Runner
from tests.helpers.data import birth, marriage_status


@pytest.fixture
def window(qtbot, desk, clock):
    receive_dossier(desk, birth("Nguyễn Văn Đức", owner_phone="0912345678"))  # same day: due 17:00 today
    clock.set(datetime(2026, 11, 18, 10, 0))
    receive_dossier(desk, marriage_status("Trần Thị Bình"))  # three working days
    win = MainWindow(desk, Runner(synchronous=True))
    qtbot.addWidget(win)
    return win


def test_due_soon_dossiers_come_first_then_the_newest(window):
    assert window.model.rowCount() == 2
    assert window.model.index(0, COL_OWNER).data() == "Nguyễn Văn Đức"  # older, but due today
    assert window.model.index(0, COL_DEADLINE).data() == "Sắp đến hạn"
    assert window.model.index(1, COL_OWNER).data() == "Trần Thị Bình"
    assert "1 hồ sơ sắp đến hạn hoặc quá hạn" in window.dossiers.count_label.text()


def test_status_bar_names_the_workstation_and_pending_changes(window):
    assert "2 thay đổi chờ đồng bộ" in window.status.text()
    assert "máy trạm số 2" in window.status.text()


def test_typing_without_accents_filters_the_list(window, qtbot):
    qtbot.keyClicks(window.search, "nguyen van duc")
    qtbot.waitUntil(lambda: window.model.rowCount() == 1, timeout=2000)
    assert window.model.index(0, COL_OWNER).data() == "Nguyễn Văn Đức"
    assert window.model.index(0, COL_CODE).data().endswith("-2001")
    window.search.clear()
    qtbot.waitUntil(lambda: window.model.rowCount() == 2, timeout=2000)


def test_filters_by_deadline_state(window, qtbot, clock):
    clock.set(datetime(2026, 11, 18, 17, 30))
    window.dossiers.deadline.setCurrentText("Quá hạn")
    qtbot.waitUntil(lambda: window.model.rowCount() == 1, timeout=2000)
    assert window.model.index(0, COL_OWNER).data() == "Nguyễn Văn Đức"
    window.dossiers.deadline.setCurrentText("Mọi thời hạn")
    window.dossiers.status.setCurrentText("Đã trả kết quả")
    qtbot.waitUntil(lambda: window.model.rowCount() == 0, timeout=2000)


def test_deadline_is_a_word_and_an_icon_not_only_a_colour(window, clock):
    clock.advance(days=2)
    window.refresh()
    texts = {window.model.index(r, COL_DEADLINE).data() for r in range(window.model.rowCount())}
    assert "Quá hạn" in texts
    assert window.model.row_at(0).deadline == DeadlineState.OVERDUE
    icon = window.model.index(0, COL_DEADLINE).data(Qt.ItemDataRole.DecorationRole)
    assert isinstance(icon, QIcon) and not icon.isNull()


def test_model_passes_qt_model_tester(qtmodeltester, desk):
    receive_dossier(desk, birth())
    model = DossierTableModel()
    model.set_rows(list_dossiers(desk))
    qtmodeltester.check(model)


def test_column_widths_and_geometry_survive_a_restart(qtbot, desk, tmp_path):
    from PySide6.QtCore import QCoreApplication, QSettings

    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path))
    QCoreApplication.setOrganizationName("MotCuaTest")
    first = MainWindow(desk, Runner(synchronous=True))
    qtbot.addWidget(first)
    first.show()
    qtbot.waitExposed(first)
    first.dossiers.table.setColumnWidth(COL_CODE, 333)
    first.close()
    second = MainWindow(desk, Runner(synchronous=True))
    qtbot.addWidget(second)
    assert second.dossiers.table.columnWidth(COL_CODE) == 333


def test_scanning_a_slip_into_the_search_box_finds_its_dossier(window, qtbot, desk):
    from app.services.queries import list_dossiers
    from forms.qr import PaperQr

    target = list_dossiers(desk)[-1]  # the older one
    payload = PaperQr(target.code, "1.001193", "", "Giấy tiếp nhận hồ sơ và hẹn trả kết quả", "Một cửa",
                      datetime(2026, 11, 18, 9, 0)).payload()
    window.search.setText(payload)
    qtbot.waitUntil(lambda: window.model.rowCount() == 1, timeout=2000)
    assert window.model.row_at(0).code == target.code


def test_a_paper_that_cannot_be_printed_yet_says_why(window):
    from PySide6.QtWidgets import QMessageBox

    from app.ui.paper_jobs import dossier_job

    uid = window.model.row_at(0).uid
    assert window.open_print(lambda: dossier_job(window.desk, "refusal", uid)) is None
    boxes = [b for b in window.findChildren(QMessageBox) if b.isVisible()]
    assert len(boxes) == 1 and "chưa có bước này" in boxes[0].text()
