"""Asks for what a lifecycle action needs (a reason, a unit, a new date…), then confirms."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from PySide6.QtCore import QDateTime
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from app.core.lifecycle import Action
from app.services.clock import LOCAL_ZONE
from app.services.processing import HAND_OVER_METHODS, RATINGS
from app.ui.widgets import error_label, form_dialog

UNITS = ["Công chức Tư pháp - Hộ tịch", "Công chức Địa chính - Xây dựng", "Công chức Văn hóa - Xã hội",
         "Công chức Văn phòng - Thống kê", "Công chức Tài chính - Kế toán"]


@dataclass(frozen=True)
class Ask:
    key: str
    label: str
    kind: str  # line | text | lines | choice | datetime
    choices: tuple[tuple[str, str], ...] = ()  # (value, label)
    default: Any = ""


ASKS: dict[Action, tuple[Ask, ...]] = {
    Action.FORWARD: (Ask("to_unit", "Chuyển đến", "choice", tuple((u, u) for u in UNITS)),
                     Ask("note", "Ghi chú", "line")),
    Action.REQUEST_SUPPLEMENT: (Ask("missing_documents", "Giấy tờ cần bổ sung (mỗi dòng một loại)", "lines"),
                                Ask("reason", "Lý do", "text")),
    Action.RECEIVE_SUPPLEMENT: (Ask("note", "Ghi chú", "line"),),
    Action.REFUSE: (Ask("reason", "Lý do từ chối", "text"),),
    Action.RESCHEDULE: (Ask("new_due", "Ngày giờ hẹn trả mới", "datetime"), Ask("reason", "Lý do chậm", "text")),
    Action.STOP: (Ask("reason", "Lý do dừng giải quyết", "text"),),
    Action.FINISH: (Ask("note", "Kết quả / ghi chú", "line"),
                    # what the reports and the national portal read of the result (issue 13)
                    Ask("result_digitised", "Hình thức kết quả", "choice",
                        ((False, "Bản giấy"), (True, "Bản điện tử (kết quả đã số hóa)"))),
                    Ask("result_code", "Số, ký hiệu giấy tờ kết quả", "line")),
    Action.HAND_OVER: (Ask("receiver", "Người nhận kết quả", "line"),
                       Ask("method", "Hình thức", "choice", tuple(HAND_OVER_METHODS.items())),
                       Ask("note", "Ghi chú", "line")),
    Action.WITHDRAW: (Ask("reason", "Lý do rút hồ sơ", "text"),),
    Action.RATE: (Ask("level", "Mức độ hài lòng", "choice", tuple(RATINGS.items())), Ask("comment", "Ý kiến", "line")),
}


class ActionDialog(QDialog):
    def __init__(self, action: Action, title: str, defaults: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.asks = ASKS[action]
        self.inputs: dict[str, QWidget] = {}
        form = QFormLayout()
        for ask in self.asks:
            widget = self._input(ask, defaults.get(ask.key, ask.default))
            self.inputs[ask.key] = widget
            form.addRow(ask.label, widget)
        self.error = error_label()
        form_dialog(self, form, self.error, "&Xác nhận", self.accept)
        self.resize(520, 0)

    @staticmethod
    def _input(ask: Ask, default: Any) -> QWidget:
        if ask.kind == "choice":
            combo = QComboBox(editable=ask.key == "to_unit")
            for value, label in ask.choices:
                combo.addItem(label, value)
            return combo
        if ask.kind in ("text", "lines"):
            edit = QPlainTextEdit(str(default or ""))
            edit.setTabChangesFocus(True)  # Tab goes on to the next field and the buttons, not into the text
            return edit
        if ask.kind == "datetime":
            edit = QDateTimeEdit(calendarPopup=True, displayFormat="HH:mm dd/MM/yyyy")
            edit.setDateTime(QDateTime(default) if isinstance(default, datetime) else QDateTime.currentDateTime())
            return edit
        return QLineEdit(str(default or ""))

    def values(self) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for ask in self.asks:
            widget = self.inputs[ask.key]
            if isinstance(widget, QComboBox):
                result[ask.key] = widget.currentData() if not widget.isEditable() else widget.currentText()
            elif isinstance(widget, QPlainTextEdit):
                raw = widget.toPlainText()
                result[ask.key] = [line for line in raw.splitlines() if line.strip()] if ask.kind == "lines" else raw
            elif isinstance(widget, QDateTimeEdit):
                result[ask.key] = widget.dateTime().toPython().replace(tzinfo=LOCAL_ZONE)
            else:
                result[ask.key] = widget.text()
        return result

    def show_error(self, message: str) -> None:
        self.error.setText(message)
