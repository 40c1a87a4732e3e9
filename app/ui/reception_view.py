"""The reception screen: pick a procedure, scan or type the applicant, check the documents, see
the fee and the due time live, and receive. Keyboard first: focus starts in the procedure search,
Enter picks and moves on, a handheld scanner's QR lands in the scan box from any field, every field
and button has its Alt+letter, Ctrl+Enter receives, and a banner then says what was done."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractSpinBox,
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
    QVBoxLayout,
    QWidget,
)

from app.core.errors import DeskError, ValidationError
from app.core.fees import compute_fee
from app.core.identity import CccdCard, parse_cccd_qr
from app.core.limits import COUNTS, LIMITS, NeedsConfirmation
from app.core.money import amount_in_words, format_vnd
from app.core.text import fold
from app.core.wording import short_moment
from app.services.catalogue import ProcedureInForce, list_procedures
from app.services.clock import to_local
from app.services.desk import Desk
from app.services.reception import CHANNELS, ONLINE_PAYMENTS, RETURN_METHODS, DocumentInput, ReceptionInput
from app.services.reception_flow import Counter, receive_at_counter
from app.services.text_input import check_identity, clean_text, parse_birth_date
from app.ui.errors import show_error
from app.ui.reception_parts import ScanCatcher, add_document, chosen_documents, documents_table
from app.ui.runner import Runner
from app.ui.widgets import confirm_box, error_label, keyboard_table

FIELDS = ("owner_name", "cccd", "owner_birth_date", "owner_phone", "owner_email", "owner_address")
WARNING_STYLE = "color: #8a5300;"
BANNER_STYLE = "background: #e6f4ea; color: #1b5e20; border: 1px solid #a8d5b5; padding: 6px; font-weight: bold;"


class ReceptionView(QWidget):
    received = Signal(object)  # Counter

    def __init__(self, desk: Desk, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk, self.runner = desk, runner
        self.procedures: list[ProcedureInForce] = []
        self.errors: dict[str, QLabel] = {}
        self.confirmed: set[str] = set()  # warnings confirmed for the dossier on the form
        self.card: CccdCard | None = None  # the last scanned card, while the form still shows it
        self.question = None  # the open confirmation, for tests that answer it by keys
        self.banner = QLabel(wordWrap=True, styleSheet=BANNER_STYLE)
        self.banner.hide()
        columns = QHBoxLayout()
        columns.addWidget(self._procedure_box(), 3)
        columns.addWidget(self._owner_box(), 4)
        columns.addWidget(self._dossier_box(), 5)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addLayout(columns, 1)
        QShortcut(QKeySequence("Ctrl+Return"), self, activated=self.submit)
        QShortcut(QKeySequence("Ctrl+Enter"), self, activated=self.submit)
        self.catcher = ScanCatcher(self.scan, self.apply_scan)
        self.catcher.watch(*self.findChildren(QLineEdit), *self.findChildren(QAbstractSpinBox),
                           *self.findChildren(QComboBox), *self.findChildren(QCheckBox),
                           *self.findChildren(QPushButton), self.procedure_list, self.documents)
        self._live_checks()
        self.load_procedures()

    # -- building ---------------------------------------------------------------------------
    def _error_label(self, key: str) -> QLabel:
        label = error_label()
        label.hide()
        self.errors[key] = label
        return label

    def _procedure_box(self) -> QGroupBox:
        box = QGroupBox("1. Thủ tục")
        self.procedure_search = QLineEdit(placeholderText="Gõ tên, mã hoặc lĩnh vực (không dấu được) rồi Enter…")
        self.procedure_list = QListWidget(wordWrap=True, spacing=2)
        self.procedure_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # long names wrap
        keyboard_table(self.procedure_list)
        self.procedure_search.textChanged.connect(self._filter_procedures)
        self.procedure_search.returnPressed.connect(self._pick_first)
        self.procedure_search.installEventFilter(self)
        self.procedure_list.currentRowChanged.connect(lambda _: self._procedure_changed())
        self.procedure_list.activated.connect(lambda _: self.scan.setFocus())
        self.procedure_info = QLabel(wordWrap=True)
        label = QLabel("&Tìm thủ tục:", buddy=self.procedure_search)
        column = QVBoxLayout(box)
        column.addWidget(label)
        column.addWidget(self.procedure_search)
        column.addWidget(self.procedure_list, 1)
        column.addWidget(self.procedure_info)
        return box

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Down from the procedure search goes into the list (Enter picks the first and moves on)."""
        if (watched is self.procedure_search and isinstance(event, QKeyEvent)
                and event.type() == QEvent.Type.KeyPress and event.key() == Qt.Key.Key_Down
                and self.procedure_list.count()):
            self.procedure_list.setFocus(Qt.FocusReason.TabFocusReason)
            return True
        return super().eventFilter(watched, event)

    def _owner_box(self) -> QGroupBox:
        box = QGroupBox("2. Người nộp hồ sơ")
        self.scan = QLineEdit(placeholderText="Quét QR thẻ CCCD (ô nào cũng được)")
        self.scan.returnPressed.connect(self.apply_scan)
        self.owner_name = QLineEdit(maxLength=LIMITS["owner_name"].max_chars)
        self.cccd = QLineEdit(maxLength=12)
        self.birth = QLineEdit(placeholderText="dd/mm/yyyy hoặc ddmmyyyy")
        self.sex = QComboBox()
        self.sex.addItems(["", "Nam", "Nữ"])
        self.address = QLineEdit(maxLength=LIMITS["owner_address"].max_chars)
        self.phone, self.email = QLineEdit(maxLength=15), QLineEdit(maxLength=LIMITS["owner_email"].max_chars)
        form = QFormLayout(box)
        form.addRow("&Quét QR", self.scan)
        form.addRow("", self._error_label("qr"))
        rows = (("&Họ và tên", self.owner_name, "owner_name"), ("Số &CCCD", self.cccd, "cccd"),
                ("Ngày &sinh", self.birth, "owner_birth_date"), ("Giớ&i tính", self.sex, "owner_sex"),
                ("Đị&a chỉ", self.address, "owner_address"), ("Điện th&oại", self.phone, "owner_phone"),
                ("&Email", self.email, "owner_email"))
        for label, widget, key in rows:
            form.addRow(label, widget)
            form.addRow("", self._error_label(key))
        return box

    def _dossier_box(self) -> QGroupBox:
        box = QGroupBox("3. Hồ sơ, phí và hẹn trả")
        self.documents = documents_table()
        self.sets = QSpinBox(minimum=1, maximum=50, value=1)
        self.channel, self.return_method = QComboBox(), QComboBox()
        for key, label in CHANNELS.items():
            self.channel.addItem(label, key)
        for key, label in RETURN_METHODS.items():
            self.return_method.addItem(label, key)
        self.pages = QSpinBox(minimum=1, maximum=COUNTS["pages"].most)
        self.copies = QSpinBox(minimum=1, maximum=COUNTS["copies"].most)
        self.exemption = QComboBox()
        self.manual_fee = QSpinBox(minimum=0, maximum=100_000_000, singleStep=1000, suffix=" đ")
        self.fee_label, self.due_label = QLabel(wordWrap=True), QLabel(wordWrap=True)
        self.fee_label.setStyleSheet("font-weight: bold;")
        self.due_label.setStyleSheet("font-weight: bold;")
        self.print_now = QCheckBox("In giấy tiếp nhận và biên &lai ngay", checked=True)
        self.hand_over_now = QCheckBox("Trả kết quả ngay tại quầ&y (thủ tục giải quyết trong ngày)")
        self.submit_button = QPushButton("Tiếp &nhận (Ctrl+Enter)")
        self.submit_button.clicked.connect(self.submit)
        clear = QPushButton("&Xóa, nhập hồ sơ mới")
        clear.clicked.connect(lambda: self.clear())
        form = QFormLayout()
        form.addRow("Số bộ hồ sơ", self.sets)
        form.addRow("&Kênh nộp", self.channel)
        form.addRow("Nhận kết quả", self.return_method)
        form.addRow("Số hóa", self._report_facts())
        form.addRow("Số t&rang bản chính", self.pages)
        form.addRow("", self._error_label("pages"))
        form.addRow("Số &bản", self.copies)
        form.addRow("", self._error_label("copies"))
        form.addRow("Miễn &phí, lệ phí", self.exemption)
        form.addRow("Mức th&u (HĐND tỉnh)", self.manual_fee)
        form.addRow("", self._error_label("fee"))
        column = QVBoxLayout(box)
        column.addWidget(QLabel("&Danh sách giấy tờ đã nhận:", buddy=self.documents))
        column.addWidget(self.documents, 1)
        column.addWidget(self._error_label("documents"))
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

    def _live_checks(self) -> None:
        """The services' rules echoed at each field as it is typed; an error goes when the field is fixed."""
        for widget, key, limit in ((self.owner_name, "owner_name", "owner_name"),
                                   (self.address, "owner_address", "owner_address"),
                                   (self.email, "owner_email", "owner_email")):
            widget.textChanged.connect(lambda text, k=key, lim=limit: self._check_text(k, lim, text))
        self.phone.textChanged.connect(lambda _: self._show_error("owner_phone", ""))
        self.cccd.textChanged.connect(self._cccd_typed)
        self.birth.textChanged.connect(lambda _: self._check_identity())
        self.sex.currentIndexChanged.connect(lambda _: self._check_identity())
        self.pages.valueChanged.connect(lambda _: self._count_changed("pages"))
        self.copies.valueChanged.connect(lambda _: self._count_changed("copies"))
        self.scan.textChanged.connect(lambda text: self._show_error("qr", "") if text else None)

    def _check_text(self, key: str, limit: str, text: str) -> None:
        try:
            clean_text(text, limit)
        except DeskError as error:
            self._show_error(key, error.message)
            return
        self._show_error(key, "")

    def _cccd_typed(self, text: str) -> None:
        if len(text) == 12 and text.isdigit() and not self.sex.currentText():
            digit = int(text[3])
            self.sex.setCurrentText("Nam" if digit % 2 == 0 else "Nữ")  # the 4th digit says it
        self._check_identity()

    def _count_changed(self, key: str) -> None:
        self.confirmed.discard(key)
        limit, value = COUNTS[key], (self.pages if key == "pages" else self.copies).value()
        self._show_error(key, f"{limit.label} nhiều hơn thường lệ: sẽ hỏi lại khi tiếp nhận."
                         if value > limit.confirm_above else "", warning=True)

    def _check_identity(self) -> None:
        """Birth date and CCCD checked together as they are typed: an error in red, a mismatch as a
        warning (asked again at reception), nothing once both agree."""
        self.confirmed.discard("cccd_mismatch")
        self._show_error("owner_birth_date", "")
        self._show_error("cccd", "")
        number = self.cccd.text().strip()
        try:
            birth = parse_birth_date(self.birth.text())
            check_identity(number if len(number) == 12 else "", birth, self.sex.currentText(),
                           today=to_local(self.desk.now()).date())
        except NeedsConfirmation as warning:
            self._show_error("cccd", warning.message.replace(" Vẫn tiếp nhận với thông tin đã nhập?", ""),
                             warning=True)
        except DeskError as error:
            if error.field == "owner_birth_date" and len(self.birth.text().strip()) < 8:
                return  # still being typed
            self._show_error(error.field if error.field in self.errors else "cccd", error.message)

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
            add_document(self.documents, document["name"], document.get("form", "original"),
                         int(document.get("quantity", 1)), document.get("required", True))
        self.documents.resizeRowsToContents()  # a long name wraps onto a second line, not cut
        if self.documents.rowCount():
            self.documents.setCurrentCell(0, 0)
        for exemption in procedure.fee_rule.exemptions:
            self.exemption.addItem(exemption.reason, exemption.code)
        rule = procedure.fee_rule
        self.pages.setEnabled(rule.needs_pages)
        self.copies.setEnabled(rule.needs_copies)
        self.manual_fee.setEnabled(rule.kind == "provincial")
        self.hand_over_now.setEnabled(procedure.legal_time.kind == "same_day")
        self.hand_over_now.setChecked(False)
        self.update_quote()

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
        self.catcher.done()
        text = self.scan.text()
        self.scan.clear()
        try:
            card = parse_cccd_qr(text, today=to_local(self.desk.now()).date())
        except DeskError as error:
            self._show_error("qr", error.message)
            return
        self._show_error("qr", "")
        self.owner_name.setText(card.full_name)
        self.cccd.setText(card.number)
        self.birth.setText(f"{card.birth_date:%d/%m/%Y}")
        self.sex.setCurrentText(card.sex)
        self.address.setText(card.address)
        self.card = card
        self.phone.setFocus()

    def _scanned(self) -> bool:
        """The form still shows the scanned card as read (an edit makes it typed input)."""
        card = self.card
        return card is not None and (self.cccd.text(), self.birth.text(), self.sex.currentText()) == (
            card.number, f"{card.birth_date:%d/%m/%Y}", card.sex)

    # -- submitting -------------------------------------------------------------------------
    def _show_error(self, key: str, message: str, *, warning: bool = False) -> None:
        label = self.errors.get(key, self.errors["form"])
        label.setStyleSheet(WARNING_STYLE if warning else "color: #b00020;")
        label.setText(message)
        label.setVisible(bool(message))

    def _documents(self) -> tuple[DocumentInput, ...]:
        return tuple(DocumentInput(name, form, quantity) for name, form, quantity in chosen_documents(self.documents))

    def _report_facts(self) -> QWidget:
        """What the reports read (issue 13): scanned components, data from the national store, and for
        an online dossier how its fee was paid."""
        self.docs_digitised = QCheckBox("Thành phần đã số hóa")
        self.docs_reused = QCheckBox("Lấy từ Kho dữ liệu")
        self.online_payment = QComboBox()
        for key, label in ONLINE_PAYMENTS.items():
            self.online_payment.addItem(label, key)
        self.online_payment.setToolTip("Phí, lệ phí của hồ sơ trực tuyến đã được thanh toán trực tuyến qua đâu")
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        for widget in (self.docs_digitised, self.docs_reused, self.online_payment):
            line.addWidget(widget)
        return row

    def form(self) -> ReceptionInput:
        procedure = self.current_procedure()
        if procedure is None:
            raise ValidationError("Hãy chọn thủ tục.", field="form")
        return ReceptionInput(
            procedure.code, self.owner_name.text(), owner_id_number=self.cccd.text(),
            owner_birth_date=parse_birth_date(self.birth.text()), owner_sex=self.sex.currentText(),
            owner_address=self.address.text(),
            owner_phone=self.phone.text(), owner_email=self.email.text(), documents=self._documents(),
            sets_count=self.sets.value(), channel=self.channel.currentData(),
            return_method=self.return_method.currentData(), pages=self.pages.value(), copies=self.copies.value(),
            exemption=self.exemption.currentData(), manual_fee=self._manual_amount(procedure),
            confirmed=frozenset(self.confirmed), scanned=self._scanned(),
            online_payment=self.online_payment.currentData(), docs_digitised=self.docs_digitised.isChecked(),
            docs_reused=self.docs_reused.isChecked(),
        )

    def submit(self) -> None:
        if not self.submit_button.isEnabled():
            return  # a reception is on its way
        for key in self.errors:
            self._show_error(key, "")
        self.banner.hide()
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
        if isinstance(error, NeedsConfirmation):
            self._ask(error)
        elif isinstance(error, DeskError):
            self._show_error(error.field if error.field in self.errors else "form", error.message)
            widget = self._field_widget(error.field)
            if widget is not None:
                widget.setFocus()
        else:
            show_error(self, error)

    def _ask(self, warning: NeedsConfirmation) -> None:
        """Unusual input: the official confirms with Enter (received as typed) or goes back with Esc."""
        self._show_error(warning.field if warning.field in self.errors else "form", warning.message, warning=True)

        def yes() -> None:
            self.confirmed.add(warning.key)
            self.submit()

        def back() -> None:
            widget = self._field_widget(warning.field)
            if widget is not None:
                widget.setFocus()

        self.question = confirm_box(self, "Xin xác nhận", warning.message, "&Có, tiếp nhận", yes, back)

    def _field_widget(self, key: str | None) -> QWidget | None:
        return {"owner_name": self.owner_name, "cccd": self.cccd, "owner_birth_date": self.birth,
                "owner_sex": self.sex, "owner_address": self.address, "owner_phone": self.phone,
                "owner_email": self.email, "pages": self.pages, "copies": self.copies, "documents": self.documents,
                "qr": self.scan}.get(key or "")

    def _done(self, result: Counter) -> None:
        self.submit_button.setEnabled(True)
        self.received.emit(result)
        self.clear(keep_message=bool(result.receipt_problem))
        self._show_error("form", result.receipt_problem)

    def show_banner(self, text: str) -> None:
        self.banner.setText(text)
        self.banner.setVisible(bool(text))

    def clear(self, keep_message: bool = False) -> None:
        for widget in (self.scan, self.owner_name, self.cccd, self.birth, self.address, self.phone, self.email):
            widget.clear()
        self.sex.setCurrentIndex(0)
        for key in self.errors:
            if not (keep_message and key == "form"):
                self._show_error(key, "")
        self.confirmed.clear()
        self.card = None
        self.sets.setValue(1)
        self.pages.setValue(1)
        self.copies.setValue(1)
        self.manual_fee.setValue(0)
        self.docs_digitised.setChecked(False)
        self.docs_reused.setChecked(False)
        self.online_payment.setCurrentIndex(0)
        self._procedure_changed()
        self.procedure_search.setFocus()
        self.procedure_search.selectAll()
