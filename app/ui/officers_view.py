"""Officer accounts, for the administrator (quản trị): a page of «Danh mục và cài đặt» (issue 9).

Pick an account in the table to edit it, or clear the form to create one. A new password here is a
reset: the officer chooses their own at the next login. The idle lock's delay is set here too.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.permissions import Perm, Role, roles_text
from app.services.admin import update_settings
from app.services.desk import Desk
from app.services.officers import Account, create_officer, list_officers, update_officer
from app.ui.errors import show_error
from app.ui.runner import Runner
from app.ui.widgets import error_label, give_mnemonics, say

COLUMNS = ("Tên đăng nhập", "Họ và tên", "Chức danh", "Vai trò", "Trạng thái")


class OfficersView(QWidget):
    def __init__(self, desk: Desk, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk, self.runner = desk, runner
        self.accounts: list[Account] = []
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.username, self.full_name, self.title = QLineEdit(), QLineEdit(), QLineEdit()
        self.password = QLineEdit(echoMode=QLineEdit.EchoMode.Password,
                                  placeholderText="để trống nếu không đổi; ít nhất 8 ký tự")
        self.role_boxes = {role: QCheckBox(role.label) for role in Role}
        self.active = QCheckBox("Đang hoạt động", checked=True)
        roles = QHBoxLayout()
        for box in self.role_boxes.values():
            roles.addWidget(box)
        form = QFormLayout()
        form.addRow("Tên đăng nhập", self.username)
        form.addRow("Họ và tên (in trên giấy tờ)", self.full_name)
        form.addRow("Chức danh", self.title)
        form.addRow("Vai trò", roles)
        form.addRow("", self.active)
        form.addRow("Mật khẩu", self.password)
        self.message = error_label()
        self.message.hide()
        self.create_button = QPushButton("Tạo tài khoản")
        self.save_button = QPushButton("Lưu thay đổi")
        self.new_button = QPushButton("Tài khoản mới")
        buttons = QHBoxLayout()
        for button in (self.new_button, self.create_button, self.save_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.idle_minutes = QSpinBox(minimum=1, maximum=480, suffix=" phút")
        self.idle_save = QPushButton("Lưu thời gian khóa")
        idle = QHBoxLayout()
        idle.addWidget(self.idle_minutes)
        idle.addWidget(self.idle_save)
        idle.addStretch(1)
        form.addRow("Khóa máy khi không dùng sau", idle)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.table.itemSelectionChanged.connect(self._picked)
        self.new_button.clicked.connect(self.clear)
        self.create_button.clicked.connect(self.create)
        self.save_button.clicked.connect(self.save)
        self.idle_save.clicked.connect(self.save_idle)
        # Alt+letters unique beside the menu bar's (Giấy tờ, Màn hình, Cán bộ) and the page tabs.
        give_mnemonics([self.new_button, self.create_button, self.save_button, self.idle_save,
                        self.active, *self.role_boxes.values()], {"g", "m", "b", "d", "c", "n", "s", "t"})
        self.clear()

    def reload(self) -> None:
        if not self.desk.may(Perm.ACCOUNTS):
            return
        self.idle_minutes.setValue(max(1, self.desk.settings().idle_lock_seconds // 60))
        self.runner.run(lambda: list_officers(self.desk), self._show, lambda e: show_error(self, e))

    def _show(self, accounts: list[Account]) -> None:
        self.accounts = accounts
        self.table.setRowCount(len(accounts))
        for row, a in enumerate(accounts):
            values = (a.username, a.full_name, a.title, roles_text(a.roles),
                      "hoạt động" if a.active else "ngừng hoạt động")
            for column, value in enumerate(values):
                self.table.setItem(row, column, QTableWidgetItem(value))
        self.table.resizeColumnsToContents()

    def _selected(self) -> Account | None:
        rows = self.table.selectionModel().selectedRows()
        return self.accounts[rows[0].row()] if rows and rows[0].row() < len(self.accounts) else None

    def _picked(self) -> None:
        account = self._selected()
        if account is None:
            return
        self.username.setText(account.username)
        self.username.setReadOnly(True)
        self.full_name.setText(account.full_name)
        self.title.setText(account.title)
        for role, box in self.role_boxes.items():
            box.setChecked(role in account.roles)
        self.active.setChecked(account.active)
        self.password.clear()
        self.create_button.setEnabled(False)
        self.save_button.setEnabled(True)

    def clear(self) -> None:
        self.table.clearSelection()
        for field in (self.username, self.full_name, self.title, self.password):
            field.clear()
        self.username.setReadOnly(False)
        for role, box in self.role_boxes.items():
            box.setChecked(role is Role.RECEPTION)
        self.active.setChecked(True)
        self.create_button.setEnabled(True)
        self.save_button.setEnabled(False)
        say(self.message, "")
        self.username.setFocus(Qt.FocusReason.OtherFocusReason)

    def _roles(self) -> list[str]:
        return [role.value for role, box in self.role_boxes.items() if box.isChecked()]

    def _done(self, text: str) -> None:
        say(self.message, text, ok=True)
        self.password.clear()
        self.reload()

    def _refused(self, error: Exception) -> None:
        if hasattr(error, "message"):
            say(self.message, error.message)  # type: ignore[attr-defined]
        else:
            show_error(self, error)

    def create(self) -> None:
        username, name, title, roles, password = (self.username.text(), self.full_name.text(), self.title.text(),
                                                  self._roles(), self.password.text())
        self.runner.run(lambda: create_officer(self.desk, username=username, full_name=name, title=title,
                                               roles=roles, password=password),
                        lambda a: self._done(f"Đã tạo tài khoản {a.username}."), self._refused)

    def save(self) -> None:
        account = self._selected()
        if account is None:
            return
        name, title, roles, active = self.full_name.text(), self.title.text(), self._roles(), self.active.isChecked()
        password = self.password.text() or None
        self.runner.run(lambda: update_officer(self.desk, account.uid, full_name=name, title=title, roles=roles,
                                               active=active, password=password),
                        lambda a: self._done(f"Đã lưu tài khoản {a.username}."
                                             + (" Cán bộ sẽ đặt mật khẩu mới khi đăng nhập." if password else "")),
                        self._refused)

    def save_idle(self) -> None:
        seconds = self.idle_minutes.value() * 60
        self.runner.run(lambda: update_settings(self.desk, idle_lock_seconds=seconds),
                        lambda _: say(self.message, f"Máy sẽ tự khóa sau {seconds // 60} phút không dùng.", ok=True),
                        self._refused)
