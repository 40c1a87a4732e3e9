"""The e-receipt page of the settings screen: the collector's signing key (a USB token or a
certificate file) with its PIN or password, tried before it is kept, and what the tax office and
the registration need. What `motcua ereceipt setup` does, for a commune with no one to type it.

The key is opened by the same service a receipt uses (app.services.ereceipts.configure /
signer_state), on the runner: a token answers slowly and the window never waits on it. The PIN
goes to the OS credential store through the service and is cleared from the field at once."""

from __future__ import annotations

from datetime import date, datetime

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.errors import ValidationError
from app.core.permissions import Perm
from app.services.desk import Desk
from app.services.ereceipts import SignerState, configure, save_office, signer_state
from app.services.signer_config import KINDS  # the screen is built at first show: its keyring may load
from app.ui.errors import message_for
from app.ui.runner import Runner
from app.ui.widgets import error_label, say

WHERE_LABELS = {"pkcs11": "Thư viện của thiết bị (tệp .dll do nhà cung cấp cài)",
                "pkcs12": "Tệp chứng thư số", "demo": "Tệp chứng thư thử nghiệm"}
FILE_FILTERS = {"pkcs11": "Thư viện thiết bị ký số (*.dll *.so *.dylib)",
                "pkcs12": "Chứng thư số (*.p12 *.pfx)", "demo": "Chứng thư số (*.p12 *.pfx)"}
OFFICE_FIELDS = (("tax_office_code", "Mã cơ quan thuế quản lý"), ("tax_office_name", "Tên cơ quan thuế quản lý"),
                 ("collector_budget_code", "Mã đơn vị quan hệ ngân sách"),
                 ("ereceipt_contact_name", "Người liên hệ"), ("ereceipt_contact_email", "Thư điện tử liên hệ"))


def switch_day(text: str) -> str:
    """The early-switch day as officials write it (dd/mm/yyyy), stored as YYYY-MM-DD; empty: none."""
    text = text.strip()
    if not text:
        return ""
    try:
        return datetime.strptime(text, "%d/%m/%Y").date().isoformat()
    except ValueError:
        raise ValidationError("Ngày chuyển sớm phải ghi theo dạng ngày/tháng/năm, ví dụ 15/12/2026.",
                              field="ereceipts_from") from None


def left_aligned(button: QPushButton) -> QHBoxLayout:
    """A button its own size at the start of a form's field column (not stretched across it)."""
    row = QHBoxLayout()
    row.addWidget(button)
    row.addStretch(1)
    return row


class SignerPanel(QWidget):
    def __init__(self, desk: Desk, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk, self.runner = desk, runner
        column = QVBoxLayout(self)
        column.addWidget(self._signer_box())
        column.addWidget(self._office_box())
        column.addStretch(1)
        allowed = desk.may(Perm.SETTINGS)
        for button in (self.save_signer, self.save_office, self.choose):
            button.setEnabled(allowed)
        self.show_settings()

    def showEvent(self, event: QShowEvent) -> None:
        # Opened when the page is shown, not at start-up: the key's stack (cryptography, the
        # credential store, a token's driver) loads then (issue 14).
        super().showEvent(event)
        self.refresh_state()

    # -- the key --------------------------------------------------------------------------------
    def _signer_box(self) -> QGroupBox:
        box = QGroupBox("Chữ ký số dùng để ký biên lai điện tử")
        self.state = QLabel(wordWrap=True)
        self.kind = QComboBox()
        for kind, label in KINDS.items():
            self.kind.addItem(label, kind)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.where = QLineEdit()
        self.choose = QPushButton("Chọn &tệp…")
        self.choose.clicked.connect(self.choose_file)
        where_row = QHBoxLayout()
        where_row.addWidget(self.where, 1)
        where_row.addWidget(self.choose)
        self.token_label = QLineEdit(placeholderText="để trống khi chỉ cắm một thiết bị")
        self.secret = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.secret.returnPressed.connect(self.try_and_save)
        self.save_signer = QPushButton("&Ký thử và lưu")
        self.save_signer.clicked.connect(self.try_and_save)
        self.signer_message = error_label()
        form = QFormLayout(box)
        form.addRow(self.state)
        form.addRow("&Loại chữ ký số", self.kind)
        self.where_label = QLabel()
        form.addRow(self.where_label, where_row)
        self.token_row_label = QLabel("Tên thiết bị (khi cắm nhiều thiết bị)")
        form.addRow(self.token_row_label, self.token_label)
        self.secret_label = QLabel("&Mã PIN / mật khẩu")
        self.secret_label.setBuddy(self.secret)
        form.addRow(self.secret_label, self.secret)
        form.addRow("", left_aligned(self.save_signer))
        form.addRow(self.signer_message)
        note = QLabel("Mã PIN được cất trong kho mật khẩu của Windows trên máy này, không ghi vào dữ liệu. "
                      "Khi lập biên lai điện tử, thiết bị ký số phải đang cắm vào máy.")
        note.setWordWrap(True)
        form.addRow(note)
        return box

    def _kind_changed(self) -> None:
        kind = self.kind.currentData()
        self.where_label.setText(WHERE_LABELS[kind])
        for widget in (self.token_row_label, self.token_label):
            widget.setVisible(kind == "pkcs11")
        for widget in (self.secret_label, self.secret):
            widget.setVisible(kind != "demo")
        self.secret_label.setText("&Mã PIN của thiết bị" if kind == "pkcs11" else "&Mật khẩu của tệp")

    def choose_file(self) -> None:
        kind = self.kind.currentData()
        dialog = QFileDialog(self, WHERE_LABELS[kind], self.where.text(), FILE_FILTERS[kind])
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.fileSelected.connect(self.where.setText)
        self.file_dialog = dialog  # for tests, which answer it by keys
        dialog.open()

    def try_and_save(self) -> None:
        kind, where, label, secret = (self.kind.currentData(), self.where.text().strip(),
                                      self.token_label.text().strip(), self.secret.text())
        self.secret.clear()  # never left on screen, whatever the outcome
        if not where:
            say(self.signer_message, f"Hãy chọn {WHERE_LABELS[kind].lower()}.")
            self.where.setFocus()
            return
        say(self.signer_message, "Đang mở chữ ký số…", ok=True)
        self.runner.run(lambda: configure(self.desk, signer_kind=kind, signer_path=where, secret=secret,
                                          token_label=label),
                        lambda _: (say(self.signer_message, "Đã lưu: biên lai điện tử sẽ được ký bằng chữ ký số "
                                                            "này.", ok=True), self.refresh_state()),
                        self._refused)

    def _refused(self, error: Exception) -> None:
        say(self.signer_message, f"{message_for(error)} Chưa lưu gì.")
        (self.where if getattr(error, "field", "") == "signer_path" else self.secret).setFocus()

    def refresh_state(self) -> None:
        self.runner.run(lambda: signer_state(self.desk), self._show_state, lambda e: self.state.setText(message_for(e)))

    def _show_state(self, state: SignerState) -> None:
        self.state.setText(state.text)
        self.state.setStyleSheet("" if state.ready else "color: #b71c1c; font-weight: bold;")

    # -- the tax office and the registration ---------------------------------------------------------
    def _office_box(self) -> QGroupBox:
        box = QGroupBox("Cơ quan thuế, đăng ký sử dụng biên lai điện tử")
        form = QFormLayout(box)
        self.office: dict[str, QLineEdit] = {}
        for key, label in OFFICE_FIELDS:
            self.office[key] = QLineEdit()
            form.addRow(label, self.office[key])
        self.switch = QLineEdit(placeholderText="để trống: từ 01/01/2027 theo quy định")
        form.addRow("Chuyển sớm sang biên lai điện tử từ ngày", self.switch)
        self.save_office = QPushButton("Lưu thông tin &cơ quan thuế")
        self.save_office.clicked.connect(self.save_office_values)
        form.addRow("", left_aligned(self.save_office))
        self.office_message = error_label()
        form.addRow(self.office_message)
        return box

    def save_office_values(self) -> None:
        try:
            values = {key: edit.text().strip() for key, edit in self.office.items()}
            values["ereceipts_from"] = switch_day(self.switch.text())
        except ValidationError as error:
            say(self.office_message, error.message)
            self.switch.setFocus()
            return
        self.runner.run(lambda: save_office(self.desk, **values),
                        lambda _: say(self.office_message, "Đã lưu.", ok=True), self._office_refused)

    def _office_refused(self, error: Exception) -> None:
        say(self.office_message, f"{message_for(error)} Chưa lưu gì.")
        edit = self.office.get(getattr(error, "field", "") or "")
        (edit or self.switch).setFocus()

    def show_settings(self) -> None:
        settings = self.desk.settings()
        self.kind.setCurrentIndex(max(0, self.kind.findData(settings.signer_kind or "pkcs11")))
        self._kind_changed()
        self.where.setText(settings.signer_path)
        self.token_label.setText(settings.signer_token_label)
        for key, edit in self.office.items():
            edit.setText(str(getattr(settings, key)))
        switch = settings.electronic_from
        self.switch.setText(f"{switch:%d/%m/%Y}" if isinstance(switch, date) else "")
