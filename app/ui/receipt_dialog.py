"""The receipt as the official is about to issue it: payer, fee and amount, prefilled from the
dossier (or from the wrong receipt) and editable. For a replacement it also asks why the old one is
voided and shows both numbers: the old one (voided) and the one the replacement will take."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QAbstractSpinBox, QDialog, QFormLayout, QLabel, QLineEdit, QWidget

from app.core.errors import DeskError, ValidationError
from app.core.limits import LIMITS
from app.core.money import amount_in_words, format_vnd
from app.core.receipts import E_TEMPLATE, format_e_number, format_number
from app.services.desk import Desk
from app.services.receipts import VOID_REASON_MAX, Issued, issue_receipt
from app.ui.errors import show_error
from app.ui.runner import Runner
from app.ui.widgets import error_label, form_dialog

FEE_NAME_MAX = 200  # the receipt's line for the fee holds two lines of a procedure's name
AMOUNT_MAX = 1_000_000_000  # a commune's fee is thousands of đồng; more is a typing slip


@dataclass(frozen=True)
class Prefill:
    payer_name: str
    fee_name: str
    amount: int
    title: str  # what the receipt is for: "Hồ sơ 000.17.22.H56-261118-2001"


@dataclass(frozen=True)
class Entered:
    """What the official confirmed: the receipt's payer, fee and amount, and a void's reason."""

    payer_name: str
    fee_name: str
    amount: int
    reason: str = ""


@dataclass(frozen=True)
class Replacing:
    old_label: str  # "AA/26T số 0000001"
    old_amount: int
    new_label: str  # the number the replacement is expected to take, or "" when no range has one


def parse_amount(text: str) -> int:
    """"12.000", "12 000 đ" or "12000" → 12000; anything else is refused with a message."""
    digits = text.replace(".", "").replace(" ", "").replace("\u00a0", "").removesuffix("đ").removesuffix("đồng")
    if not digits.isdigit():
        raise ValidationError("Số tiền chỉ gồm chữ số, ví dụ 12.000.", field="amount")
    amount = int(digits)
    if not 0 < amount <= AMOUNT_MAX:
        raise ValidationError(f"Số tiền phải lớn hơn 0 và không quá {format_vnd(AMOUNT_MAX)}.", field="amount")
    return amount


class SubmitDialog(QDialog):
    """A form that stays open until its work is done: OK emits `submitted`, the caller runs the
    service and then calls `accept()`, or `refused()` with the reason on the field it concerns.
    A second Enter while the work runs does nothing (no double void, no double range)."""

    submitted = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.fields: dict[str, QWidget] = {}
        self.busy = False
        self.error = error_label()

    def submit(self) -> None:
        if self.busy:
            return
        self.busy = True
        self.error.setText("")
        self.submitted.emit()

    def refused(self, message: str, field: str = "") -> None:
        """Shows why, on the field it concerns, and stays open: nothing was written."""
        self.busy = False
        self.error.setText(message)
        widget = self.fields.get(field)
        if widget is not None:
            widget.setFocus()
            if isinstance(widget, QLineEdit | QAbstractSpinBox):
                widget.selectAll()


class ReceiptDialog(SubmitDialog):
    """Asks; the caller issues through the services."""

    def __init__(self, prefill: Prefill, replacing: Replacing | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.replacing = replacing
        self.setWindowTitle("Hủy và lập biên lai thay thế" if replacing else "Lập biên lai thu phí, lệ phí")
        form = QFormLayout()
        form.addRow(QLabel(f"<b>{escape(prefill.title)}</b>"))
        # Both numbers, each on its own line (no wrapping: a wrapped label is cut in a form's row).
        self.old_number, self.new_number = QLabel(), QLabel()
        self.reason = QLineEdit(maxLength=VOID_REASON_MAX)
        if replacing:
            self.old_number.setText(f"<b>{escape(replacing.old_label)}</b> ({format_vnd(replacing.old_amount)}), "
                                    "giữ số, ghi là đã hủy")
            self.new_number.setText(f"→ <b>{escape(replacing.new_label)}</b>" if replacing.new_label
                                    else "→ chưa có số: hãy nhập dải số mới")
            form.addRow("Biên lai bị hủy", self.old_number)
            form.addRow("Biên lai thay thế", self.new_number)
            self._row(form, "&Lý do hủy", self.reason)
        self.payer = QLineEdit(prefill.payer_name, maxLength=LIMITS["owner_name"].max_chars)
        self.fee = QLineEdit(prefill.fee_name, maxLength=FEE_NAME_MAX)
        self.amount = QLineEdit(format_vnd(prefill.amount).removesuffix(" đ"), maxLength=15)
        self.words = QLabel(wordWrap=True)
        self._row(form, "&Người nộp tiền", self.payer)
        self._row(form, "Loại &phí, lệ phí", self.fee)
        self._row(form, "&Số tiền (đồng)", self.amount)
        form.addRow("Bằng chữ", self.words)
        self.fields = {"reason": self.reason, "payer_name": self.payer, "owner_name": self.payer,
                       "fee_name": self.fee, "amount": self.amount}
        ok = "Hủy &và lập biên lai mới" if replacing else "&Lập biên lai"
        form_dialog(self, form, self.error, ok, self._confirm)
        self.amount.textChanged.connect(self._words)
        self._words()
        (self.reason if replacing else self.amount).setFocus()
        self.resize(640, 0)

    @staticmethod
    def _row(form: QFormLayout, text: str, widget: QWidget) -> None:
        label = QLabel(text)
        label.setBuddy(widget)
        form.addRow(label, widget)

    def _words(self) -> None:
        try:
            self.words.setText(amount_in_words(parse_amount(self.amount.text())))
        except ValidationError:
            self.words.setText("…")

    def values(self) -> Entered:
        return Entered(self.payer.text(), self.fee.text(), parse_amount(self.amount.text()), self.reason.text())

    def _confirm(self) -> None:
        """Refuses here what can be seen before anything is written: a replacement must not void the
        old receipt and then fail on a missing amount or number."""
        try:
            self._check()
        except ValidationError as error:
            self.refused(error.message, error.field or "")
            return
        self.submit()

    def _check(self) -> None:
        if self.replacing is not None and not self.replacing.new_label:
            raise ValidationError("Không còn số biên lai nào trong các dải số: hãy nhập dải số mới được cấp "
                                  "trước khi hủy biên lai này.", field="")
        if self.replacing is not None and len(" ".join(self.reason.text().split())) < 5:
            raise ValidationError("Hãy ghi rõ lý do hủy biên lai (ít nhất 5 ký tự).", field="reason")
        if not self.payer.text().strip():
            raise ValidationError("Hãy ghi tên người nộp tiền.", field="payer_name")
        if not self.fee.text().strip():
            raise ValidationError("Hãy ghi tên loại phí, lệ phí.", field="fee_name")
        parse_amount(self.amount.text())


# -- a dossier whose fee was not collected at reception ("Lập biên lai" in its window) ---------------


def fee_to_collect(detail: dict[str, Any]) -> bool:
    """A fee is due (not exempted, not zero) and no receipt of the dossier stands (none, or all voided)."""
    dossier = detail["dossier"]
    live = [r for r in detail.get("receipts", []) if r["status"] == "issued"]
    return dossier["fee_amount"] > 0 and not dossier["fee_exemption"] and not live


def dossier_prefill(detail: dict[str, Any]) -> Prefill:
    """What the receipt will say unless the official corrects it: the service's own defaults."""
    dossier, procedure = detail["dossier"], detail["procedure"]
    fee_name = procedure.fee_rule.name or f"Phí, lệ phí {procedure.name.lower()}"
    return Prefill(dossier["owner_name"], fee_name, dossier["fee_amount"], f"Hồ sơ {dossier['code']}")


def dossier_receipt(parent: QWidget, desk: Desk, runner: Runner, uid: str, detail: dict[str, Any],
                    issued: Callable[[Issued], None]) -> ReceiptDialog:
    """Opens the receipt dialog for the dossier and issues through `issue_receipt` (the same service
    and numbering as at reception); only what the official changed is passed as a correction."""
    prefill = dossier_prefill(detail)
    dialog = ReceiptDialog(prefill, parent=parent)

    def submit() -> None:
        values = dialog.values()
        # None leaves the service's own value: only a correction is passed as one.
        payer = values.payer_name if values.payer_name != prefill.payer_name else None
        fee = values.fee_name if values.fee_name != prefill.fee_name else None
        amount = values.amount if values.amount != prefill.amount else None

        def failed(error: Exception) -> None:
            if isinstance(error, DeskError):
                dialog.refused(error.message, error.field or "")
            else:
                dialog.refused("")
                show_error(parent, error)

        def done(result: Issued) -> None:
            dialog.accept()
            issued(result)

        runner.run(lambda: issue_receipt(desk, dossier_uid=uid, payer_name=payer, fee_name=fee, amount=amount),
                   done, failed)

    dialog.submitted.connect(submit)
    dialog.open()
    return dialog


def receipts_html(receipts: list[dict[str, Any]]) -> str:
    """The dossier's receipts in its window: number (8 digits on an e-receipt), amount, a void with
    its reason, a replacement with the number it replaces."""
    numbers = {r["id"]: _number(r) for r in receipts}
    lines = []
    for r in receipts:
        line = f"– Số {_number(r)} ({r['template_symbol']} {r['series_symbol']}): {format_vnd(r['amount'])}"
        if r.get("replaces_id") in numbers:
            line += f", thay thế biên lai số {numbers[r['replaces_id']]}"
        if r["status"] == "voided":
            line += " — ĐÃ HỦY: " + r["void_reason"]
        lines.append(escape(line))
    return "<br/>".join(lines) or "– Chưa có"


def _number(receipt: dict[str, Any]) -> str:
    electronic = E_TEMPLATE.match(receipt["template_symbol"])  # EBL01/EBL02 name e-receipts only
    return format_e_number(receipt["number"]) if electronic else format_number(receipt["number"])
