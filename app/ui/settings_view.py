"""Catalogue and settings: the procedures with their times, fees and legal basis (a new fee or time
is recorded from an effective date; dossiers already received keep theirs), the desk's settings,
and the holiday table of each year."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.core.errors import DeskError
from app.core.money import format_vnd
from app.services.admin import update_settings
from app.services.calendar_data import clear_day, list_holidays, set_day
from app.services.catalogue import ProcedureInForce, list_procedures, parse_legal_time, record_version
from app.services.clock import to_local
from app.services.desk import Desk
from app.services.fee_text import fee_summary
from app.ui.backup_panel import BackupPanel
from app.ui.errors import message_for, show_error
from app.ui.runner import Runner
from app.ui.signer_panel import SignerPanel
from app.ui.widgets import confirm_box, error_label, fit_columns, keyboard_table, say


class SettingsView(QWidget):
    def __init__(self, desk: Desk, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk, self.runner = desk, runner
        self.procedures: list[ProcedureInForce] = []
        self.question: QMessageBox | None = None  # the open confirmation, for tests that answer it by keys
        # Three pages, so at 1366×768 the catalogue and the holiday table get the whole height (issue 11 §7).
        self.sections = QTabWidget()
        self.sections.addTab(self._catalogue_box(), "Danh mục thủ tục")
        settings_page = QWidget()
        columns = QHBoxLayout(settings_page)
        left = QVBoxLayout()
        left.addWidget(self._settings_box())
        left.addStretch(1)
        columns.addLayout(left, 1)
        right = QVBoxLayout()
        right.addWidget(self._papers_box())
        right.addStretch(1)
        columns.addLayout(right, 1)
        self.sections.addTab(settings_page, "Cài đặt máy trạm và giấy tờ in")
        self.sections.addTab(self._holiday_box(), "Ngày nghỉ, ngày làm bù")
        self.backup = BackupPanel(desk, runner)  # issue 9: backups, restore, personal data
        self.sections.addTab(self.backup, "Sao lưu, dữ liệu cá nhân")
        self.signer = SignerPanel(desk, runner)  # issue 10: the key e-receipts are signed with
        self.sections.addTab(self.signer, "Biên lai điện tử")
        QVBoxLayout(self).addWidget(self.sections)
        self.reload()

    # -- catalogue ---------------------------------------------------------------------------
    def _catalogue_box(self) -> QGroupBox:
        box = QGroupBox("Danh mục thủ tục (đang có hiệu lực)")
        self.catalogue = QTableWidget(0, 5)
        self.catalogue.setHorizontalHeaderLabels(["Thủ tục", "Mã", "Thời hạn", "Phí, lệ phí", "Căn cứ"])
        self.catalogue.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.catalogue.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.catalogue.verticalHeader().hide()
        keyboard_table(self.catalogue)
        fit_columns(self.catalogue, stretch=(0, 4), widths={2: 230, 3: 300})
        self.catalogue.itemSelectionChanged.connect(self._version_from_selected)
        self.effective = QDateEdit(QDate.currentDate().addDays(1), calendarPopup=True, displayFormat="dd/MM/yyyy")
        self.days = QSpinBox(minimum=0, maximum=90, specialValueText="Trong ngày")
        self.amount = QSpinBox(minimum=0, maximum=100_000_000, singleStep=1000, suffix=" đ")
        self.version_from = QLabel(wordWrap=True)
        self.version_error = error_label()
        for signal in (self.effective.dateChanged, self.days.valueChanged, self.amount.valueChanged):
            signal.connect(lambda _: say(self.version_error, ""))  # a message goes once its field is changed
        record = QPushButton("Ghi mức mới cho thủ tục đã &chọn…")
        record.clicked.connect(self.record_new_version)
        form = QFormLayout()
        form.addRow("Đang áp dụng", self.version_from)
        form.addRow("Áp dụng mức mới từ &ngày", self.effective)
        form.addRow("Thời &hạn mới (ngày làm việc)", self.days)
        form.addRow("Mức th&u mới", self.amount)
        column = QVBoxLayout(box)
        column.addWidget(self.catalogue, 1)
        column.addWidget(QLabel("Thay đổi thời hạn hoặc mức thu: chọn thủ tục, sửa mức mới, rồi ghi. "
                                "Hồ sơ đã nhận vẫn giữ mức cũ."))
        column.addLayout(form)
        column.addWidget(self.version_error)
        column.addWidget(record)
        return box

    def selected_procedure(self) -> ProcedureInForce | None:
        rows = self.catalogue.selectionModel().selectedRows()
        return self.procedures[rows[0].row()] if rows and rows[0].row() < len(self.procedures) else None

    def _version_from_selected(self) -> None:
        """The form starts from the selected version: pressing it unedited changes nothing."""
        procedure = self.selected_procedure()
        say(self.version_error, "")
        if procedure is None:
            self.version_from.setText("")
            return
        self.version_from.setText(f"{procedure.legal_time.describe()}; {fee_summary(procedure)} "
                                  f"(từ {procedure.effective_from:%d/%m/%Y})")
        self.days.setValue(procedure.legal_time.days if procedure.legal_time.kind == "working_days" else 0)
        has_amount = procedure.fee_rule.amount is not None
        self.amount.setEnabled(has_amount)
        self.amount.setValue(procedure.fee_rule.amount or 0)
        tomorrow = to_local(self.desk.now()).date() + timedelta(days=1)
        self.effective.setDate(max(tomorrow, procedure.effective_from + timedelta(days=1)))

    def new_version(self, procedure: ProcedureInForce) -> dict[str, Any]:
        fee = _rule_data(procedure)
        if procedure.fee_rule.amount is not None:
            fee["amount"] = self.amount.value()
        return {
            "effective_from": self.effective.date().toPython().isoformat(),
            "legal_time": {"kind": "same_day"} if self.days.value() == 0 else
            {"kind": "working_days", "days": self.days.value()},
            "fee": fee, "documents": procedure.documents, "legal_basis": procedure.legal_basis,
        }

    def record_new_version(self) -> None:
        """Shows old → new with the effective date and asks; Enter records, Esc goes back."""
        procedure = self.selected_procedure()
        if procedure is None:
            say(self.version_error, "Hãy chọn một thủ tục trong danh mục.")
            return
        version = self.new_version(procedure)
        changes = version_changes(procedure, version)
        if not changes:
            say(self.version_error, "Mức mới giống hệt mức đang áp dụng: hãy sửa thời hạn hoặc mức thu trước khi ghi.")
            return
        day = self.effective.date().toPython()
        text = (f"{procedure.name}\n\n" + "\n".join(changes)
                + f"\n\nÁp dụng từ ngày {day:%d/%m/%Y}; hồ sơ nhận trước ngày đó vẫn giữ mức cũ. Ghi mức mới?")
        self.question = confirm_box(self, "Xác nhận mức mới", text, "&Ghi mức mới",
                                    lambda: self._record(procedure, version))

    def _record(self, procedure: ProcedureInForce, version: dict[str, Any]) -> None:
        def failed(error: Exception) -> None:
            if isinstance(error, DeskError):
                say(self.version_error, error.message)
            else:
                show_error(self, error)

        def done(_: Any) -> None:
            self.reload()
            # After the reload has shown the new version (the runner keeps order), which resets the form.
            self.runner.run(lambda: None, lambda _: say(self.version_error, "Đã ghi mức mới.", ok=True),
                            lambda e: show_error(self, e))

        self.runner.run(lambda: record_version(self.desk, procedure.code, version), done, failed)

    # -- settings ----------------------------------------------------------------------------
    def _settings_box(self) -> QGroupBox:
        box = QGroupBox("Cài đặt của máy trạm")
        self.agency_id, self.agency_name, self.place = QLineEdit(), QLineEdit(), QLineEdit()
        self.commune = QLineEdit()
        self.workstation = QSpinBox(minimum=1, maximum=9)
        self.periods = QLineEdit(placeholderText="07:00-11:30, 13:30-17:00")
        self.receives_saturday = QCheckBox("Bộ phận một cửa tiếp nhận sáng thứ Bảy")
        self.saturday_counts = QCheckBox("Sáng thứ Bảy được tính vào thời hạn giải quyết")
        self.culture_day = QCheckBox("Nghỉ ngày 24/11 (Ngày Văn hóa Việt Nam)")
        self.regime = QComboBox()
        self.regime.addItem("Thông tư 03/2025/TT-VPCP (Mẫu 01–07)", "tt03_2025")
        self.regime.addItem("Thông tư 01/2018/TT-VPCP (Mẫu 01–06)", "tt01_2018")
        self.paper = QComboBox()
        self.paper.addItems(["A5", "A4"])
        self.settings_error = error_label()
        save = QPushButton("Lưu cài đặt")
        save.clicked.connect(self.save_settings)
        form = QFormLayout(box)
        for label, widget in (("Tên xã, phường", self.commune), ("Mã định danh cơ quan", self.agency_id),
                              ("Tên cơ quan", self.agency_name),
                              ("Địa danh ghi trên giấy tờ", self.place), ("Số máy trạm", self.workstation),
                              ("Giờ làm việc", self.periods), ("", self.receives_saturday), ("", self.saturday_counts),
                              ("", self.culture_day), ("Bộ mẫu giấy tờ", self.regime), ("Khổ giấy", self.paper),
                              ("", self.settings_error), ("", save)):
            form.addRow(label, widget)
        return box

    def save_settings(self) -> None:
        periods = [[part.strip() for part in span.split("-")] for span in self.periods.text().split(",")]
        values = dict(commune_name=self.commune.text(), agency_id=self.agency_id.text(),
                      agency_name=self.agency_name.text(),
                      place_name=self.place.text(),
                      workstation_no=self.workstation.value(), working_periods=periods,
                      receives_saturday=self.receives_saturday.isChecked(),
                      saturday_counts=self.saturday_counts.isChecked(), culture_day_off=self.culture_day.isChecked(),
                      form_regime=self.regime.currentData(), paper_size=self.paper.currentText(),
                      **self._papers_values())

        def failed(error: Exception) -> None:
            say(self.settings_error, message_for(error))

        self.runner.run(lambda: update_settings(self.desk, **values),
                        lambda _: (say(self.settings_error, "Đã lưu.", ok=True), self.reload()), failed)

    # -- what the papers print ------------------------------------------------------------------
    def _papers_box(self) -> QGroupBox:
        """Names the papers print: the office (2025: "Trung tâm Phục vụ hành chính công …"), who signs
        the letters and for whom (NĐ 30/2020), "Nơi nhận", and the collector on the receipt."""
        box = QGroupBox("Giấy tờ in và biên lai (lưu cùng nút «Lưu cài đặt»)")
        self.office = QLineEdit(placeholderText="Bộ phận tiếp nhận và trả kết quả")
        self.signer_authority = QComboBox(editable=True)
        self.signer_authority.addItems(["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", ""])
        self.signer_title = QComboBox(editable=True)
        self.signer_title.addItems(["CHỦ TỊCH", "PHÓ CHỦ TỊCH"])
        self.signer_name = QLineEdit(placeholderText="Họ tên người ký văn bản gửi người nộp")
        self.recipients = QLineEdit(placeholderText="Như trên; Lưu: VT")
        self.collector_name, self.collector_tax_code = QLineEdit(), QLineEdit()
        self.collector_address, self.collector_phone, self.collector_account = QLineEdit(), QLineEdit(), QLineEdit()
        self.receipt_copies = QComboBox()
        self.receipt_copies.addItem("2 liên (Liên 1: Lưu, Liên 2: Giao người nộp tiền)", 2)
        self.receipt_copies.addItem("1 liên (giao người nộp tiền)", 1)
        form = QFormLayout(box)
        for label, widget in (("Tên bộ phận một cửa", self.office), ("Thẩm quyền ký", self.signer_authority),
                              ("Chức vụ người ký", self.signer_title), ("Họ tên người ký", self.signer_name),
                              ("Nơi nhận (cách nhau bởi ;)", self.recipients),
                              ("Đơn vị thu phí, lệ phí", self.collector_name),
                              ("Mã số thuế đơn vị thu", self.collector_tax_code),
                              ("Địa chỉ đơn vị thu", self.collector_address),
                              ("Điện thoại đơn vị thu", self.collector_phone),
                              ("Số tài khoản đơn vị thu", self.collector_account),
                              ("Biên lai in", self.receipt_copies)):
            form.addRow(label, widget)
        return box

    def _papers_values(self) -> dict[str, Any]:
        return dict(office_name=self.office.text() or "Bộ phận tiếp nhận và trả kết quả",
                    signer_authority=self.signer_authority.currentText(), signer_title=self.signer_title.currentText(),
                    signer_name=self.signer_name.text(),
                    recipients=[part for part in self.recipients.text().split(";") if part.strip()],
                    collector_name=self.collector_name.text(), collector_tax_code=self.collector_tax_code.text(),
                    collector_address=self.collector_address.text(), collector_phone=self.collector_phone.text(),
                    collector_account=self.collector_account.text(), receipt_copies=self.receipt_copies.currentData())

    def _show_papers(self, s: Any) -> None:
        self.office.setText(s.office_name)
        self.signer_authority.setCurrentText(s.signer_authority)
        self.signer_title.setCurrentText(s.signer_title)
        self.signer_name.setText(s.signer_name)
        self.recipients.setText("; ".join(s.recipients))
        for widget, value in ((self.collector_name, s.collector_name), (self.collector_tax_code, s.collector_tax_code),
                              (self.collector_address, s.collector_address),
                              (self.collector_phone, s.collector_phone), (self.collector_account, s.collector_account)):
            widget.setText(value)
        self.receipt_copies.setCurrentIndex(max(0, self.receipt_copies.findData(s.receipt_copies)))

    # -- holidays ----------------------------------------------------------------------------
    def _holiday_box(self) -> QGroupBox:
        box = QGroupBox("Ngày nghỉ, ngày làm bù")
        self.year = QSpinBox(minimum=2020, maximum=2100, value=QDate.currentDate().year())
        self.holidays = QTableWidget(0, 3)
        self.holidays.setHorizontalHeaderLabels(["Ngày", "Loại", "Tên / lý do"])
        self.holidays.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.holidays.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.holidays.horizontalHeader().setStretchLastSection(True)
        self.holidays.verticalHeader().hide()
        keyboard_table(self.holidays)
        self.day = QDateEdit(QDate.currentDate(), calendarPopup=True, displayFormat="dd/MM/yyyy")
        self.day_kind = QComboBox()
        self.day_kind.addItem("Ngày nghỉ", "off")
        self.day_kind.addItem("Ngày làm bù", "work")
        self.day_name = QLineEdit(placeholderText="Tên ngày lễ hoặc căn cứ thông báo")
        add, remove = QPushButton("Thêm / sửa"), QPushButton("Xóa ngày đã chọn")
        add.clicked.connect(self.add_day)
        remove.clicked.connect(self.remove_day)
        self.holiday_error = error_label()
        edit = QHBoxLayout()
        for widget in (self.day, self.day_kind, self.day_name, add):
            edit.addWidget(widget)
        column = QVBoxLayout(box)
        column.addWidget(self.year)
        column.addWidget(self.holidays, 1)
        column.addLayout(edit)
        column.addWidget(remove)
        column.addWidget(self.holiday_error)
        self.year.valueChanged.connect(lambda _: self.reload())
        return box

    def add_day(self) -> None:
        day, kind, name = self.day.date().toPython(), self.day_kind.currentData(), self.day_name.text()
        self._change(lambda: set_day(self.desk, day, kind, name))

    def remove_day(self) -> None:
        rows = self.holidays.selectionModel().selectedRows()
        if rows:
            day = date.fromisoformat(self.holidays.item(rows[0].row(), 0).data(256))
            self._change(lambda: clear_day(self.desk, day))

    def _change(self, work: Any) -> None:
        def failed(error: Exception) -> None:
            self.holiday_error.setText(message_for(error))

        self.runner.run(work, lambda _: (self.holiday_error.setText(""), self.reload()), failed)

    # -- loading -----------------------------------------------------------------------------
    def reload(self) -> None:
        today = to_local(self.desk.now()).date()
        year = self.year.value()

        def load() -> tuple[list[ProcedureInForce], list[dict[str, Any]]]:
            return list_procedures(self.desk, today), list_holidays(self.desk, year)

        self.runner.run(load, self._show, lambda e: show_error(self, e))

    def _show(self, loaded: tuple[list[ProcedureInForce], list[dict[str, Any]]]) -> None:
        selected = self.selected_procedure()
        self.procedures, days = loaded
        self.catalogue.setRowCount(len(self.procedures))
        for row, p in enumerate(self.procedures):
            for column, value in enumerate((p.name, p.national_code or p.code, p.legal_time.describe(),
                                            fee_summary(p), p.legal_basis)):
                item = QTableWidgetItem(value)
                item.setToolTip(value)  # a cell cut at the screen's edge still shows all on hover
                self.catalogue.setItem(row, column, item)
        self.catalogue.resizeRowsToContents()
        again = [row for row, p in enumerate(self.procedures) if selected and p.code == selected.code]
        if again or self.procedures:  # the form always shows a version: the one just recorded, or the first
            self.catalogue.selectRow(again[0] if again else 0)
        self.holidays.setRowCount(len(days))
        for row, entry in enumerate(days):
            first = QTableWidgetItem(f"{entry['day']:%d/%m/%Y}")
            first.setData(256, entry["day"].isoformat())
            self.holidays.setItem(row, 0, first)
            self.holidays.setItem(row, 1, QTableWidgetItem("Nghỉ" if entry["kind"] == "off" else "Làm bù"))
            self.holidays.setItem(row, 2, QTableWidgetItem(entry["name"]))
        s = self.desk.settings()
        self.commune.setText(s.commune_name)
        self.agency_id.setText(s.agency_id)
        self.agency_name.setText(s.agency_name)
        self.place.setText(s.place_name)
        self.workstation.setValue(s.workstation_no)
        self.periods.setText(", ".join(f"{a}-{b}" for a, b in s.working_periods))
        self.receives_saturday.setChecked(s.receives_saturday)
        self.saturday_counts.setChecked(s.saturday_counts)
        self.culture_day.setChecked(s.culture_day_off)
        self.regime.setCurrentIndex(max(0, self.regime.findData(s.form_regime)))
        self.paper.setCurrentText(s.paper_size)
        self._show_papers(s)


def version_changes(procedure: ProcedureInForce, version: dict[str, Any]) -> list[str]:
    """«Thời hạn: 03 ngày làm việc → Trong ngày …», one line per thing that changes."""
    lines = []
    new_time = parse_legal_time(version["legal_time"])
    if new_time != procedure.legal_time:
        lines.append(f"Thời hạn: {procedure.legal_time.describe()} → {new_time.describe()}")
    old_amount, new_amount = procedure.fee_rule.amount, version["fee"].get("amount")
    if old_amount is not None and new_amount != old_amount:
        lines.append(f"Mức thu: {format_vnd(old_amount)} → {format_vnd(int(new_amount))}")
    return lines


def _rule_data(procedure: ProcedureInForce) -> dict[str, Any]:
    """The in-force fee rule back as catalogue data, for a version that changes only the time."""
    rule = procedure.fee_rule
    data: dict[str, Any] = {"kind": rule.kind, "name": rule.name, "unit": rule.unit, "note": rule.note,
                            "exemptions": [{"code": e.code, "reason": e.reason} for e in rule.exemptions]}
    if rule.amount is not None:
        data["amount"] = rule.amount
    if rule.tiers:
        data["tiers"] = [{"from": t.first_page, "amount": t.amount} for t in rule.tiers]
        data["cap_per_copy"] = rule.cap_per_copy
    return data
