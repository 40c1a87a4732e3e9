"""The idle lock and the shift change (issue 9).

After `idle_lock_seconds` without a key press or a click (default 10 minutes), or at Ctrl+L, the
window locks: a lock screen covers it, every key and click meant for the screens under it is
swallowed, the open dialogs are put away, and no one acts (`Desk.sign_out`) until a login. The
officer who locked it gets their screens back exactly as they left them; another officer taking
over (a shift change) starts from fresh screens, and the first finds theirs again when they return.
A citizen's half-typed form is never shown to the next officer.

Screens are remembered field by field (`Workspace`), found through the window's attributes
(reception.owner_name, dossiers.search, …), so a screen rebuilt meanwhile is still matched by name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from PySide6.QtCore import QDateTime, QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDateTimeEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QMainWindow,
    QPlainTextEdit,
    QTableWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.core.permissions import roles_text
from app.services.clock import show
from app.services.desk import Desk
from app.services.officers import LoggedIn
from app.ui.login import LoginForm
from app.ui.role_gate import apply_roles
from app.ui.runner import Runner

ACTIVITY = {QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick, QEvent.Type.Wheel,
            QEvent.Type.MouseMove}
# What a locked window must not receive: typing, clicks, and the shortcuts of its actions.
BLOCKED = {QEvent.Type.KeyPress, QEvent.Type.KeyRelease, QEvent.Type.ShortcutOverride, QEvent.Type.Shortcut,
           QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease, QEvent.Type.MouseButtonDblClick,
           QEvent.Type.Wheel, QEvent.Type.ContextMenu}
FIELDS = (QLineEdit, QPlainTextEdit, QComboBox, QAbstractSpinBox, QAbstractButton, QTabWidget, QListWidget,
          QTableWidget)
MAX_TABLE_ROWS = 200
LOCK_KEY = "Ctrl+L"


DIALOG_TYPES = (Qt.WindowType.Dialog, Qt.WindowType.Window, Qt.WindowType.Sheet)


def _owned_by(widget: QWidget, owner: QWidget) -> bool:
    """`owner` or one of its widgets or dialogs, at any depth (isAncestorOf stops at a window)."""
    current: QWidget | None = widget
    while current is not None:
        if current is owner:
            return True
        current = current.parentWidget()
    return False


# -- remembering screens ------------------------------------------------------------------------
def _children_by_name(owner: Any, prefix: str, depth: int, seen: set[int], out: dict[str, QWidget],
                      inside: QWidget) -> None:
    try:
        items = list(vars(owner).items())
    except TypeError:
        return
    for name, value in items:
        if name.startswith("_") or not isinstance(value, QWidget) or id(value) in seen:
            continue
        if value is not inside and not inside.isAncestorOf(value):
            continue  # a dialog or a widget of another window
        seen.add(id(value))
        path = f"{prefix}{name}"
        if isinstance(value, FIELDS):
            out[path] = value
        if depth < 3:
            _children_by_name(value, f"{path}.", depth + 1, seen, out, inside)


def named_fields(window: QMainWindow, skip: QWidget | None = None) -> dict[str, QWidget]:
    """The window's input widgets by attribute path: reception.owner_name, dossiers.search, tabs…"""
    out: dict[str, QWidget] = {}
    seen = {id(skip)} if skip is not None else set()
    _children_by_name(window, "", 0, seen, out, window)
    return out


def _value(widget: QWidget) -> Any:
    if isinstance(widget, QLineEdit):  # a password typed in a form is never kept
        return widget.text() if widget.echoMode() == QLineEdit.EchoMode.Normal else None
    if isinstance(widget, QPlainTextEdit):
        return widget.toPlainText()
    if isinstance(widget, QComboBox):
        return (widget.currentIndex(), widget.currentText())
    if isinstance(widget, QDateTimeEdit):
        return widget.dateTime()
    if isinstance(widget, QAbstractSpinBox):
        return widget.value()  # type: ignore[attr-defined]
    if isinstance(widget, QAbstractButton):
        return widget.isChecked() if widget.isCheckable() else None
    if isinstance(widget, (QTabWidget, QListWidget)):
        return widget.currentIndex() if isinstance(widget, QTabWidget) else widget.currentRow()
    if isinstance(widget, QTableWidget) and widget.rowCount() <= MAX_TABLE_ROWS:
        cells = []
        for row in range(widget.rowCount()):
            for column in range(widget.columnCount()):
                item = widget.item(row, column)
                if item is not None:
                    cells.append((row, column, item.text(), item.checkState()))
        return (widget.rowCount(), widget.columnCount(), cells)
    return None


def _set(widget: QWidget, value: Any) -> None:
    if value is None or _value(widget) == value:
        return
    if isinstance(widget, QLineEdit):
        widget.setText(value)
    elif isinstance(widget, QPlainTextEdit):
        widget.setPlainText(value)
    elif isinstance(widget, QComboBox):
        index, text = value
        if widget.isEditable() and index < 0:
            widget.setEditText(text)
        elif index < widget.count():
            widget.setCurrentIndex(index)
    elif isinstance(widget, QDateTimeEdit) and isinstance(value, QDateTime):
        widget.setDateTime(value)
    elif isinstance(widget, QAbstractSpinBox):
        widget.setValue(value)  # type: ignore[attr-defined]
    elif isinstance(widget, QAbstractButton) and widget.isCheckable():
        widget.setChecked(value)
    elif isinstance(widget, QTabWidget) and 0 <= value < widget.count() and widget.isTabVisible(value):
        widget.setCurrentIndex(value)  # never a screen the officer's role hides
    elif isinstance(widget, QListWidget) and value < widget.count():
        widget.setCurrentRow(value)
    elif isinstance(widget, QTableWidget):
        rows, columns, cells = value
        if (widget.rowCount(), widget.columnCount()) != (rows, columns):
            return  # rebuilt for something else meanwhile: left as it is
        for row, column, text, state in cells:
            item = widget.item(row, column)
            if item is not None:
                if item.text() != text:
                    item.setText(text)
                if item.checkState() != state:
                    item.setCheckState(state)


def _order(path_widget: tuple[str, QWidget]) -> int:
    """Screens and lists first (choosing them fills the rest), tables last."""
    widget = path_widget[1]
    return 0 if isinstance(widget, (QTabWidget, QListWidget)) else 2 if isinstance(widget, QTableWidget) else 1


@dataclass
class Workspace:
    """One officer's screens as they left them: field values, the focused field, put-away dialogs."""

    values: dict[str, Any] = field(default_factory=dict)
    focus: str = ""
    dialogs: list[QWidget] = field(default_factory=list)

    @classmethod
    def capture(cls, fields: dict[str, QWidget]) -> Workspace:
        focused = QApplication.focusWidget()
        focus = next((path for path, widget in fields.items() if widget is focused), "")
        return cls({path: _value(widget) for path, widget in fields.items()}, focus)

    def restore(self, fields: dict[str, QWidget]) -> None:
        for path, widget in sorted(fields.items(), key=_order):
            if path in self.values:
                _set(widget, self.values[path])


# -- the lock screen ------------------------------------------------------------------------------
class LockScreen(QWidget):
    """Covers the whole window: who was working, since when, and the login form."""

    def __init__(self, window: QMainWindow, desk: Desk, runner: Runner) -> None:
        super().__init__(window)
        # Opaque: nothing of the screens under it (a citizen's half-typed form) shows while locked.
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setObjectName("lockScreen")
        self.setStyleSheet("#lockScreen { background: #e9edf2; }")
        self.title = QLabel("<h2>Máy đang khóa</h2>")
        self.who = QLabel(wordWrap=True)
        self.form = LoginForm(desk, runner, self)
        panel = QWidget(self)
        panel.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        panel.setFixedWidth(480)
        panel.setObjectName("lockPanel")
        panel.setStyleSheet("#lockPanel { background: white; border: 1px solid #c5ccd6; border-radius: 6px; }")
        inner = QVBoxLayout(panel)
        inner.addWidget(self.title)
        inner.addWidget(self.who)
        inner.addWidget(self.form)
        self.who.setFixedWidth(440)  # a wrapped label's height is then known to the layout
        middle = QHBoxLayout()
        middle.addStretch(1)
        middle.addWidget(panel)
        middle.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addLayout(middle)
        layout.addStretch(2)
        self.hide()

    def cover(self) -> None:
        self.setGeometry(self.parentWidget().rect())
        self.raise_()


class DeskLock(QObject):
    """Watches for idleness, locks, and hands the window to whoever logs in."""

    def __init__(self, window: QMainWindow, desk: Desk, runner: Runner, *, idle_ms: int | None = None) -> None:
        super().__init__(window)
        self.window, self.desk, self.runner = window, desk, runner
        self.screen = LockScreen(window, desk, runner)
        self.screen.form.signed_in.connect(self.unlock)
        self.locked = False
        self.locked_at: datetime | None = None
        self.previous: LoggedIn | None = None
        self.workspaces: dict[str, Workspace] = {}  # officer uid -> their screens while someone else works
        self.fields = named_fields(window, skip=self.screen)
        self.pristine = Workspace.capture(self.fields)  # what a newcomer starts from
        self.timer = QTimer(self, singleShot=True, timeout=self.lock)
        self.idle_ms = idle_ms
        self.officer_label = QLabel()
        window.statusBar().addPermanentWidget(self.officer_label)
        self.lock_action = QAction("&Khóa máy, đổi ca", window, shortcut=QKeySequence(LOCK_KEY),
                                   triggered=self.lock)
        self.lock_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        window.addAction(self.lock_action)
        window.menuBar().addMenu("Cán &bộ").addAction(self.lock_action)
        QApplication.instance().installEventFilter(self)
        window.installEventFilter(self)
        window.screen_built.connect(self._screen_built)  # type: ignore[attr-defined]
        self._show_officer()
        self.restart()

    def _screen_built(self, _name: str) -> None:
        """A screen built after the lock was installed (issue 14) starts fresh for every officer who
        has not seen it, as if it had been there from the start; its roles apply at once."""
        fields = named_fields(self.window, skip=self.screen)
        fresh = {path: _value(widget) for path, widget in fields.items() if path not in self.fields}
        for space in (self.pristine, *self.workspaces.values()):
            for path, value in fresh.items():
                space.values.setdefault(path, value)
        self.fields = fields
        if not self.locked:  # while locked nobody is signed in; unlocking applies the next officer's roles
            apply_roles(self.window, self.desk)

    # -- idleness -------------------------------------------------------------------------------
    def interval_ms(self) -> int:
        return self.idle_ms if self.idle_ms is not None else self.desk.settings().idle_lock_seconds * 1000

    def restart(self) -> None:
        if self.desk.officer is not None and not self.locked:
            self.timer.start(self.interval_ms())

    def _mine(self, obj: QObject) -> bool:
        """Whether an input event goes to this window (or a dialog of it) rather than the lock screen."""
        if not isinstance(obj, QWidget) or _owned_by(obj, self.screen):
            return False
        return _owned_by(obj, self.window)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        kind = event.type()
        if obj is self.window and kind == QEvent.Type.Resize and self.locked:
            self.screen.cover()
        if self.locked:
            if kind in BLOCKED and kind != QEvent.Type.Shortcut and self._mine(obj):
                return True
            if kind == QEvent.Type.Shortcut and not (isinstance(obj, QWidget) and _owned_by(obj, self.screen)):
                return True  # the window's keys (Ctrl+Enter, Ctrl+1…, F5) do nothing while locked
            return False
        if kind in ACTIVITY and self.timer.isActive():
            self.timer.start(self.interval_ms())
        return False

    # -- locking --------------------------------------------------------------------------------
    def lock(self) -> None:
        if self.locked or self.desk.officer is None:
            return
        officer = self.desk.officer
        space = Workspace.capture(self.fields)
        space.dialogs = [w for w in QApplication.topLevelWidgets()
                         if w.isVisible() and w is not self.window and w.windowType() in DIALOG_TYPES
                         and _owned_by(w, self.window)]
        for dialog in space.dialogs:
            dialog.hide()
        self.workspaces[officer.uid] = space
        self.previous = LoggedIn(officer, must_change=False)
        self.locked, self.locked_at = True, datetime.now()
        self.timer.stop()
        self.desk.sign_out()
        for part in self._covered():  # no Tab into the screens under the lock
            part.setEnabled(False)
        self.screen.who.setText(f"{officer.full_name} ({roles_text(officer.roles)}) đang làm việc; khóa lúc "
                                f"{show(self.desk.now(), '%H:%M')}. Đăng nhập để làm tiếp, hoặc cán bộ khác "
                                "đăng nhập để nhận ca: màn hình của mỗi người được giữ nguyên cho người đó.")
        self.screen.cover()
        self.screen.show()
        self.window.activateWindow()  # a put-away dialog had the keyboard: the lock screen takes it
        self.screen.form.reset(officer.username)
        self.screen.form.username.selectAll()
        self.screen.form.username.setFocus(Qt.FocusReason.OtherFocusReason)
        self._show_officer()

    def unlock(self, logged: LoggedIn) -> None:
        officer = logged.officer
        returning = self.workspaces.pop(officer.uid, None)
        self.desk.act_as(officer)
        self.locked = False
        self.screen.hide()
        for part in self._covered():
            part.setEnabled(True)
        apply_roles(self.window, self.desk)
        self.fields = named_fields(self.window, skip=self.screen)
        space = returning or self.pristine
        space.restore(self.fields)
        # Choosing a screen or a procedure loads the rest on the database worker: once it has
        # answered (jobs run in order), the values that depend on it are set again.
        self.runner.run(lambda: None, lambda _: self._settle(space), lambda _: None)
        for dialog in space.dialogs:
            dialog.show()
        self._show_officer()
        self.window.statusBar().showMessage(
            f"{'Mừng trở lại' if returning else 'Nhận ca'}: {officer.full_name}.", 10_000)
        self.restart()

    def _settle(self, space: Workspace) -> None:
        space.restore(self.fields)
        target = self.fields.get(space.focus)
        if target is not None and target.isVisible():
            target.setFocus(Qt.FocusReason.OtherFocusReason)
        elif space.dialogs:
            space.dialogs[-1].activateWindow()

    def _covered(self) -> list[QWidget]:
        return [w for w in (self.window.menuBar(), self.window.centralWidget()) if w is not None]

    def _show_officer(self) -> None:
        officer = self.desk.officer
        self.officer_label.setText(f"Cán bộ: {officer.full_name} ({roles_text(officer.roles)})" if officer
                                   else "Máy đang khóa")


def install(window: QMainWindow, desk: Desk, runner: Runner, *, idle_ms: int | None = None) -> DeskLock | None:
    """At the window's start, once an officer has logged in: the roles gate, the idle lock and Ctrl+L.
    A desk without an officer (tests, scripts) gets neither."""
    if desk.officer is None:
        return None

    def add_accounts_page(settings_view: QWidget) -> None:  # among the administrator's settings
        from app.ui.officers_view import OfficersView

        sections = settings_view.sections  # type: ignore[attr-defined]
        window.officers_view = OfficersView(desk, runner)  # type: ignore[attr-defined]
        sections.addTab(window.officers_view, "Tài khoản cán bộ")  # type: ignore[attr-defined]
        sections.currentChanged.connect(lambda _: window.officers_view.reload()  # type: ignore[attr-defined]
                                        if sections.currentWidget() is window.officers_view else None)  # type: ignore[attr-defined]

    # The settings screen is built when first shown (issue 14): the accounts page joins it then.
    window.when_built("settings_view", add_accounts_page)  # type: ignore[attr-defined]
    apply_roles(window, desk)
    return DeskLock(window, desk, runner, idle_ms=idle_ms)
