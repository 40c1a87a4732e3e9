"""One place where errors reach the official. A refusal (DeskError) shows its own Vietnamese
message; anything else shows a plain message and a short error id, while the traceback goes to the
log file under that id (app.logs) and never to the screen."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from app.core.errors import DeskError
from app.logs import report_unexpected

UNEXPECTED = "Đã xảy ra lỗi ngoài dự kiến. Dữ liệu đã lưu trước đó vẫn an toàn; hãy thử lại."


def unexpected_message(error_id: str) -> str:
    return f"{UNEXPECTED}\n\nMã lỗi: {error_id}, hãy báo cho cán bộ kỹ thuật."


def message_for(error: BaseException) -> str:
    if isinstance(error, DeskError):
        return error.message
    return unexpected_message(report_unexpected(error))  # logged once, even if the runner logged it first


def show_error(parent: QWidget | None, error: BaseException, title: str = "Không thực hiện được") -> QMessageBox:
    box = QMessageBox(QMessageBox.Icon.Warning, title, message_for(error), QMessageBox.StandardButton.Ok, parent)
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)  # the id can be copied
    box.open()
    return box
