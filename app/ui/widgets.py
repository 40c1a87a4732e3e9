"""Small pieces every screen uses the same way: the message under a field (red for a refusal, never
for a success), the layout of a form dialog with Vietnamese buttons, tables that Tab enters and
leaves, search boxes that hand the keyboard to their results, and a confirmation asked by keys."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

ERROR_STYLE = "color: #b00020;"
OK_STYLE = "color: #1b5e20;"  # a success is green with a mark, never red (issue 11 §4)


def error_label() -> QLabel:
    return QLabel(wordWrap=True, styleSheet=ERROR_STYLE)


def say(label: QLabel, text: str, *, ok: bool = False) -> None:
    """One message line for both outcomes: a refusal in red, a success in green."""
    label.setStyleSheet(OK_STYLE if ok else ERROR_STYLE)
    label.setText(text)
    label.setVisible(bool(text))


def form_dialog(dialog: QDialog, form: QFormLayout, error: QLabel, ok_text: str, on_ok: Callable[[], None]) -> None:
    """The form, the message line, then OK (named for what it does) and "Hủy"."""
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("&Hủy")
    taken = {mnemonic_letter(form.itemAt(i).widget().text()) for i in range(form.count())
             if isinstance(form.itemAt(i).widget(), QLabel)}
    give_mnemonics([buttons.button(QDialogButtonBox.StandardButton.Cancel),
                    buttons.button(QDialogButtonBox.StandardButton.Ok)], taken)  # "Đăng ký" gets its letter too
    buttons.accepted.connect(on_ok)
    buttons.rejected.connect(dialog.reject)
    for keys in ("Ctrl+Return", "Ctrl+Enter"):  # also from a text box, where Enter starts a new line
        QShortcut(QKeySequence(keys), dialog, activated=on_ok)
    column = QVBoxLayout(dialog)
    column.addLayout(form)
    column.addWidget(error)
    column.addWidget(buttons)


def keyboard_table(view: QAbstractItemView) -> QAbstractItemView:
    """Tab and Shift+Tab enter and leave the table like any other field; the arrows move inside it.
    Qt's default sends Tab from cell to cell, so a table traps the keyboard (issue 11)."""
    view.setTabKeyNavigation(False)
    view.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    return view


class _ToResults(QObject):
    """Enter or Down in a search box moves the keyboard to the first result."""

    def __init__(self, box: QLineEdit, results: QAbstractItemView, on_enter: Callable[[], bool] | None) -> None:
        super().__init__(box)
        self.results, self.on_enter = results, on_enter

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return False
        key = event.key()
        if key == Qt.Key.Key_Down or (key in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                                      and event.modifiers() == Qt.KeyboardModifier.NoModifier):
            if key != Qt.Key.Key_Down and self.on_enter is not None and self.on_enter():
                return True
            return self._enter_results()
        return False

    def _enter_results(self) -> bool:
        model = self.results.model()
        if model is None or model.rowCount() == 0:
            return False
        if not self.results.currentIndex().isValid():
            self.results.setCurrentIndex(model.index(0, 0))
        self.results.setFocus(Qt.FocusReason.TabFocusReason)
        return True


def search_leads_to(box: QLineEdit, results: QAbstractItemView, on_enter: Callable[[], bool] | None = None) -> None:
    """`on_enter` may take Enter for itself (returns True); otherwise Enter, like Down, goes to the results."""
    box.installEventFilter(_ToResults(box, results, on_enter))


def confirm_box(parent: QWidget, title: str, text: str, yes: str, on_yes: Callable[[], None],
                on_no: Callable[[], None] | None = None) -> QMessageBox:
    """A question the official answers with Enter (yes, the default) or Esc (no). Opened window-modal
    and returned, so tests answer it with key presses like a person."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton, parent)
    yes_button = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
    no_button = box.addButton("&Không, quay lại", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(yes_button)
    box.setEscapeButton(no_button)

    def answered() -> None:
        if box.clickedButton() is yes_button:
            on_yes()
        elif on_no is not None:
            on_no()

    box.finished.connect(lambda _: answered())
    box.open()
    return box


def mnemonic_letter(text: str) -> str:
    """The letter after "&" (lower case), or "" when the text has none."""
    index = text.replace("&&", "").find("&")
    return text.replace("&&", "")[index + 1].lower() if 0 <= index < len(text.replace("&&", "")) - 1 else ""


def give_mnemonics(buttons: Iterable[QAbstractButton], taken: set[str]) -> None:
    """Every action button gets an Alt+letter shown underlined on it: the first free ASCII letter,
    at the start of a word if possible. Buttons that chose their own keep it; `taken` collects all,
    so letters stay unique within what is on screen together."""
    pending = []
    for button in buttons:
        letter = mnemonic_letter(button.text())
        if letter:
            taken.add(letter)
        else:
            pending.append(button)
    for button in pending:
        text = button.text()
        letters = [i for i, c in enumerate(text) if c.isascii() and c.isalpha()]
        starts = [i for i in letters if i == 0 or not text[i - 1].isalnum()]
        others = [i for i in letters if i not in starts]
        for i in starts + others:
            if text[i].lower() not in taken:
                taken.add(text[i].lower())
                button.setText(f"{text[:i]}&{text[i:]}")
                break


def fit_columns(view: QTableView, *, stretch: tuple[int, ...], widths: dict[int, int] | None = None) -> None:
    """Columns that fit the table's width, so no screen scrolls sideways at 1366×768: the `stretch`
    columns share what is left (long text wraps into taller rows), `widths` are fixed, the others fit
    their contents."""
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    for column in stretch:
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
    for column, width in (widths or {}).items():
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(column, width)
    view.setWordWrap(True)
    # Rows follow the columns' widths as the window is laid out (a few dozen rows: cheap).
    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
