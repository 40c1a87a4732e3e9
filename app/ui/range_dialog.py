"""An administrator enters a range of receipt numbers from its issuing notice: kind, template
symbol, series, first and last number, and the notice's number and date."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QComboBox, QDateEdit, QFormLayout, QLabel, QLineEdit, QSpinBox, QWidget

from app.core.receipts import MAX_NUMBER
from app.services.receipt_ranges import NOTICE_NUMBER_MAX, RangeInput
from app.ui.receipt_dialog import SubmitDialog
from app.ui.widgets import form_dialog

KINDS = (("paper", "Biên lai giấy (tự in, đặt in)"), ("electronic", "Biên lai điện tử"))
EXAMPLES = {"paper": ("01BLP0-001", "AA/26T"), "electronic": ("EBL01", "27TAA")}


def _number_box() -> QSpinBox:
    box = QSpinBox(minimum=1, maximum=MAX_NUMBER)
    box.setAccelerated(True)
    return box


class RangeDialog(SubmitDialog):
    """Asks; the caller records through `add_range`, then accepts or shows the refusal here."""

    def __init__(self, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Nhập dải số biên lai mới")
        self.kind = QComboBox()
        for value, label in KINDS:
            self.kind.addItem(label, value)
        self.template = QLineEdit(maxLength=20)
        self.series = QLineEdit(maxLength=20)
        self.first = _number_box()
        self.last = _number_box()
        self.notice_number = QLineEdit(maxLength=NOTICE_NUMBER_MAX, placeholderText="ví dụ 05/TB-UBND")
        self.notice_date = QDateEdit(QDate(today), calendarPopup=True, displayFormat="dd/MM/yyyy")
        self.fields = {
            "kind": self.kind, "template_symbol": self.template, "series_symbol": self.series, "range": self.first,
            "notice_number": self.notice_number, "notice_date": self.notice_date,
        }
        form = QFormLayout()
        for text, widget in (("&Loại biên lai", self.kind), ("Ký hiệu &mẫu", self.template),
                             ("&Ký hiệu biên lai", self.series), ("&Từ số", self.first), ("Đế&n số", self.last),
                             ("Số thông &báo phát hành", self.notice_number), ("Ngà&y thông báo", self.notice_date)):
            label = QLabel(text)
            label.setBuddy(widget)
            form.addRow(label, widget)
        form_dialog(self, form, self.error, "&Ghi dải số", self.submit)
        self.kind.currentIndexChanged.connect(self._examples)
        self._examples()
        self.resize(520, 0)

    def _examples(self) -> None:
        template, series = EXAMPLES[self.kind.currentData()]
        self.template.setPlaceholderText(f"ví dụ {template}")
        self.series.setPlaceholderText(f"ví dụ {series}")

    def value(self) -> RangeInput:
        return RangeInput(self.kind.currentData(), self.template.text(), self.series.text(), self.first.value(),
                          self.last.value(), self.notice_number.text(), self.notice_date.date().toPython())
