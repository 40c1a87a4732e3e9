"""Qt's own strings reach the official in Vietnamese (issue 11 §6): a non-native file dialog, the
standard buttons of a message box, the context menu of a text field, read from real widgets with the
translation the desk loads at start (resources/i18n/qt_vi.ts built into qt_vi.qm by setup.sh)."""

import unicodedata
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QToolButton,
    QTreeView,
)

from app.ui.errors import show_error
from app.ui.translation import install_vietnamese, qm_path

TS = Path(__file__).resolve().parents[2] / "resources" / "i18n" / "qt_vi.ts"
ENGLISH = {"Look in:", "&Look in:", "Files of &type:", "Name", "Size", "Type", "Date Modified",
           "File &name:", "Files of type:", "&Save", "&Open", "Save", "Open", "Cancel", "OK", "&Yes",
           "&No", "Yes", "No", "Back", "Forward", "Detail View", "List View", "New Folder", "Create New Folder",
           "Show Details...", "&Undo", "&Redo", "Cu&t", "&Copy", "&Paste", "Delete", "Select All", "Close", "Retry"}


@pytest.fixture(autouse=True)
def vietnamese(qapp):
    assert Path(qm_path()).is_file(), "scripts/setup.sh builds resources/i18n/qt_vi.qm"
    assert install_vietnamese(qapp)


def texts(widget, kind) -> set[str]:
    return {w.text() for w in widget.findChildren(kind) if w.text()}


def test_every_translation_is_vietnamese_nfc_and_not_empty():
    root = ET.parse(TS).getroot()
    messages = root.findall("./context/message")
    assert len(messages) > 100
    for message in messages:
        translation = message.findtext("translation")
        assert translation and translation == unicodedata.normalize("NFC", translation)
        assert message.findtext("source") != translation or translation.startswith("%")


def test_a_save_file_dialog_speaks_vietnamese(qtbot, tmp_path):
    dialog = QFileDialog(None, "Lưu thành tệp PDF", str(tmp_path), "PDF (*.pdf)")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    qtbot.addWidget(dialog)
    dialog.show()
    labels = texts(dialog, QLabel)
    assert {"Tìm tr&ong:", "Tên &tệp:", "&Loại tệp:"} <= labels
    buttons = texts(dialog.findChild(QDialogButtonBox), QPushButton)
    assert buttons == {"&Lưu", "Hủy"}
    tips = {b.toolTip() for b in dialog.findChildren(QToolButton)}
    assert {"Quay lại", "Tiến tới", "Thư mục cha", "Tạo thư mục mới", "Dạng danh sách", "Dạng chi tiết"} <= tips
    dialog.findChild(QToolButton, "detailModeButton").click()
    model = dialog.findChild(QTreeView, "treeView").model()
    headers = {model.headerData(i, Qt.Orientation.Horizontal) for i in range(model.columnCount())}
    assert headers == {"Tên", "Cỡ", "Loại", "Ngày sửa"}
    assert not (labels | buttons | tips | headers) & ENGLISH


def test_an_open_file_dialog_says_mo(qtbot, tmp_path):
    dialog = QFileDialog(None, "Chọn bản quét", str(tmp_path))
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    qtbot.addWidget(dialog)
    dialog.show()
    assert texts(dialog.findChild(QDialogButtonBox), QPushButton) == {"&Mở", "Hủy"}


def test_message_box_standard_buttons(qtbot):
    box = QMessageBox(QMessageBox.Icon.Question, "Một cửa", "Thử lại?")
    box.setStandardButtons(QMessageBox.StandardButton.Ok | QMessageBox.StandardButton.Cancel
                           | QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No
                           | QMessageBox.StandardButton.Retry | QMessageBox.StandardButton.Close)
    qtbot.addWidget(box)
    box.show()
    assert {b.text() for b in box.buttons()} == {"Đồng ý", "Hủy", "&Có", "&Không", "Thử lại", "Đóng"}


@pytest.mark.parametrize("kind", [QLineEdit, QPlainTextEdit, QSpinBox])
def test_context_menus_of_text_fields(qtbot, kind):
    widget = kind()
    qtbot.addWidget(widget)
    if isinstance(widget, QSpinBox):
        menu = widget.lineEdit().createStandardContextMenu()
    else:
        menu = widget.createStandardContextMenu()
    words = {action.text().split("\t")[0] for action in menu.actions() if action.text()}
    assert words and not words & ENGLISH
    assert {"&Hoàn tác", "&Sao chép", "&Dán"} <= words


def test_the_error_dialog_has_a_plain_message_and_an_id_never_show_details(qtbot):
    box = show_error(None, RuntimeError("Traceback: something in English"))
    qtbot.addWidget(box)
    assert box.detailedText() == "" and "Traceback" not in box.text() and "Mã lỗi:" in box.text()
    assert {b.text() for b in box.buttons()} == {"Đồng ý"}


def test_every_kind_of_change_the_sync_screen_lists_has_vietnamese_words():
    """«officer.saved» reached the sync screen as it is: every op kind of the contract has its words."""
    from app.ui.sync_view import KINDS
    from sync.ops import OP_KINDS

    assert set(OP_KINDS) <= set(KINDS)
    assert all(words[0].isupper() and "." not in words for words in KINDS.values())
