"""The reception screen: pick a procedure, scan or type the applicant, check the documents, see
the fee and the due time live, and receive. Keyboard first: a handheld scanner types the chip
card's QR into the scan box and ends with Enter."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.errors import DeskError, ValidationError
from app.core.fees import compute_fee
from app.core.identity import parse_cccd_qr
from app.core.money import amount_in_words, format_vnd
from app.core.text import fold
from app.core.wording import short_moment
from app.services.catalogue import DOCUMENT_FORMS, ProcedureInForce, list_procedures
from app.services.clock import to_local
from app.services.desk import Desk
from app.services.reception import CHANNELS, RETURN_METHODS, DocumentInput, ReceptionInput
from app.services.reception_flow import Counter, receive_at_counter
from app.ui.errors import show_error
from app.ui.runner import Runner
from app.ui.widgets import error_label

FIELDS = ("owner_name", "cccd", "owner_birth_date", "owner_phone", "owner_email", "owner_address")


class ReceptionView(QWidget):
    received = Signal(object)  # Counter

    def __init__(self, desk: Desk, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk, self.runner = desk, runner
        self.procedures: list[ProcedureInForce] = []
        self.errors: dict[str, QLabel] = {}
        layout = QHBoxLayout(self)
        layout.addWidget(self._procedure_box(), 3)
        layout.addWidget(self._owner_box(), 4)
        layout.addWidget(self._dossier_box(), 5)
        QShortcut(QKeySequence("Ctrl+Return"), self, activated=self.submit)
        self.load_procedures()

    # -- building ---------------------------------------------------------------------------
    def _error_label(self, key: str) -> QLabel:
        label = error_label()
        label.hide()
        self.errors[key] = label
        return label

    def _procedure_box(self) -> QGroupBox:
        box = QGroupBox("1. Thủ tục")
        self.procedure_search = QLineEdit(placeholderText="Gõ tên, mã hoặc lĩnh vực (không dấu được)…")
        self.procedure_list = QListWidget()
        self.procedure_search.textChanged.connect(self._filter_procedures)
        self.procedure_search.returnPressed.connect(self._pick_first)
        self.procedure_list.currentRowChanged.connect(lambda _: self._procedure_changed())
        self.procedure_info = QLabel(wordWrap=True)
        column = QVBoxLayout(box)
        column.addWidget(self.procedure_search)
        column.addWidget(self.procedure_list, 1)
        column.addWidget(self.procedure_info)
        return box

    def _owner_box(self) -> QGroupBox:
        box = QGroupBox("2. Người nộp hồ sơ")
        self.scan = QLineEdit(placeholderText="Quét mã QR trên thẻ CCCD vào đây rồi Enter")
        self.scan.returnPressed.connect(self.apply_scan)
        self.owner_name, self.cccd = QLineEdit(), QLineEdit(maxLength=12)
        self.birth = QLineEdit(placeholderText="dd/mm/yyyy")
        self.sex = QComboBox()
        self.sex.addItems(["", "Nam", "Nữ"])
        self.address, self.phone, self.email = QLineEdit(), QLineEdit(), QLineEdit()
        form = QFormLayout(box)
        form.addRow("Quét QR", self.scan)
        form.addRow("", self._error_label("qr"))
        rows = (("Họ và tên", self.owner_name, "owner_name"), ("Số CCCD", self.cccd, "cccd"),
                ("Ngày sinh", self.birth, "owner_birth_date"), ("Giới tính", self.sex, None),
                ("Địa chỉ", self.address, "owner_address"), ("Điện thoại", self.phone, "owner_phone"),
                ("Email", self.email, "owner_email"))
        for label, widget, key in rows:
            form.addRow(label, widget)
            if key:
                form.addRow("", self._error_label(key))
        return box

    def _dossier_box(self) -> QGroupBox:
        box = QGroupBox("3. Hồ sơ, phí và hẹn trả")
        self.documents = QTableWidget(0, 3)
        self.documents.setHorizontalHeaderLabels(["Giấy tờ", "Hình thức", "Số lượng"])
        self.documents.horizontalHeader().setStretchLastSection(False)
        self.documents.setColumnWidth(0, 300)
        self.sets = QSpinBox(minimum=1, maximum=50, value=1)
        self.channel, self.return_method = QComboBox(), QComboBox()
        for key, label in CHANNELS.items():
            self.channel.addItem(label, key)
        for key, label in RETURN_METHODS.items():
            self.return_method.addItem(label, key)
        self.pages, self.copies = QSpinBox(minimum=1, maximum=10_000), QSpinBox(minimum=1, maximum=10_000)
        self.exemption = QComboBox()
        self.manual_fee = QSpinBox(minimum=0, maximum=100_000_000, singleStep=1000, suffix=" đ")
        self.fee_label, self.due_label = QLabel(wordWrap=True), QLabel(wordWrap=True)
        self.fee_label.setStyleSheet("font-weight: bold;")
        self.due_label.setStyleSheet("font-weight: bold;")
        self.print_now = QCheckBox("In giấy tiếp nhận và biên lai ngay", checked=True)
        self.hand_over_now = QCheckBox("Trả kết quả ngay tại quầy (thủ tục giải quyết trong ngày)")
        self.submit_button = QPushButton("Tiếp nhận (Ctrl+Enter)")
        self.submit_button.clicked.connect(self.submit)
        clear = QPushButton("Nhập hồ sơ mới")
        clear.clicked.connect(self.clear)
        form = QFormLayout()
        form.addRow("Số bộ hồ sơ", self.sets)
        form.addRow("Kênh nộp", self.channel)
        form.addRow("Nhận kết quả", self.return_method)
        form.addRow("Số trang bản chính", self.pages)
        form.addRow("Số bản", self.copies)
        form.addRow("Miễn phí, lệ phí", self.exemption)
        form.addRow("Mức thu (HĐND tỉnh)", self.manual_fee)
        form.addRow("", self._error_label("fee"))
        column = QVBoxLayout(box)
        column.addWidget(QLabel("Thành phần hồ sơ đã nhận:"))
        column.addWidget(self.documents, 1)
        column.addLayout(form)
        column.addWidget(self.fee_label)
        column.addWidget(self.due_label)
        column.addWidget(self._error_label("form"))
        column.addWidget(self.print_now)
        column.addWidget(self.hand_over_now)
        buttons = QHBoxLayout()
        buttons.addWidget(clear)
        buttons.addWidget(self.submit_button, 1)
        column.addLayout(buttons)
        for spin in (self.pages, self.copies, self.manual_fee):
            spin.valueChanged.connect(self.update_quote)
        self.exemption.currentIndexChanged.connect(self.update_quote)
        return box

    # -- procedures -------------------------------------------------------------------------
    def load_procedures(self) -> None:
        day = to_local(self.desk.now()).date()
        self.runner.run(lambda: (list_procedures(self.desk, day), self.desk.calendar()), self._procedures_loaded,
                        lambda error: show_error(self, error))

    def _procedures_loaded(self, loaded: tuple[list[ProcedureInForce], object]) -> None:
        self.procedures = loaded[0]
        self._filter_procedures(self.procedure_search.text())

    def _filter_procedures(self, query: str) -> None:
        folded = fold(query)
        self.procedure_list.clear()
        for procedure in self.procedures:
            haystack = fold(f"{procedure.name} {procedure.code} {procedure.national_code or ''} {procedure.field}")
            if all(word in haystack for word in folded.split()):
                code = procedure.national_code or procedure.code
                item = QListWidgetItem(f"{procedure.name}\n{procedure.field} · {code}")
                item.setData(Qt.ItemDataRole.UserRole, procedure)
                self.procedure_list.addItem(item)
        if self.procedure_list.count():
            self.procedure_list.setCurrentRow(0)

    def _pick_first(self) -> None:
        if self.procedure_list.count():
            self.procedure_list.setCurrentRow(0)
            self.scan.setFocus()

    def current_procedure(self) -> ProcedureInForce | None:
        item = self.procedure_list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item else None

    def _procedure_changed(self) -> None:
        procedure = self.current_procedure()
        self.documents.setRowCount(0)
        self.exemption.clear()
        self.exemption.addItem("Không miễn", None)
        if procedure is None:
            self.update_quote()
            return
        self.procedure_info.setText(f"<b>{procedure.name}</b><br/>Thời hạn: {procedure.legal_time.describe()}"
                                    f"<br/><i>{procedure.legal_basis}</i>")
        for document in procedure.documents:
            self._add_document(document["name"], document.get("form", "original"), int(document.get("quantity", 1)),
                               document.get("required", True))
        for exemption in procedure.fee_rule.exemptions:
            self.exemption.addItem(exemption.reason, exemption.code)
        rule = procedure.fee_rule
        self.pages.setEnabled(rule.needs_pages)
        self.copies.setEnabled(rule.needs_copies)
        self.manual_fee.setEnabled(rule.kind == "provincial")
        self.hand_over_now.setEnabled(procedure.legal_time.kind == "same_day")
        self.hand_over_now.setChecked(False)
        self.update_quote()

    def _add_document(self, name: str, form: str, quantity: int, checked: bool) -> None:
        row = self.documents.rowCount()
        self.documents.insertRow(row)
        item = QTableWidgetItem(name)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        self.documents.setItem(row, 0, item)
        forms = QComboBox()
        for key, label in DOCUMENT_FORMS.items():
            forms.addItem(label, key)
        forms.setCurrentIndex(max(0, forms.findData(form)))
        self.documents.setCellWidget(row, 1, forms)
        self.documents.setCellWidget(row, 2, QSpinBox(minimum=1, maximum=100, value=quantity))

    # -- live quote -------------------------------------------------------------------------
    def update_quote(self) -> None:
        procedure = self.current_procedure()
        self._show_error("fee", "")
        if procedure is None:
            self.fee_label.setText("Chọn một thủ tục.")
            self.due_label.setText("")
            return
        try:
            quote = compute_fee(procedure.fee_rule, pages=self.pages.value(), copies=self.copies.value(),
                                exemption=self.exemption.currentData(), manual_amount=self._manual_amount(procedure))
            words = f" ({amount_in_words(quote.amount)})" if quote.amount else ""
            self.fee_label.setText(f"Phí, lệ phí: {format_vnd(quote.amount)}{words} — {quote.detail}")
        except DeskError as error:
            self.fee_label.setText("Phí, lệ phí: chưa tính được")
            self._show_error("fee", error.message)
        due = self.desk.calendar().due_for(to_local(self.desk.now()), procedure.legal_time)
        self.due_label.setText(f"Hẹn trả kết quả: {short_moment(due)}")

    def _manual_amount(self, procedure: ProcedureInForce) -> int | None:
        if procedure.fee_rule.kind != "provincial" or procedure.fee_rule.amount is not None:
            return None
        return self.manual_fee.value() or None

    # -- scanning ---------------------------------------------------------------------------
    def apply_scan(self) -> None:
        """Fills the applicant from the chip card's QR; never logs or keeps the raw string."""
        text = self.scan.text()
        self.scan.clear()
        try:
            card = parse_cccd_qr(text)
        except DeskError as error:
            self._show_error("qr", error.message)
            return
        self._show_error("qr", "")
        self.owner_name.setText(card.full_name)
        self.cccd.setText(card.number)
        self.birth.setText(f"{card.birth_date:%d/%m/%Y}")
        self.sex.setCurrentText(card.sex)
        self.address.setText(card.address)
        self.phone.setFocus()

    # -- submitting -------------------------------------------------------------------------
    def _show_error(self, key: str, message: str) -> None:
        label = self.errors.get(key, self.errors["form"])
        label.setText(message)
        label.setVisible(bool(message))

    def _birth_date(self) -> date | None:
        text = self.birth.text().strip()
        if not text:
            return None
        try:
            day, month, year = (int(part) for part in text.replace("-", "/").split("/"))
            return date(year, month, day)
        except ValueError:
            raise ValidationError("Ngày sinh phải theo dạng dd/mm/yyyy.", field="owner_birth_date") from None

    def _documents(self) -> tuple[DocumentInput, ...]:
        chosen = []
        for row in range(self.documents.rowCount()):
            item = self.documents.item(row, 0)
            if item.checkState() == Qt.CheckState.Checked:
                chosen.append(DocumentInput(item.text(), self.documents.cellWidget(row, 1).currentData(),
                                            self.documents.cellWidget(row, 2).value()))
        return tuple(chosen)

    def form(self) -> ReceptionInput:
        procedure = self.current_procedure()
        if procedure is None:
            raise ValidationError("Hãy chọn thủ tục.", field="form")
        return ReceptionInput(
            procedure.code, self.owner_name.text(), owner_id_number=self.cccd.text(),
            owner_birth_date=self._birth_date(), owner_sex=self.sex.currentText(), owner_address=self.address.text(),
            owner_phone=self.phone.text(), owner_email=self.email.text(), documents=self._documents(),
            sets_count=self.sets.value(), channel=self.channel.currentData(),
            return_method=self.return_method.currentData(), pages=self.pages.value(), copies=self.copies.value(),
            exemption=self.exemption.currentData(), manual_fee=self._manual_amount(procedure),
        )

    def submit(self) -> None:
        for key in self.errors:
            self._show_error(key, "")
        try:
            form = self.form()
        except DeskError as error:
            self._refused(error)
            return
        hand_over = self.hand_over_now.isChecked() and self.hand_over_now.isEnabled()
        self.submit_button.setEnabled(False)
        self.runner.run(lambda: receive_at_counter(self.desk, form, hand_over_now=hand_over), self._done,
                        self._refused)

    def _refused(self, error: Exception) -> None:
        self.submit_button.setEnabled(True)
        if isinstance(error, DeskError):
            self._show_error(error.field if error.field in self.errors else "form", error.message)
        else:
            show_error(self, error)

    def _done(self, result: Counter) -> None:
        self.submit_button.setEnabled(True)
        self._show_error("form", result.receipt_problem)
        self.received.emit(result)
        self.clear(keep_message=bool(result.receipt_problem))

    def clear(self, keep_message: bool = False) -> None:
        for widget in (self.scan, self.owner_name, self.cccd, self.birth, self.address, self.phone, self.email):
            widget.clear()
        self.sex.setCurrentIndex(0)
        for key in self.errors:
            if not (keep_message and key == "form"):
                self._show_error(key, "")
        self.sets.setValue(1)
        self.pages.setValue(1)
        self.copies.setValue(1)
        self.manual_fee.setValue(0)
        self._procedure_changed()
        self.procedure_search.setFocus()
        self.procedure_search.selectAll()
