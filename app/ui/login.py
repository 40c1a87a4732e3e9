"""Logging in at the desk (issue 9): the dialog at start, and the same form on the lock screen.

By keyboard alone: type the username, Enter (or Tab), the password, Enter. A refusal is said under
the form, the password is cleared and the keyboard goes back to it. A password set by someone else
(a reset) must be replaced before work starts: the form asks for a new one, twice.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QFormLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from app.core.errors import DeskError, ValidationError
from app.services.desk import Desk
from app.services.officers import LoggedIn, change_own_password, create_first_admin, has_officers, login
from app.ui.errors import show_error
from app.ui.runner import Runner
from app.ui.widgets import error_label


def demo_hint() -> str:
    """The demo commune's accounts, said on its login only (README's demo section lists them too)."""
    from app.services.demo import DEMO_OFFICERS

    lines = [f"{o.username} / {o.password} – {o.full_name} ({o.roles_label})" for o in DEMO_OFFICERS]
    return "Xã mẫu – tài khoản dùng thử:\n" + "\n".join(lines)


class LoginForm(QWidget):
    """Username, password, Enter. Emits `signed_in` with the checked officer; does not sign in itself."""

    signed_in = Signal(object)  # LoggedIn

    def __init__(self, desk: Desk, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk, self.runner = desk, runner
        self.busy = False
        self.username = QLineEdit(placeholderText="ví dụ lan.nt")
        self.password = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.new_password = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.repeat_password = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.message = error_label()
        self.message.hide()
        self.button = QPushButton("Đăng &nhập")
        # Enter is the fields' own (username → password → log in): a dialog's default button would
        # also fire on the username's Enter and spend one of the five attempts on an empty password.
        self.button.setAutoDefault(False)
        form = QFormLayout()
        form.addRow("&Tên đăng nhập", self.username)
        form.addRow("&Mật khẩu", self.password)
        self.new_label = QLabel("Mật khẩu &mới (ít nhất 8 ký tự)")
        self.new_label.setBuddy(self.new_password)
        self.repeat_label = QLabel("Nhập &lại mật khẩu mới")
        self.repeat_label.setBuddy(self.repeat_password)
        form.addRow(self.new_label, self.new_password)
        form.addRow(self.repeat_label, self.repeat_password)
        self._asking_new(False)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.button, alignment=Qt.AlignmentFlag.AlignRight)
        self.username.returnPressed.connect(self._next_from_username)
        self.password.returnPressed.connect(self.submit)
        self.new_password.returnPressed.connect(self.repeat_password.setFocus)
        self.repeat_password.returnPressed.connect(self.submit)
        self.button.clicked.connect(self.submit)

    def _asking_new(self, asking: bool) -> None:
        for widget in (self.new_label, self.new_password, self.repeat_label, self.repeat_password):
            widget.setVisible(asking)

    def _next_from_username(self) -> None:
        if self.username.text().strip():
            self.password.setFocus(Qt.FocusReason.TabFocusReason)

    def reset(self, username: str = "") -> None:
        """Empty form (a new login, or the lock screen shown again); the keyboard where typing starts."""
        self.username.setText(username)
        for field in (self.password, self.new_password, self.repeat_password):
            field.clear()
        self._asking_new(False)
        self.say("")
        (self.password if username else self.username).setFocus(Qt.FocusReason.OtherFocusReason)

    def say(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def submit(self) -> None:
        if self.busy:
            return
        username, password = self.username.text().strip(), self.password.text()
        if not username:
            self.say("Hãy nhập tên đăng nhập.")
            self.username.setFocus()
            return
        if not password:
            self.say("Hãy nhập mật khẩu.")
            self.password.setFocus()
            return
        work: Callable[[], LoggedIn]
        if self.new_password.isVisible():
            new, repeat = self.new_password.text(), self.repeat_password.text()
            if new != repeat:
                self.say("Hai lần nhập mật khẩu mới không giống nhau.")
                self.repeat_password.clear()
                self.repeat_password.setFocus()
                return
            work = lambda: change_own_password(self.desk, username, password, new)  # noqa: E731
        else:
            work = lambda: login(self.desk, username, password)  # noqa: E731
        self.busy = True
        self.button.setEnabled(False)
        self.runner.run(work, self._logged, self._refused)

    def _logged(self, logged: LoggedIn) -> None:
        self.busy = False
        self.button.setEnabled(True)
        if logged.must_change:
            self._asking_new(True)
            self.say("Mật khẩu này do quản trị cấp lại: hãy đặt mật khẩu mới của riêng mình.")
            self.new_password.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        self.password.clear()
        self.new_password.clear()
        self.repeat_password.clear()
        self.say("")
        self.signed_in.emit(logged)

    def _refused(self, error: Exception) -> None:
        self.busy = False
        self.button.setEnabled(True)
        if not isinstance(error, DeskError):
            show_error(self, error, "Không đăng nhập được")
            return
        self.say(error.message)
        if isinstance(error, ValidationError) and self.new_password.isVisible():
            self.new_password.clear()
            self.repeat_password.clear()
            self.new_password.setFocus()
            return
        self.password.clear()
        self.password.setFocus()


class LoginDialog(QDialog):
    """The first thing the desk shows: who is working at this counter."""

    def __init__(self, desk: Desk, runner: Runner, *, demo: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Đăng nhập – Một cửa")
        self.setMinimumWidth(440)
        self.desk = desk
        self.logged: LoggedIn | None = None
        settings = desk.settings()
        title = QLabel(f"<b>{settings.office_name}</b><br>{settings.agency_name} – {settings.device_name}")
        title.setTextFormat(Qt.TextFormat.RichText)
        self.form = LoginForm(desk, runner, self)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.form)
        if demo:
            self.hint = QLabel(demo_hint())
            self.hint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            layout.addWidget(self.hint)
        self.form.signed_in.connect(self._signed_in)
        self.form.reset()

    def _signed_in(self, logged: LoggedIn) -> None:
        self.logged = logged
        self.desk.act_as(logged.officer)
        self.accept()


FIRST_ADMIN = ("Tệp dữ liệu này chưa có tài khoản cán bộ nào (tạo từ trước khi phần mềm có tài khoản, hoặc "
               "bằng lệnh motcua init). Hãy tạo tài khoản quản trị đầu tiên; quản trị sẽ tạo tài khoản cho "
               "các cán bộ khác ở thẻ «Danh mục và cài đặt → Tài khoản cán bộ».")


class FirstAdminDialog(QDialog):
    """A desk with no account at all (a file made before accounts existed): its first administrator.
    Enter goes from field to field; on the last one it creates the account and signs it in."""

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Tài khoản quản trị đầu tiên – Một cửa")
        self.setMinimumWidth(480)
        self.desk = desk
        self.username, self.full_name = QLineEdit(placeholderText="ví dụ quantri"), QLineEdit()
        self.password = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.repeat = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.message = error_label()
        self.message.hide()
        intro = QLabel(FIRST_ADMIN, wordWrap=True)
        form = QFormLayout()
        form.addRow("&Tên đăng nhập", self.username)
        form.addRow("&Họ và tên (in trên giấy tờ)", self.full_name)
        form.addRow("&Mật khẩu (ít nhất 8 ký tự)", self.password)
        form.addRow("Nhập &lại mật khẩu", self.repeat)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        fields = [self.username, self.full_name, self.password, self.repeat]
        for field, following in pairwise(fields):
            field.returnPressed.connect(following.setFocus)
        self.repeat.returnPressed.connect(self.create)

    def create(self) -> None:
        if self.password.text() != self.repeat.text():
            self.message.setText("Hai lần nhập mật khẩu không giống nhau.")
            self.message.show()
            self.repeat.clear()
            self.repeat.setFocus()
            return
        try:
            officer = create_first_admin(self.desk, username=self.username.text(), full_name=self.full_name.text(),
                                         password=self.password.text())
        except DeskError as error:
            self.message.setText(error.message)
            self.message.show()
            return
        self.desk.act_as(officer)
        self.accept()


def sign_in_at_start(desk: Desk, *, demo: bool = False) -> bool:
    """Ask who works at this desk before the window opens; False when they close the dialog. The
    check runs inline: no window waits on it yet, and it takes a fifth of a second. A file with no
    account yet asks for its first administrator instead."""
    if not has_officers(desk):
        desk.trusted = True  # the file's set-up, as the first-run wizard does it
        try:
            created = FirstAdminDialog(desk).exec() == QDialog.DialogCode.Accepted
        finally:
            desk.trusted = False
        return created and desk.officer is not None
    dialog = LoginDialog(desk, Runner(synchronous=True), demo=demo)
    accepted = dialog.exec() == QDialog.DialogCode.Accepted
    return accepted and desk.officer is not None
