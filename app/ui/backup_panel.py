"""Backups, restore and personal data in the settings screen (issue 9), and the desk's own checks:
a daily backup (a timer asks once an hour whether today's exists) and the audit chain verified in
the background at start-up, with a banner when it is broken. All work runs on the runner."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QStandardPaths, Qt, QTimer
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from app.services.admin import update_settings
from app.services.audit import Verdict, verify_chain
from app.services.desk import Desk
from app.services.personal_data import expired_dossiers, purge_expired
from app.ui.errors import show_error
from app.ui.runner import Runner
from app.ui.widgets import error_label, say

if TYPE_CHECKING:
    from types import ModuleType

    from app.services.backup import BackupDone

HOURLY_MS = 60 * 60 * 1000
FIRST_CHECK_MS = 2 * 60 * 1000  # not during start-up: the first hour's check comes two minutes in
BANNER_STYLE = "background: #b71c1c; color: white; padding: 6px; font-weight: bold;"


def _backups() -> ModuleType:
    """app.services.backup, loaded when the panel is built: it brings cryptography and the OS keyring,
    which the window's start-up (check_chain_at_start below) does not need (issue 14)."""
    from app.services import backup

    return backup


class BackupPanel(QWidget):
    def __init__(self, desk: Desk, runner: Runner, parent: QWidget | None = None, *, timer: bool = True) -> None:
        super().__init__(parent)
        self.desk, self.runner = desk, runner
        self.last_recovery_key = ""  # for tests: the key shown once
        self.folder = QLineEdit(str(_backups().default_folder(desk)))
        choose = QPushButton("&Chọn thư mục…")
        choose.clicked.connect(self.choose_folder)
        row = QHBoxLayout()
        row.addWidget(self.folder, 1)
        row.addWidget(choose)
        self.state = QLabel()
        self.state.setWordWrap(True)
        self.message = error_label()
        backup = QPushButton("Sao lưu &ngay")
        backup.clicked.connect(self.backup_now)
        restore = QPushButton("&Khôi phục từ bản sao lưu…")
        restore.clicked.connect(self.restore)
        self.years = QSpinBox(minimum=0, maximum=100, suffix=" năm", specialValueText="giữ mãi")
        self.years.setValue(desk.settings().retention_years)
        save_years = QPushButton("Lưu &thời hạn")
        save_years.clicked.connect(self.save_years)
        purge = QPushButton("&Xóa dữ liệu cá nhân hết hạn…")
        purge.clicked.connect(self.purge)
        years_row = QHBoxLayout()
        for widget in (self.years, save_years, purge):
            years_row.addWidget(widget)
        years_row.addStretch(1)
        form = QFormLayout()
        form.addRow("Thư mục sao lưu (ổ USB, thư mục mạng)", row)
        form.addRow("", self.state)
        form.addRow("Lưu dữ liệu cá nhân của hồ sơ đã kết thúc", years_row)
        buttons = QHBoxLayout()
        buttons.addWidget(backup)
        buttons.addWidget(restore)
        buttons.addStretch(1)
        column = QVBoxLayout(self)
        column.addLayout(form)
        column.addLayout(buttons)
        note = QLabel("Bản sao lưu được mã hóa; giữ 7 bản hằng ngày, 4 hằng tuần, 12 hằng tháng. Khóa khôi phục "
                      "chỉ hiện một lần ở lần sao lưu đầu tiên: hãy in, niêm phong và cất vào tủ an toàn.")
        note.setWordWrap(True)
        column.addWidget(note)
        column.addWidget(self.message)
        column.addStretch(1)
        self.show_state()
        self._timer = QTimer(self, interval=HOURLY_MS, timeout=self.daily_check)
        if timer:
            self._timer.start()
            QTimer.singleShot(FIRST_CHECK_MS, self.daily_check)

    # -- what is shown -------------------------------------------------------------------------
    def target(self) -> Path:
        return Path(self.folder.text().strip() or _backups().default_folder(self.desk))

    def show_state(self) -> None:
        self.runner.run(lambda: _backups().backup_age(self.desk, self.target()), self._show_age, lambda _: None)

    def _show_age(self, age: Any) -> None:
        if not self.desk.settings().backup_key_id:
            self.state.setText("Chưa sao lưu lần nào: bấm «Sao lưu ngay» để tạo khóa và bản sao lưu đầu tiên.")
        elif age is None:
            self.state.setText("Thư mục này chưa có bản sao lưu của máy trạm.")
        else:
            hours = int(age.total_seconds() // 3600)
            self.state.setText(f"Bản sao lưu mới nhất: {hours} giờ trước." if hours else
                               "Bản sao lưu mới nhất: trong giờ vừa qua.")

    # -- acts ----------------------------------------------------------------------------------
    def choose_folder(self) -> None:
        # Starts in Documents, never in the database's folder (shared/domain.md §13.5).
        start = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        chosen = QFileDialog.getExistingDirectory(self, "Chọn thư mục sao lưu", start,
                                                  QFileDialog.Option.ShowDirsOnly)
        if chosen:
            self.folder.setText(chosen)
            self.runner.run(lambda: update_settings(self.desk, backup_folder=chosen),
                            lambda _: self.show_state(), lambda e: show_error(self, e))

    def backup_now(self) -> None:
        say(self.message, "Đang sao lưu…", ok=True)
        target = self.target()
        self.runner.run(lambda: _backups().take_backup(self.desk, target), self._backed_up,
                        lambda e: say(self.message, getattr(e, "message", str(e))))

    def _backed_up(self, done: BackupDone) -> None:
        say(self.message, done.message.splitlines()[0], ok=True)
        self.show_state()
        if done.recovery_key:
            self.last_recovery_key = done.recovery_key
            notice = done.message.replace(done.recovery_key, "").rstrip()
            box = QMessageBox(QMessageBox.Icon.Information, "Khóa khôi phục — chỉ hiện một lần", notice,
                              QMessageBox.StandardButton.Ok, self)
            # The key on one line, in a fixed-width face, selectable: it is copied by hand onto paper.
            box.setInformativeText(f"<p style='font-family: monospace; font-size: 13pt; white-space: pre'>"
                                   f"{done.recovery_key}</p>")
            box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            box.open()

    def daily_check(self) -> None:
        """Once an hour: today's backup, if the first one (and its recovery key) was made by an officer."""
        if not self.desk.settings().backup_key_id:
            return
        target = self.target()

        def work() -> BackupDone | None:
            backups = _backups()
            return backups.take_backup(self.desk, target) if backups.daily_due(self.desk, target) else None

        def failed(error: Exception) -> None:
            say(self.message, f"Sao lưu hằng ngày không thực hiện được: {getattr(error, 'message', error)}")

        self.runner.run(work, lambda done: done and self.show_state(), failed)

    def restore(self) -> None:
        start = str(self.target()) if self.target().is_dir() else ""
        chosen, _ = QFileDialog.getOpenFileName(self, "Chọn bản sao lưu", start, "Bản sao lưu Một cửa (*.mcbk)")
        if not chosen:
            return
        key, given = QInputDialog.getText(self, "Khóa khôi phục", "Khóa khôi phục (để trống nếu khôi phục trên chính "
                                          "máy đã sao lưu):")
        if not given:
            return
        sure = QMessageBox.question(self, "Khôi phục", "Tệp dữ liệu hiện tại sẽ được giữ lại bên cạnh và thay bằng bản "
                                    "sao lưu; phần mềm sẽ đóng sau khi khôi phục. Tiếp tục?")
        if sure != QMessageBox.StandardButton.Yes:
            return
        path, actor = self.desk.db.path, self.desk.actor or "quản trị"

        def work() -> Any:
            # Every connection closed first: the file is replaced under the desk's own instance lock.
            self.desk.db.dispose()
            return _backups().restore_file(path, Path(chosen), recovery_key=key.strip() or None, actor=actor)

        def done(restored: Any) -> None:
            QMessageBox.information(self, "Đã khôi phục", restored.message + " Hãy mở lại phần mềm rồi đồng bộ ngay.")
            window = self.window()
            if isinstance(window, QMainWindow):
                window.close()

        self.runner.run(work, done, lambda e: show_error(self, e))

    def save_years(self) -> None:
        years = self.years.value()
        self.runner.run(lambda: update_settings(self.desk, retention_years=years),
                        lambda _: say(self.message, "Đã lưu thời hạn lưu dữ liệu cá nhân.", ok=True),
                        lambda e: show_error(self, e))

    def purge(self) -> None:
        years = self.years.value()
        if years <= 0:
            say(self.message, "Hãy đặt thời hạn (số năm) trước.")
            return

        def ask(expired: list[Any]) -> None:
            ready = [e for e in expired if not e.waiting]
            if not ready:
                say(self.message, f"Không có hồ sơ nào đã kết thúc quá {years} năm còn dữ liệu cá nhân.", ok=True)
                return
            question = (f"Xóa họ tên, số định danh, ngày sinh, địa chỉ, điện thoại của {len(ready)} hồ sơ đã kết thúc "
                        f"quá {years} năm? Số liệu thống kê được giữ nguyên; không thể hoàn tác.")
            if QMessageBox.question(self, "Xóa dữ liệu cá nhân", question) == QMessageBox.StandardButton.Yes:
                self.runner.run(lambda: purge_expired(self.desk, years),
                                lambda r: say(self.message, r.message, ok=True), lambda e: show_error(self, e))

        self.runner.run(lambda: expired_dossiers(self.desk, years), ask, lambda e: show_error(self, e))


# -- the audit chain at start-up ----------------------------------------------------------------


CHAIN_CHECK_DELAY_MS = 3000  # after the window is interactive: the check must not slow its first page


def check_chain_at_start(window: QMainWindow, desk: Desk, runner: Runner) -> None:
    """Verify this desk's audit chain off the GUI thread; a broken chain puts a red banner on top.

    On a worker of its own, a few seconds after start-up: a long chain (years of work) must never
    queue the official's first reception behind it on the desk's one database worker (WAL: this
    reader blocks no writer)."""
    def checked(verdict: Verdict) -> None:
        if verdict.ok:
            return
        bar = QToolBar("Chuỗi kiểm toán", window)
        bar.setObjectName("audit_banner")
        bar.setMovable(False)
        label = QLabel("Cảnh báo: dữ liệu trên máy này đã bị sửa ngoài phần mềm. " + verdict.message
                       + " Hãy báo trưởng bộ phận và quản trị; chạy «motcua audit verify» để xem lại.")
        label.setWordWrap(True)
        label.setStyleSheet(BANNER_STYLE)
        bar.addWidget(label)
        window.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
        window.audit_banner = label  # type: ignore[attr-defined]  # tests read it

    if runner.synchronous:  # tests: at once, in order
        runner.run(lambda: verify_chain(desk), checked, lambda _: None)
        return
    own = Runner(parent=window)
    # `own` as the timer's context: a window closed before the delay takes its pending check with it.
    QTimer.singleShot(CHAIN_CHECK_DELAY_MS, own, lambda: own.run(lambda: verify_chain(desk), checked, lambda _: None))
