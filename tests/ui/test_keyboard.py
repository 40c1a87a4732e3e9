"""The desk by keyboard and scanner alone (issue 11 §1, §5, §8): real key events on the real window
offscreen; no slot or service is called to make something happen."""

import re

import pytest

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton, QStackedWidget

from app.core.receipts import SeriesSpec
from app.services.queries import dossier_detail, search_dossiers
from app.services.receipts import add_series
from app.ui.dossier_detail import DossierDetail
from app.ui.main_window import MainWindow
from app.ui.runner import Runner
from app.ui.sync_view import EnrollDialog
from app.ui.widgets import mnemonic_letter

QR = "038190001234|123456789|Lê Thị Hồng|12031990|Nữ|Thôn Đông, xã Quảng Phú|01072022"


@pytest.fixture
def window(qtbot, desk):
    add_series(desk, SeriesSpec("paper", "01BLP0-001", "AA/26T", 1, 100))
    win = MainWindow(desk, Runner(synchronous=True), autostart_sync=False)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    win.activateWindow()
    return win


def focused():
    return QApplication.focusWidget()


def key(widget, k, modifier=Qt.KeyboardModifier.NoModifier):
    QTest.keyClick(widget, k, modifier)


def types(widget, text):
    """One key event per character with its text, as a keyboard-wedge scanner sends them."""
    for char in text:
        QTest.sendKeyEvent(QTest.KeyAction.Click, widget, Qt.Key.Key_unknown, char, Qt.KeyboardModifier.NoModifier)


def receive(qtbot, window, procedure="chung thuc chu ky", name="Phạm Văn Dũng"):
    view = window.reception
    window.reception.print_now.setChecked(False)
    qtbot.keyClicks(focused(), procedure)
    key(focused(), Qt.Key.Key_Return)
    key(focused(), Qt.Key.Key_Tab)
    assert focused() is view.owner_name
    types(focused(), name)
    key(focused(), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)


def test_typing_the_procedure_works_at_once(window, qtbot):
    assert focused() is window.reception.procedure_search
    qtbot.keyClicks(focused(), "chung thuc ban sao")
    assert window.reception.current_procedure().code == "2.000815"


def test_ctrl_digits_switch_screens_from_anywhere_and_put_the_keyboard_where_work_starts(window):
    key(focused(), Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentWidget() is window.dossiers and focused() is window.dossiers.search
    for index in range(2, window.tabs.count()):
        key(focused(), getattr(Qt.Key, f"Key_{index + 1}"), Qt.KeyboardModifier.ControlModifier)
        assert window.tabs.currentIndex() == index
    key(focused(), Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentWidget() is window.reception and focused() is window.reception.procedure_search


def test_tab_enters_and_leaves_the_documents_table_arrows_and_space_work_inside(window, qtbot):
    view = window.reception
    qtbot.keyClicks(focused(), "chung thuc ban sao")
    view.documents.setFocus()
    assert view.documents.rowCount() >= 2
    first = view.documents.item(0, 0).checkState()
    key(view.documents, Qt.Key.Key_Space)
    assert view.documents.item(0, 0).checkState() != first  # Space ticks or unticks the paper
    key(view.documents, Qt.Key.Key_Down)
    assert view.documents.currentRow() == 1 and focused() is view.documents
    key(view.documents, Qt.Key.Key_Tab)
    assert focused() is not view.documents and not view.documents.isAncestorOf(focused())
    key(focused(), Qt.Key.Key_Backtab)
    assert focused() is view.documents


def test_a_documents_count_is_edited_by_typing(window, qtbot):
    view = window.reception
    qtbot.keyClicks(focused(), "chung thuc ban sao")
    view.documents.setFocus()
    view.documents.setCurrentCell(0, 2)
    key(view.documents, Qt.Key.Key_F2)
    editor = focused()
    assert view.documents.isAncestorOf(editor)
    key(editor, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(editor, "3")
    key(editor, Qt.Key.Key_Return)  # Qt commits a cell's edit on the next turn of the event loop
    qtbot.waitUntil(lambda: view.documents.item(0, 2).data(Qt.ItemDataRole.EditRole) == 3, timeout=2000)
    assert focused() is view.documents
    view.documents.setCurrentCell(1, 1)
    before = view.documents.item(1, 1).text()
    key(view.documents, Qt.Key.Key_F2)  # the form of a paper: a list, Down picks the next one
    key(focused(), Qt.Key.Key_Down)
    key(focused(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.documents.item(1, 1).text() != before, timeout=2000)
    assert [d.form for d in view.form().documents][1] == view.documents.item(1, 1).data(Qt.ItemDataRole.UserRole)


@pytest.mark.parametrize("field", ["owner_name", "birth", "phone", "address", "pages", "procedure_search"])
def test_a_card_scanned_into_any_field_lands_in_the_scan_box(window, qtbot, desk, field):
    view = window.reception
    qtbot.keyClicks(view.procedure_search, "chung thuc ban sao")
    key(view.procedure_search, Qt.Key.Key_Return)
    widget = getattr(view, field)
    widget.setFocus()
    before = widget.text()
    types(widget, QR)  # every key to the field the caret was in, as keyClicks does
    key(widget, Qt.Key.Key_Return)
    assert view.owner_name.text() == "Lê Thị Hồng" and view.cccd.text() == "038190001234"
    assert view.birth.text() == "12/03/1990" and view.sex.currentText() == "Nữ"
    if field not in ("owner_name", "birth", "address"):
        assert widget.text() == before  # the field is as it was before the scanner's digits
    assert focused() is view.phone
    assert view.scan.text() == ""  # the raw string is not kept


def test_a_real_scanner_follows_the_focus_into_the_scan_box(window, qtbot):
    view = window.reception
    view.phone.setFocus()
    for char in QR:  # a wedge scanner types into whatever has the focus at each key
        QTest.sendKeyEvent(QTest.KeyAction.Click, focused(), Qt.Key.Key_unknown, char, Qt.KeyboardModifier.NoModifier)
    key(focused(), Qt.Key.Key_Return)
    assert view.owner_name.text() == "Lê Thị Hồng" and view.phone.text() == ""


def test_enter_or_down_in_the_list_search_goes_to_the_results_and_enter_opens_one_window(window, qtbot, desk):
    receive(qtbot, window)
    key(focused(), Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(focused(), "pham van dung")
    qtbot.waitUntil(lambda: window.model.rowCount() == 1, timeout=2000)
    key(focused(), Qt.Key.Key_Down)
    assert focused() is window.dossiers.table and window.dossiers.table.currentIndex().row() == 0
    window.dossiers.search.setFocus()
    key(focused(), Qt.Key.Key_Return)
    assert focused() is window.dossiers.table
    key(focused(), Qt.Key.Key_Return)
    detail = QApplication.activeModalWidget() or next(w for w in window.findChildren(DossierDetail) if w.isVisible())
    assert isinstance(detail, DossierDetail) and len(window.details) == 1
    window.activateWindow()
    window.dossiers.table.setFocus()
    key(window.dossiers.table, Qt.Key.Key_Return)  # the same dossier again: the open window is raised
    assert len([w for w in window.findChildren(DossierDetail) if w.isVisible()]) == 1
    key(detail, Qt.Key.Key_Escape)
    assert not detail.isVisible() and window.details == {}


def test_a_reception_ends_with_a_banner_naming_the_code_and_the_keyboard_back_in_the_search(window, qtbot, desk):
    receive(qtbot, window)
    [row] = search_dossiers(desk, "pham van dung")
    banner = window.reception.banner.text()
    assert f"Đã tiếp nhận hồ sơ {row.code}." in banner and "Biên lai số 0000001 (AA/26T): 10.000 đ." in banner
    assert "Chưa in giấy tờ nào." in banner
    assert focused() is window.reception.procedure_search


def on_screen_together(button):
    """The innermost tab page holding the button: what is on screen with it (a screen may have tabs)."""
    widget = button
    while widget.parentWidget() is not None and not isinstance(widget.parentWidget(), QStackedWidget):
        widget = widget.parentWidget()
    return widget


def test_every_button_shows_an_alt_letter_unique_on_its_screen(window, qtbot):
    menu = {mnemonic_letter(a.text()) for a in window.menuBar().actions()}
    for index in range(window.tabs.count()):
        window.tabs.setCurrentIndex(index)  # a screen is built when first shown (issue 14)
        page = window.tabs.widget(index)
        buttons = [b for b in page.findChildren(QPushButton) if b.text()]
        assert all(mnemonic_letter(b.text()) for b in buttons), [b.text() for b in buttons]
        for screen in {on_screen_together(b) for b in buttons}:
            letters = [mnemonic_letter(b.text()) for b in buttons if on_screen_together(b) is screen]
            assert len(letters) == len(set(letters)) and not set(letters) & menu, window.tabs.tabText(index)


def test_the_dossier_windows_buttons_have_letters_and_the_first_step_has_the_keyboard(window, qtbot, desk):
    receive(qtbot, window)
    [row] = search_dossiers(desk, "pham van dung")
    detail = window.open_detail(row.uid)
    buttons = [b for b in detail.findChildren(QPushButton) if b.isVisible()]
    letters = [mnemonic_letter(b.text()) for b in buttons]
    assert all(letters) and len(letters) == len(set(letters))
    qtbot.waitUntil(lambda: focused() in detail.action_buttons.values(), timeout=2000)


def test_an_error_goes_once_its_field_is_fixed_and_names_the_unprintable_character(window, qtbot):
    view = window.reception
    view.owner_name.setFocus()
    types(view.owner_name, "Lê Thị 😀")
    error = view.errors["owner_name"]
    assert not error.isHidden() and "U+1F600" in error.text()
    key(view.owner_name, Qt.Key.Key_Backspace)
    assert error.isHidden()


def test_a_typed_birth_date_that_disagrees_with_the_cccd_warns_at_the_field_then_asks(window, qtbot, desk):
    view = window.reception
    view.print_now.setChecked(False)
    qtbot.keyClicks(focused(), "chung thuc chu ky")
    key(focused(), Qt.Key.Key_Return)
    view.owner_name.setFocus()
    types(view.owner_name, "Lê Thị Hồng")
    view.cccd.setFocus()
    qtbot.keyClicks(view.cccd, "038190001234")
    assert view.sex.currentText() == "Nữ"  # the 4th digit says it
    view.birth.setFocus()
    qtbot.keyClicks(view.birth, "12031991")  # ddmmyyyy, one year off the card
    warning = view.errors["cccd"]
    assert not warning.isHidden() and "năm sinh 1990" in warning.text()
    key(view.birth, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert isinstance(view.question, QMessageBox) and "Vẫn tiếp nhận" in view.question.text()
    assert search_dossiers(desk, "le thi hong") == []
    key(view.question, Qt.Key.Key_Escape)  # back to correct it
    assert focused() is view.cccd
    view.birth.setFocus()
    view.birth.selectAll()
    qtbot.keyClicks(view.birth, "12031990")
    assert warning.isHidden()  # fixed: the warning goes
    key(view.birth, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    [row] = search_dossiers(desk, "le thi hong")
    assert str(dossier_detail(desk, row.uid)["dossier"]["owner_birth_date"]) == "1990-03-12"


def test_many_copies_are_confirmed_with_enter(window, qtbot, desk):
    view = window.reception
    view.print_now.setChecked(False)
    qtbot.keyClicks(focused(), "chung thuc ban sao")
    key(focused(), Qt.Key.Key_Return)
    view.owner_name.setFocus()
    types(view.owner_name, "Trần Văn Nam")
    view.copies.setFocus()
    view.copies.selectAll()
    qtbot.keyClicks(view.copies, "25")
    assert "nhiều hơn thường lệ" in view.errors["copies"].text()
    key(view.copies, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert re.search(r"Số bản là 25", view.question.text())
    key(view.question, Qt.Key.Key_Return)
    [row] = search_dossiers(desk, "tran van nam")
    assert dossier_detail(desk, row.uid)["dossier"]["copies"] == 25


def test_sync_now_on_an_unenrolled_desk_explains_enrollment_with_its_button(window, qtbot):
    key(focused(), Qt.Key.Key_F9)
    box = window.enroll_question
    assert box is not None and box.isVisible() and "chưa đăng ký" in box.text() and "mã đăng ký" in box.text()
    assert box.text().count(".") <= 2  # one sentence, not a manual
    key(box, Qt.Key.Key_Return)
    assert window.tabs.currentWidget() is window.sync_view
    assert any(isinstance(w, EnrollDialog) and w.isVisible() for w in window.findChildren(EnrollDialog))


def test_the_citizens_card_scanned_into_the_list_search_finds_their_dossiers(window, qtbot, desk):
    view = window.reception
    qtbot.keyClicks(view.procedure_search, "chung thuc ban sao")
    key(view.procedure_search, Qt.Key.Key_Return)
    view.print_now.setChecked(False)
    types(view.scan, QR)
    key(view.scan, Qt.Key.Key_Return)
    key(focused(), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    receive(qtbot, window)  # another citizen
    key(focused(), Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    types(focused(), QR)  # the scanner, into the list's search box
    qtbot.waitUntil(lambda: window.model.rowCount() == 1, timeout=3000)
    assert window.model.row_at(0).owner_name == "Lê Thị Hồng"


def test_no_table_of_any_screen_traps_tab(window):
    from PySide6.QtWidgets import QAbstractItemView

    for index in range(window.tabs.count()):  # every screen, built when first shown (issue 14)
        window.tabs.setCurrentIndex(index)
    views = window.findChildren(QAbstractItemView)
    assert len(views) >= 6 and not [v for v in views if v.tabKeyNavigation()]
