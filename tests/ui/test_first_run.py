"""A new commune's first run, led step by step offline and driven by keys alone (issue 11 §2): from
an empty file to a desk that receives a dossier and takes its fee on the entered range."""

import pytest

from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWizard

from app.services.desk import Desk
from app.services.queries import dossier_detail, search_dossiers
from app.services.receipts import series_status
from app.store.engine import open_database
from app.ui.first_run import FirstRun, needs_first_run
from app.ui.main_window import MainWindow
from app.ui.print_dialog import SAVE_AS_PDF
from app.ui.runner import Runner

officers = pytest.importorskip("app.services.officers")


@pytest.fixture
def fresh(tmp_path, clock):
    database = open_database(tmp_path / "moi.sqlite")
    desk = Desk(database, actor="Cán bộ một cửa", clock=clock)
    desk.load()
    yield desk
    database.dispose()


@pytest.fixture(autouse=True)
def own_settings(tmp_path):
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "qsettings"))


def focused():
    return QApplication.focusWidget()


def key(k, modifier=Qt.KeyboardModifier.NoModifier):
    QTest.keyClick(focused(), k, modifier)


def types(text):
    for char in text:
        QTest.sendKeyEvent(QTest.KeyAction.Click, focused(), Qt.Key.Key_unknown, char, Qt.KeyboardModifier.NoModifier)


def replace_with(text):
    key(Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    types(text)


@pytest.fixture
def wizard(qtbot, fresh):
    assert needs_first_run(fresh)
    wizard = FirstRun(fresh, printers=[])
    qtbot.addWidget(wizard)
    wizard.open()
    qtbot.waitExposed(wizard)
    wizard.activateWindow()
    qtbot.waitUntil(lambda: focused() is not None and wizard.isAncestorOf(focused()))
    return wizard


def test_a_new_commune_is_led_by_keys_to_a_desk_that_receives_and_takes_its_fee(qtbot, fresh, wizard):
    key(Qt.Key.Key_Return)  # the welcome
    page = wizard.commune
    assert wizard.currentPage() is page and focused() is page.agency_id
    types("sai")
    key(Qt.Key.Key_Tab)
    types("Xã Quảng Phú")
    assert page.agency_name.text() == "UBND xã Quảng Phú"
    assert page.office_name.text() == "Trung tâm Phục vụ hành chính công xã Quảng Phú"
    key(Qt.Key.Key_Return)
    assert wizard.currentPage() is page and "NNN.NN.NN.Xnn" in page.error.text()  # stays, says why
    page.agency_id.setFocus()
    replace_with("000.17.22.H56")
    assert page.error.isHidden()  # the message goes once the field is changed
    key(Qt.Key.Key_Return)

    assert wizard.currentPage() is wizard.workstation and focused() is wizard.workstation.number
    replace_with("2")
    key(Qt.Key.Key_Tab)
    types("Quầy 1")
    key(Qt.Key.Key_Return)
    assert fresh.settings().agency_id == "000.17.22.H56" and fresh.settings().workstation_no == 2

    admin = wizard.admin
    assert wizard.currentPage() is admin and focused() is admin.username
    types("lan.nt")
    key(Qt.Key.Key_Tab)
    types("Nguyễn Thị Lan")
    key(Qt.Key.Key_Tab)
    key(Qt.Key.Key_Tab)
    types("mat-khau-9")
    key(Qt.Key.Key_Tab)
    types("mat-khau-8")
    key(Qt.Key.Key_Return)
    assert wizard.currentPage() is admin and "không giống nhau" in admin.error.text()
    admin.again.setFocus()
    replace_with("mat-khau-9")
    key(Qt.Key.Key_Return)
    assert officers.has_officers(fresh) and fresh.actor == "Nguyễn Thị Lan"

    receipts = wizard.receipts
    assert wizard.currentPage() is receipts
    receipts.template.setFocus()  # the notice is the choice already ticked; its first field
    types("01BLP0-001")
    key(Qt.Key.Key_Tab)
    types("AA/26T")
    key(Qt.Key.Key_Tab)
    replace_with("1")
    key(Qt.Key.Key_Tab)
    replace_with("500")
    key(Qt.Key.Key_Tab)
    types("05/TB-UBND")
    key(Qt.Key.Key_Return)
    [series] = series_status(fresh)
    assert (series["template_symbol"], series["series_symbol"], series["first_number"], series["last_number"]) == (
        "01BLP0-001", "AA/26T", 1, 500)
    assert "05/TB-UBND" in series["source"]

    assert wizard.currentPage() is wizard.printer and wizard.printer.printer.currentText() == SAVE_AS_PDF
    key(Qt.Key.Key_Return)
    assert QSettings().value("printing/receipt/printer") == SAVE_AS_PDF
    assert wizard.currentPage() is wizard.done_page and "máy trạm số 2" in wizard.summary.text()
    key(Qt.Key.Key_Return)
    assert wizard.result() == QWizard.DialogCode.Accepted and not needs_first_run(fresh)

    window = MainWindow(fresh, Runner(synchronous=True), autostart_sync=False)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: focused() is window.reception.procedure_search)
    window.reception.print_now.setChecked(False)
    qtbot.keyClicks(focused(), "chung thuc chu ky")
    key(Qt.Key.Key_Return)
    key(Qt.Key.Key_Tab)
    types("Phạm Văn Dũng")
    key(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    shown = {k: v.text() for k, v in window.reception.errors.items() if v.text()}
    assert not shown
    [row] = search_dossiers(fresh, "pham van dung")
    assert row.code.startswith("000.17.22.H56-") and row.code.endswith("-2001")
    [receipt] = dossier_detail(fresh, row.uid)["receipts"]
    assert (receipt["number"], receipt["series_symbol"]) == (1, "AA/26T")


def test_leaving_the_wizard_leaves_the_desk_not_set_up(qtbot, fresh, wizard):
    key(Qt.Key.Key_Escape)
    assert wizard.result() == QWizard.DialogCode.Rejected and needs_first_run(fresh)


def test_every_step_has_its_letters_unique_with_the_wizards_buttons(wizard):
    from PySide6.QtWidgets import QLabel

    from app.ui.widgets import mnemonic_letter

    buttons = {mnemonic_letter(wizard.buttonText(b)) for b in (QWizard.WizardButton.BackButton,
                                                               QWizard.WizardButton.NextButton)}
    for page_id in wizard.pageIds():
        page = wizard.page(page_id)
        letters = [mnemonic_letter(label.text()) for label in page.findChildren(QLabel) if label.buddy()]
        letters = [letter for letter in letters if letter]
        assert len(letters) == len(set(letters)) and not set(letters) & buttons, page.title()


def test_the_desk_opens_on_a_new_file_with_the_first_run_and_leaving_it_opens_nothing(qtbot, fresh):
    from PySide6.QtCore import QTimer

    from app.ui import app as desk_app

    seen = []

    def answer():
        wizard = QApplication.activeModalWidget()
        if not isinstance(wizard, FirstRun):
            QTimer.singleShot(50, answer)
            return
        seen.append(wizard.currentPage().title())
        wizard.activateWindow()
        QTest.keyClick(wizard, Qt.Key.Key_Escape)

    QTimer.singleShot(50, answer)
    assert desk_app.run(fresh) == 0
    assert seen == ["Chuẩn bị máy trạm"] and needs_first_run(fresh)
    assert not [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
