"""One place where errors reach the official: a Vietnamese message, and the technical detail
behind a button so it can be copied to whoever supports the desk."""

from __future__ import annotations

import logging
import traceback

from PySide6.QtWidgets import QMessageBox, QWidget

from app.core.errors import DeskError

log = logging.getLogger(__name__)


def message_for(error: BaseException) -> str:
    if isinstance(error, DeskError):
        return error.message
    return "Đã xảy ra lỗi ngoài dự kiến. Dữ liệu đã lưu trước đó vẫn an toàn. Hãy thử lại; nếu lỗi lặp lại, " \
           "hãy chép phần «Chi tiết» gửi cho cán bộ kỹ thuật."


def show_error(parent: QWidget | None, error: BaseException, title: str = "Không thực hiện được") -> QMessageBox:
    if not isinstance(error, DeskError):
        log.error("unexpected error: %s", "".join(traceback.format_exception(error)))
    box = QMessageBox(QMessageBox.Icon.Warning, title, message_for(error), QMessageBox.StandardButton.Ok, parent)
    box.setDetailedText("".join(traceback.format_exception(error)))
    box.open()
    return box
