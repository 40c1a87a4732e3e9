"""The receipts screen driven with key presses: Tab, the arrows, Alt+mnemonics, typing and Enter."""

import pytest

from PySide6.QtCore import QCoreApplication, QSettings, Qt
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from app.core.receipts import SeriesSpec
from app.services.queries import dossier_detail
from app.services.receipts import add_series, issue_receipt, series_status
from app.services.reception import receive_dossier
from app.ui.receipts_view import ReceiptsView
from app.ui.runner import Runner
from tests.forms.pdf_tools import text
from tests.helpers.data import copy_cert

ALT, CTRL = Qt.KeyboardModifier.AltModifier, Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def printed(tmp_path):
    """A printer that writes PDF files, so "printing" is real and can be read back."""
    made = []

    def factory(name):
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(tmp_path / f"out-{len(made)}.pdf"))
        made.append(printer.outputFileName())
        return printer
    return factory, made


@pytest.fixture
def view(qtbot, desk, tmp_path, printed, qapp):
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    QCoreApplication.setOrganizationName("MotCuaTest")
    add_series(desk, SeriesSpec("paper", "01BLP0-001", "AA/26T", 1, 40))
    for name in ("Nguyễn Văn An", "Trần Thị Bình"):
        issue_receipt(desk, dossier_uid=receive_dossier(desk, copy_cert(name, pages=2, copies=1)).uid)
    desk.actor = "Lê Văn Hòa"
    issue_receipt(desk, dossier_uid=receive_dossier(desk, copy_cert("Phạm Văn Cường", pages=3, copies=1)).uid)
    widget = ReceiptsView(desk, Runner(synchronous=True), printer_factory=printed[0], printers=["Máy in văn phòng"])
    qtbot.addWidget(widget)
    widget.resize(1300, 700)
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is widget)
    return widget


def alt(qtbot, view, key):
    """Alt+letter on the screen, as the official presses it once the screen's window is active
    again (a window manager gives activation back to the parent when a dialog closes)."""
    view.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is view)
    qtbot.keyClick(QApplication.focusWidget() or view, key, ALT)


def active_dialog(qtbot, view):
    qtbot.waitUntil(lambda: view.dialog is not None and view.dialog.isVisible())
    dialog = view.dialog
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    return dialog


def types(widget, value):
    """One key event per character with its text, Vietnamese included, as a keyboard with a
    Vietnamese input method sends them (QTest.keyClicks handles only ASCII)."""
    for char in value:
        QTest.sendKeyEvent(QTest.KeyAction.Click, widget, Qt.Key.Key_unknown, char, Qt.KeyboardModifier.NoModifier)


def type_into(qtbot, widget, value):
    """Select what the field holds (Ctrl+A) and type over it."""
    widget.setFocus()
    qtbot.keyClick(widget, Qt.Key.Key_A, CTRL)
    types(widget, value)


def to_row(qtbot, view, row):
    """Tab into the list, Home to the first receipt, Down to the wanted one."""
    view.officer.setFocus()
    while not view.table.hasFocus():
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    qtbot.keyClick(view.table, Qt.Key.Key_Home)
    for _ in range(row):
        qtbot.keyClick(view.table, Qt.Key.Key_Down)
    assert view.selected() is view.lines[row]


def opened_preview(qtbot, view, before):
    """A mnemonic clicks its button after a short animation: wait for the preview it opens."""
    qtbot.waitUntil(lambda: view.print_dialog is not None and view.print_dialog is not before)
    return view.print_dialog


def rows(view, column):
    return [view.table.item(r, column).text() for r in range(view.table.rowCount())]


def test_day_list_totals_per_officer_and_stock_warning(view):
    assert view.table.rowCount() == 3
    assert "Nguyễn Thị Lan: <b>8.000 đ</b>" in view.totals.text() and "Lê Văn Hòa: <b>5.000 đ</b>" in view.totals.text()
    assert "còn <b>37</b> số" in view.series.text() and "sắp hết" in view.series.text()
    view.officer.setCurrentText("Lê Văn Hòa")
    assert view.table.rowCount() == 1


def test_tab_enters_and_leaves_the_list_and_arrows_move_inside(qtbot, view):
    to_row(qtbot, view, 0)
    qtbot.keyClick(view.table, Qt.Key.Key_Down)
    assert view.selected() is view.lines[1] and view.table.hasFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_Tab)
    assert not view.table.hasFocus() and view.summary_buttons["xml"].hasFocus()
    qtbot.keyClick(view.summary_buttons["xml"], Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    assert view.table.hasFocus()


def test_every_button_has_a_mnemonic(view):
    buttons = (view.print_button, view.replace_button, view.void_button, view.range_button,
               *view.summary_buttons.values())
    for button in buttons:
        assert "&" in button.text()
    letters = [b.text()[b.text().index("&") + 1].lower() for b in buttons]
    assert len(set(letters)) == len(letters)


def test_enter_a_range_by_hand_and_an_overlap_is_refused(qtbot, view, desk):
    alt(qtbot, view, Qt.Key.Key_D)
    dialog = active_dialog(qtbot, view)
    assert dialog.kind.hasFocus() or dialog.kind.currentData() == "paper"
    type_into(qtbot, dialog.template, "01BLP0-001")
    qtbot.keyClick(dialog.template, Qt.Key.Key_Tab)
    types(dialog.series, "aa/26t")  # upper-cased by the service
    type_into(qtbot, dialog.first, "41")
    type_into(qtbot, dialog.last, "200")
    type_into(qtbot, dialog.notice_number, "05/TB-UBND")
    qtbot.keyClick(dialog.notice_number, Qt.Key.Key_Return)
    assert not dialog.isVisible()
    assert "AA/26T số 0000041–0000200 (theo Thông báo số 05/TB-UBND ngày 18/11/2026): còn <b>160</b> số" \
        in view.series.text()
    assert "Đã ghi dải số AA/26T" in view.message.text()

    alt(qtbot, view, Qt.Key.Key_D)
    again = active_dialog(qtbot, view)
    assert again is not dialog
    type_into(qtbot, again.template, "01BLP0-001")
    type_into(qtbot, again.series, "AA/26T")
    type_into(qtbot, again.first, "30")
    type_into(qtbot, again.last, "60")
    type_into(qtbot, again.notice_number, "06/TB-UBND")
    qtbot.keyClick(again.notice_number, Qt.Key.Key_Return)
    assert again.isVisible()  # back to the administrator, nothing written
    assert again.error.text() == ("Dải số 0000030–0000060 trùng với dải 01BLP0-001 AA/26T số 0000001–0000040 đã có.")
    assert len(series_status(desk)) == 2
    qtbot.keyClick(again, Qt.Key.Key_Escape)
    assert not again.isVisible() and len(series_status(desk)) == 2


def test_range_without_its_notice_is_refused(qtbot, view, desk):
    alt(qtbot, view, Qt.Key.Key_D)
    dialog = active_dialog(qtbot, view)
    type_into(qtbot, dialog.template, "01BLP0-001")
    type_into(qtbot, dialog.series, "AB/26T")
    type_into(qtbot, dialog.last, "100")
    qtbot.keyClick(dialog.last, Qt.Key.Key_Return)
    assert dialog.isVisible() and "số của thông báo phát hành" in dialog.error.text()
    assert dialog.notice_number.hasFocus() and len(series_status(desk)) == 1


def test_void_and_replace_with_a_corrected_amount(qtbot, view, desk, printed):
    wrong = receive_dossier(desk, copy_cert("Đỗ Thị Mai", pages=5, copies=3))
    issue_receipt(desk, dossier_uid=wrong.uid)
    view.reload()
    assert rows(view, 6)[3] == "21.000 đ"
    to_row(qtbot, view, 3)
    alt(qtbot, view, Qt.Key.Key_T)
    dialog = active_dialog(qtbot, view)
    # Both numbers: the wrong one (voided) and the one the replacement takes.
    assert dialog.old_number.text() == "<b>01BLP0-001 AA/26T số 0000004</b> (21.000 đ), giữ số, ghi là đã hủy"
    assert dialog.new_number.text() == "→ <b>01BLP0-001 AA/26T số 0000005</b>"
    assert dialog.payer.text() == "Đỗ Thị Mai" and dialog.amount.text() == "21.000" and dialog.reason.hasFocus()
    types(dialog.reason, "Ghi sai số tiền")
    type_into(qtbot, dialog.amount, "12.000")
    assert dialog.words.text().startswith("Mười hai nghìn")
    qtbot.keyClick(dialog.amount, Qt.Key.Key_Return)

    assert rows(view, 1) == ["0000001", "0000002", "0000003", "0000004", "0000005"]
    assert rows(view, 7)[3] == "Đã hủy: Ghi sai số tiền"
    assert rows(view, 6)[4] == "12.000 đ" and rows(view, 4)[4] == "Đỗ Thị Mai"
    assert "Đã hủy biên lai 01BLP0-001 AA/26T số 0000004 → lập biên lai thay thế 01BLP0-001 AA/26T số 0000005 " \
        "(12.000 đ)" in view.message.text()
    receipts = dossier_detail(desk, wrong.uid)["receipts"]
    assert [(r["number"], r["status"], r["amount"]) for r in receipts] == [(4, "voided", 21000), (5, "issued", 12000)]

    preview = view.print_dialog  # the replacement is previewed, then printed with Enter
    assert preview.isVisible() and "số 0000005" in preview.windowTitle()
    assert "12.000 đồng" in text(preview.pdf) and "Mười hai nghìn đồng" in text(preview.pdf)
    preview.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is preview)
    qtbot.keyClick(preview.print_button, Qt.Key.Key_Return)
    assert not preview.isVisible() and len(printed[1]) == 1


def test_replacement_refused_without_a_reason_writes_nothing(qtbot, view, desk):
    to_row(qtbot, view, 1)
    alt(qtbot, view, Qt.Key.Key_T)
    dialog = active_dialog(qtbot, view)
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)
    assert dialog.isVisible() and "lý do" in dialog.error.text() and dialog.reason.hasFocus()
    type_into(qtbot, dialog.amount, "0")
    types(dialog.reason, "Ghi sai số tiền")
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)
    assert dialog.isVisible() and "lớn hơn 0" in dialog.error.text() and dialog.amount.hasFocus()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    view.reload()
    assert rows(view, 7) == ["Đã lập"] * 3 and view.table.rowCount() == 3


def test_void_needs_a_reason(qtbot, view):
    to_row(qtbot, view, 1)
    alt(qtbot, view, Qt.Key.Key_H)
    dialog = active_dialog(qtbot, view)
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)
    assert dialog.isVisible() and "lý do" in dialog.error.text() and view.table.item(1, 7).text() == "Đã lập"
    types(dialog.reason, "Người nộp rút hồ sơ, hoàn tiền")
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)
    assert view.table.item(1, 7).text() == "Đã hủy: Người nộp rút hồ sơ, hoàn tiền"
    assert "Nguyễn Thị Lan: <b>4.000 đ</b>" in view.totals.text()


def test_print_then_reprint_marked_as_reprint(qtbot, view, desk, printed):
    to_row(qtbot, view, 2)
    alt(qtbot, view, Qt.Key.Key_I)
    first = opened_preview(qtbot, view, None)
    assert "(bản in lại)" not in first.windowTitle() and "BẢN IN LẠI" not in text(first.pdf)
    qtbot.keyClick(first.print_button, Qt.Key.Key_Return)
    assert not first.isVisible() and len(printed[1]) == 1
    alt(qtbot, view, Qt.Key.Key_I)
    again = opened_preview(qtbot, view, first)
    assert again.windowTitle() == "In: Biên lai 01BLP0-001 AA/26T số 0000003 (bản in lại)"
    assert "BẢN IN LẠI" in text(again.pdf) and "lần thứ 1" in text(again.pdf)
    qtbot.keyClick(again.print_button, Qt.Key.Key_Return)
    uid = view.lines[2].dossier_uid
    events = [e["payload"] for e in dossier_detail(desk, uid)["events"] if e["kind"] == "printed"]
    assert [e["reprint"] for e in events] == [False, True]


def test_nothing_chosen_says_so(qtbot, view):
    view.officer.setFocus()
    alt(qtbot, view, Qt.Key.Key_I)
    qtbot.waitUntil(lambda: view.message.isVisible())
    assert view.print_dialog is None and "Hãy chọn một biên lai" in view.message.text()
    assert view.table.hasFocus()


def test_what_the_officers_roles_do_not_allow_is_said_before_any_typing(qtbot, view, desk):
    from app.core.permissions import Officer, Role

    desk.act_as(Officer("u-1", "hoa", "Lê Văn Hòa", "Công chức", (Role.RECEPTION,)))
    alt(qtbot, view, Qt.Key.Key_D)
    qtbot.waitUntil(lambda: view.message.isVisible())
    assert view.dialog is None and "không được nhập dải số biên lai" in view.message.text()
    to_row(qtbot, view, 0)
    alt(qtbot, view, Qt.Key.Key_T)
    qtbot.waitUntil(lambda: "không được hủy biên lai" in view.message.text())
    assert view.dialog is None and rows(view, 7) == ["Đã lập"] * 3
