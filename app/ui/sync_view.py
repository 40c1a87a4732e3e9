"""What waits to be synced and why: each pending or refused change with its reason in Vietnamese
and what the official can do; enrollment with the upstream system; "Đồng bộ ngay"."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.lifecycle import ACTION_LABELS
from app.services import sync_state
from app.services.clock import show
from app.services.desk import Desk
from app.sync.pulled import set_aside
from app.ui.errors import message_for, show_error
from app.ui.runner import Runner
from app.ui.sync_scheduler import SyncScheduler
from app.ui.widgets import error_label, form_dialog

KINDS = {f"dossier.{a.value}": label for a, label in ACTION_LABELS.items()} | {
    "receipt.issued": "Lập biên lai", "receipt.voided": "Hủy biên lai",
    "receipt.signed": "Ký biên lai điện tử", "receipt.noticed": "Thông báo biên lai điện tử sai sót",
    "officer.saved": "Lưu tài khoản cán bộ", "desk.restored": "Khôi phục dữ liệu từ bản sao lưu"}
ADVICE_REJECTED = ("Hệ thống cấp trên từ chối thao tác này; các thao tác sau của cùng hồ sơ đang chờ. "
                   "Xử lý theo lý do, rồi bấm «Gửi lại»; nếu chưa rõ, hãy gọi quản trị cấp trên.")
ADVICE_ASIDE = ("Thay đổi này từ máy trạm khác không áp dụng được trên máy này; các thay đổi khác vẫn được nhận. "
                "Hãy báo quản trị cấp trên.")
HEADERS = ["Lúc", "Mã hồ sơ", "Việc", "Tình trạng", "Số lần gửi", "Lý do / việc cần làm"]


def _aside_rows(desk: Desk) -> list[dict[str, Any]]:
    """Pulled changes this desk set aside, in the shape of the outbox rows the table shows."""
    return [{"device_time": row["set_aside_at"], "code": row["payload"].get("code") or "", "kind": row["kind"],
             "state": "aside", "attempts": "", "last_error": row["reason"], "op_id": None}
            for row in set_aside(desk)]


class EnrollDialog(QDialog):
    def __init__(self, desk: Desk, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk, self.runner = desk, runner
        self.setWindowTitle("Đăng ký máy trạm với hệ thống cấp trên")
        self.hub = QLineEdit(desk.settings().hub_url, placeholderText="http://địa-chỉ-hệ-thống:8470")
        self.code = QLineEdit(placeholderText="Mã một lần do quản trị cấp trên cấp, ví dụ KLJ6-5T8Q")
        self.name = QLineEdit(desk.settings().device_name)
        self.error = error_label()
        form = QFormLayout()
        form.addRow("Địa chỉ hệ thống cấp trên", self.hub)
        form.addRow("Mã đăng ký", self.code)
        form.addRow("Tên máy trạm", self.name)
        form_dialog(self, form, self.error, "Đăng ký", self.submit)
        self.resize(620, 0)  # room for the address and the code's hint

    def submit(self) -> None:
        hub, code, name = self.hub.text().strip(), self.code.text().strip(), self.name.text().strip()
        if not hub or not code:
            self.error.setText("Hãy nhập địa chỉ hệ thống cấp trên và mã đăng ký.")
            return

        def failed(error: Exception) -> None:
            self.error.setText(message_for(error))  # a refusal's own words, or a plain message with an error id

        def run() -> object:
            from app.sync.client import enroll  # requests and keyring load here, not at start-up

            return enroll(self.desk, hub, code, name or "Máy trạm")

        self.runner.run(run, lambda _: self.accept(), failed)


class SyncView(QWidget):
    def __init__(self, desk: Desk, runner: Runner, scheduler: SyncScheduler, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk, self.runner, self.scheduler = desk, runner, scheduler
        self.summary = QLabel(wordWrap=True)
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.sync_button = QPushButton("Đồng bộ ngay")
        self.retry_button = QPushButton("Gửi lại thao tác đã chọn")
        self.enroll_button = QPushButton("Đăng ký máy trạm…")
        self.sync_button.clicked.connect(scheduler.sync_now)
        self.retry_button.clicked.connect(self.retry_selected)
        self.enroll_button.clicked.connect(self.open_enroll)
        buttons = QHBoxLayout()
        for button in (self.sync_button, self.retry_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.enroll_button)
        column = QVBoxLayout(self)
        column.addWidget(self.summary)
        column.addLayout(buttons)
        column.addWidget(self.table, 1)
        self.rows: list[dict[str, Any]] = []
        scheduler.finished.connect(lambda _: self.reload())
        self.reload()

    def reload(self) -> None:
        self.runner.run(lambda: sync_state.sync_problems(self.desk) + _aside_rows(self.desk), self._show,
                        lambda e: show_error(self, e))

    def _show(self, rows: list[dict[str, Any]]) -> None:
        self.rows = rows
        self.table.setRowCount(len(rows))
        for index, row in enumerate(rows):
            state, advice = {"rejected": ("Bị từ chối", f"{row['last_error']} — {ADVICE_REJECTED}"),
                             "aside": ("Nhận về nhưng chưa áp dụng được", f"{row['last_error']} — {ADVICE_ASIDE}"),
                             }.get(row["state"], ("Chờ gửi", "Sẽ tự gửi khi có kết nối."))
            values = (show(row["device_time"]), row["code"] or "", KINDS.get(row["kind"], "Thay đổi khác"),
                      state, str(row["attempts"]), advice)
            for column, value in enumerate(values):
                self.table.setItem(index, column, QTableWidgetItem(value))
        self.table.resizeColumnsToContents()
        settings = self.desk.settings()
        aside = sum(row["state"] == "aside" for row in rows)
        waiting = len(rows) - aside
        if not self.scheduler.enrolled:
            self.summary.setText("Máy trạm <b>chưa đăng ký</b> với hệ thống cấp trên: mọi thay đổi được giữ an toàn "
                                 "trên máy này và sẽ gửi đi sau khi đăng ký.")
        else:
            last = show(datetime.fromisoformat(settings.sync_last_success)) if settings.sync_last_success else "chưa có"
            self.summary.setText(f"Hệ thống cấp trên: <b>{settings.hub_url}</b>. Lần đồng bộ thành công gần nhất: "
                                 f"{last}. {waiting} thay đổi đang chờ hoặc bị từ chối"
                                 + (f"; {aside} thay đổi nhận về chưa áp dụng được." if aside else "."))

    def retry_selected(self) -> None:
        selected = self.table.selectionModel().selectedRows()
        if not selected:
            return
        op_id = self.rows[selected[0].row()]["op_id"]
        if op_id is None:
            return  # a change set aside on arrival: nothing of this desk's to send again
        self.runner.run(lambda: sync_state.retry_rejected(self.desk, op_id),
                        lambda _: (self.reload(), self.scheduler.sync_now()), lambda e: show_error(self, e))

    def open_enroll(self) -> EnrollDialog:
        dialog = EnrollDialog(self.desk, self.runner, self)
        dialog.accepted.connect(lambda: (self.scheduler.enrolled_now(), self.reload()))
        dialog.open()
        return dialog
