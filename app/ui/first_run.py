"""The first run of a new commune's desk: a wizard that leads, offline and by keyboard alone (Enter
goes on, Alt+Q goes back, Esc leaves), from an empty file to a desk that can receive a dossier and
take its fee. Each step writes through its service when the official goes on, so a refusal shows
on that step, in its own words, and nothing half-made is left behind.

Steps: the agency id and the names (2025 naming: the commune's "Trung tâm Phục vụ hành chính
công"), the workstation, the first administrator, the receipt range (from the issuing notice, or
later from enrollment), the printer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QDate, QSettings, Qt, QTimer
from PySide6.QtPrintSupport import QPrinterInfo
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from app.core.codes import validate_agency_id
from app.core.errors import DeskError, ValidationError
from app.core.receipts import MAX_NUMBER
from app.services.admin import update_settings
from app.services.clock import to_local
from app.services.commune import CommuneSetup, init_commune
from app.services.desk import Desk
from app.services.printing import PAPERS
from app.services.receipt_ranges import NOTICE_NUMBER_MAX, RangeInput, add_range
from app.services.text_input import clean_text
from app.ui.errors import message_for
from app.ui.print_dialog import SAVE_AS_PDF
from app.ui.widgets import error_label, say

try:  # officer accounts (issue of roles and login): the step says plainly when this build has none
    from app.core.permissions import Role
    from app.services.officers import create_first_admin, has_officers, update_officer
except ImportError:  # pragma: no cover - only in a build without officer accounts
    create_first_admin = None  # type: ignore[assignment]

INTRO = ("Chào mừng! Vài bước sau đây chuẩn bị máy trạm cho Bộ phận Một cửa của xã, phường. Không cần mạng: "
         "mọi thứ được lưu ngay trên máy này và có thể sửa sau ở thẻ «Danh mục và cài đặt».\n\n"
         "Dùng bàn phím: Tab để sang ô tiếp theo, Enter để sang bước tiếp, Alt+Q để quay lại, Esc để thoát.")
CENTRE = "Trung tâm Phục vụ hành chính công"  # the commune's one-stop office since 1/7/2025
NO_ACCOUNTS = ("Phiên bản này chưa có tài khoản cán bộ: bước tạo quản trị được bỏ qua; "
               "mọi việc trên máy được ghi dưới tên «Cán bộ một cửa».")


def needs_first_run(desk: Desk) -> bool:
    """A file without an agency id has never been set up: the wizard leads before the window opens."""
    return not desk.settings().agency_id


def commune_words(commune: str) -> str:
    """«Xã Quảng Phú» → «xã Quảng Phú», for names built around it."""
    return f"{commune[:1].lower()}{commune[1:]}" if commune[:1] in ("X", "P", "Đ") else commune


class _Page(QWizardPage):
    """A step with a form, a message line, and a `save` run when the official goes on."""

    def __init__(self, title: str, subtitle: str) -> None:
        super().__init__()
        self.setTitle(title)
        self.setSubTitle(subtitle)
        self.form = QFormLayout()
        self.error = error_label()
        self.error.hide()
        self.first: QWidget | None = None
        column = QVBoxLayout(self)
        column.addLayout(self.form)
        column.addStretch(1)
        column.addWidget(self.error)

    def add(self, label: str, widget: QWidget) -> QWidget:
        self.form.addRow(label, widget)
        if self.first is None:
            self.first = widget
        return widget

    def save(self) -> None:  # overridden by each step
        return None

    def validatePage(self) -> bool:
        try:
            self.save()
        except DeskError as error:
            say(self.error, error.message)
            return False
        except Exception as error:  # an id for the technician; the traceback goes to the log
            say(self.error, message_for(error))
            return False
        say(self.error, "")
        return True


class CommunePage(_Page):
    def __init__(self) -> None:
        super().__init__("1. Xã, phường và cơ quan", "Theo tên gọi từ 01/7/2025 (không còn cấp huyện).")
        self.agency_id = self.add("&Mã định danh cơ quan", QLineEdit(placeholderText="ví dụ 000.17.22.H56"))
        self.commune = self.add("Tên &xã, phường", QLineEdit(placeholderText="ví dụ Xã Quảng Phú"))
        self.agency_name = self.add("Tên &cơ quan", QLineEdit(placeholderText="ví dụ UBND xã Quảng Phú"))
        self.office_name = self.add("Tên bộ &phận một cửa", QLineEdit())
        self.place_name = self.add("Địa &danh ghi trên giấy tờ", QLineEdit(placeholderText="ví dụ Quảng Phú"))
        self._typed: set[QLineEdit] = set()
        for edit in (self.agency_name, self.office_name, self.place_name):
            edit.textEdited.connect(lambda _, e=edit: self._typed.add(e))
        self.commune.textChanged.connect(self._suggest)
        for edit in (self.agency_id, self.commune):
            edit.textChanged.connect(lambda _: say(self.error, ""))

    def _suggest(self, commune: str) -> None:
        """Names that follow from the commune's, until the official types their own."""
        commune = " ".join(commune.split())
        words = commune_words(commune)
        place = commune.removeprefix("Xã ").removeprefix("Phường ").removeprefix("Đặc khu ")
        for edit, value in ((self.agency_name, f"UBND {words}" if commune else ""),
                            (self.office_name, f"{CENTRE} {words}" if commune else ""), (self.place_name, place)):
            if edit not in self._typed:
                edit.setText(value)

    def save(self) -> None:
        validate_agency_id(self.agency_id.text())
        if not self.commune.text().strip():
            raise ValidationError("Hãy nhập tên xã, phường (ví dụ Xã Quảng Phú).", field="commune_name")
        for edit, label in ((self.commune, "Tên xã, phường"), (self.agency_name, "Tên cơ quan"),
                            (self.office_name, "Tên bộ phận một cửa"), (self.place_name, "Địa danh")):
            clean_text(edit.text(), "setting", label=label)


class WorkstationPage(_Page):
    def __init__(self, desk: Desk, names: CommunePage) -> None:
        super().__init__("2. Máy trạm", "Mỗi máy ở Bộ phận Một cửa có một số riêng (1–9): mã hồ sơ của máy số k "
                                         "là k001–k999 mỗi ngày, nên hai máy không bao giờ trùng mã.")
        self.desk, self.names = desk, names
        self.number = self.add("&Số máy trạm", QSpinBox(minimum=1, maximum=9))
        self.device = self.add("Tê&n máy trạm", QLineEdit(placeholderText="ví dụ Quầy 1"))

    def save(self) -> None:
        n = self.names
        init_commune(self.desk, CommuneSetup(
            n.agency_id.text(), " ".join(n.commune.text().split()), workstation_no=self.number.value(),
            agency_name=n.agency_name.text(), place_name=n.place_name.text(),
            device_name=self.device.text() or f"Máy trạm {self.number.value()}"))
        if n.office_name.text().strip():
            update_settings(self.desk, office_name=n.office_name.text().strip())


class AdminPage(_Page):
    def __init__(self, desk: Desk) -> None:
        super().__init__("3. Quản trị đầu tiên", "Người quản trị tạo tài khoản cho các cán bộ khác, nhập dải số "
                                                  "biên lai và sửa cài đặt. Mật khẩu ít nhất 8 ký tự.")
        self.desk = desk
        self.created = False
        self.username = self.add("Tên đăng &nhập", QLineEdit(placeholderText="ví dụ lan.nt"))
        self.full_name = self.add("&Họ và tên", QLineEdit(placeholderText="ví dụ Nguyễn Thị Lan"))
        self.title = self.add("&Chức vụ", QLineEdit(placeholderText="ví dụ Công chức Văn phòng - Thống kê"))
        self.password = self.add("&Mật khẩu", QLineEdit(echoMode=QLineEdit.EchoMode.Password))
        self.again = self.add("Nhập &lại mật khẩu", QLineEdit(echoMode=QLineEdit.EchoMode.Password))
        # In a commune with one or two officers the administrator also receives at the counter.
        self.receives = QCheckBox("Người này cũng tiếp nhận hồ sơ và thu &phí ở máy này", checked=True)
        self.head = QCheckBox("Người này cũng là trưởng bộ phận (&duyệt hủy, lập lại biên lai; hẹn lại ngày trả)")
        self.form.addRow("", self.receives)
        self.form.addRow("", self.head)
        if create_first_admin is None:
            for widget in (self.username, self.full_name, self.title, self.password, self.again, self.receives,
                           self.head):
                widget.setEnabled(False)
            self.form.addRow(QLabel(NO_ACCOUNTS, wordWrap=True))

    def save(self) -> None:
        if create_first_admin is None or self.created:
            return
        if has_officers(self.desk):
            self.created = True  # set up before (a wizard left half-way): the accounts are there
            return
        if self.password.text() != self.again.text():
            raise ValidationError("Hai lần nhập mật khẩu không giống nhau.", field="password")
        officer = create_first_admin(self.desk, username=self.username.text(), full_name=self.full_name.text(),
                                     password=self.password.text(), title=self.title.text())
        self.desk.act_as(officer)
        roles = [Role.ADMIN, *([Role.RECEPTION] if self.receives.isChecked() else []),
                 *([Role.HEAD] if self.head.isChecked() else [])]
        if len(roles) > 1:
            account = update_officer(self.desk, officer.uid, roles=tuple(roles))
            self.desk.act_as(account.officer())
        self.created = True
        self.password.clear()
        self.again.clear()


class ReceiptsPage(_Page):
    NOTICE, ENROLL, LATER = range(3)

    def __init__(self, desk: Desk) -> None:
        super().__init__("4. Dải số biên lai", "Biên lai thu phí, lệ phí lấy số trong dải được cấp cho máy này.")
        self.desk = desk
        self.added = False
        self.choice = QButtonGroup(self)
        options = (("&Nhập dải số theo thông báo phát hành biên lai", self.NOTICE),
                   ("Nhận dải số khi đăng ký với hệ thống cấp trên (cần mạng; làm ở thẻ «Đồng bộ»)", self.ENROLL),
                   ("Để sau (thẻ «Biên lai» → nhập dải số); khi chưa có, hồ sơ vẫn được tiếp nhận", self.LATER))
        for text, value in options:
            radio = QRadioButton(text)
            self.choice.addButton(radio, value)
            self.form.addRow(radio)
        self.choice.button(self.NOTICE).setChecked(True)
        self.first = self.choice.button(self.NOTICE)  # arrows choose; Tab goes on to the notice's fields
        today = to_local(desk.now()).date()
        self.template = self.add("Ký hiệu &mẫu", QLineEdit(maxLength=20, placeholderText="ví dụ 01BLP0-001"))
        self.series = self.add("&Ký hiệu biên lai", QLineEdit(maxLength=20, placeholderText="ví dụ AA/26T"))
        self.first = self.add("Số đầ&u", QSpinBox(minimum=1, maximum=MAX_NUMBER))
        self.last = self.add("Số &cuối", QSpinBox(minimum=1, maximum=MAX_NUMBER, value=500))
        self.notice_number = self.add("Số thông &báo", QLineEdit(maxLength=NOTICE_NUMBER_MAX,
                                                                 placeholderText="ví dụ 05/TB-UBND"))
        self.notice_date = self.add("Ngà&y thông báo", QDateEdit(QDate(today), calendarPopup=True,
                                                                displayFormat="dd/MM/yyyy"))
        self.fields = (self.template, self.series, self.first, self.last, self.notice_number, self.notice_date)
        self.choice.idToggled.connect(lambda _, __: self._enable())

    def _enable(self) -> None:
        for widget in self.fields:
            widget.setEnabled(self.choice.checkedId() == self.NOTICE and not self.added)

    def save(self) -> None:
        if self.choice.checkedId() != self.NOTICE or self.added:
            return
        add_range(self.desk, RangeInput("paper", self.template.text(), self.series.text(), self.first.value(),
                                        self.last.value(), self.notice_number.text(),
                                        self.notice_date.date().toPython()))
        self.added = True  # going back and on again must not enter the same range twice
        self._enable()


class PrinterPage(_Page):
    def __init__(self, desk: Desk, printers: list[str] | None = None) -> None:
        super().__init__("5. Máy in", "Giấy tiếp nhận, biên lai và các giấy tờ khác in ra máy này; đổi được "
                                      "ở từng lần in.")
        self.desk = desk
        self.printer = self.add("&Máy in", QComboBox())
        found = QPrinterInfo.availablePrinterNames() if printers is None else printers
        self.printer.addItems([*found, SAVE_AS_PDF])
        default = QPrinterInfo.defaultPrinterName()
        if default in found:
            self.printer.setCurrentText(default)
        self.paper = self.add("&Khổ giấy", QComboBox())
        self.paper.addItems(["A5", "A4"])
        if not found:
            self.form.addRow(QLabel("Chưa thấy máy in nào trên máy này: giấy tờ sẽ được lưu thành tệp PDF cho đến "
                                    "khi cài máy in.", wordWrap=True))

    def save(self) -> None:
        update_settings(self.desk, paper_size=self.paper.currentText())
        settings = QSettings()
        for kind in PAPERS:  # the print preview of every paper starts with this printer and size
            settings.setValue(f"printing/{kind}/printer", self.printer.currentText())
            settings.setValue(f"printing/{kind}/size", self.paper.currentText())


class FirstRun(QWizard):
    def __init__(self, desk: Desk, *, printers: list[str] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.setWindowTitle("Một cửa – Chuẩn bị máy trạm lần đầu")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage)
        intro = QWizardPage()
        intro.setTitle("Chuẩn bị máy trạm")
        QVBoxLayout(intro).addWidget(QLabel(INTRO, wordWrap=True))
        self.commune = CommunePage()
        self.workstation = WorkstationPage(desk, self.commune)
        self.admin = AdminPage(desk)
        self.receipts = ReceiptsPage(desk)
        self.printer = PrinterPage(desk, printers)
        self.done_page = QWizardPage()
        self.done_page.setTitle("Xong")
        self.summary = QLabel(wordWrap=True)
        QVBoxLayout(self.done_page).addWidget(self.summary)
        for page in (intro, self.commune, self.workstation, self.admin, self.receipts, self.printer, self.done_page):
            self.addPage(page)
        self.setButtonText(QWizard.WizardButton.BackButton, "< &Quay lại")
        self.setButtonText(QWizard.WizardButton.NextButton, "&Tiếp >")
        self.setButtonText(QWizard.WizardButton.FinishButton, "&Bắt đầu làm việc")
        self.setButtonText(QWizard.WizardButton.CancelButton, "Thoát")
        self.currentIdChanged.connect(lambda _: self._entered())
        self.resize(760, 560)

    def _entered(self) -> None:
        page = self.currentPage()
        if page is None:
            return
        if page is self.done_page:
            self.summary.setText(self.describe())
        first = getattr(page, "first", None)
        if first is not None and first.isEnabled():
            first.setFocus(Qt.FocusReason.TabFocusReason)  # the keyboard starts in the step's first field
            # Again once the wizard has finished switching (under a window manager it focuses after us).
            QTimer.singleShot(0, lambda: first.setFocus(Qt.FocusReason.TabFocusReason)
                              if self.currentPage() is page else None)

    def describe(self) -> str:
        s = self.desk.settings()
        lines = [f"{s.agency_name} ({s.agency_id}) — {s.office_name}",
                 f"{s.device_name}, máy trạm số {s.workstation_no}"]
        if self.admin.created:
            lines.append(f"Quản trị: {self.desk.actor}")
        elif create_first_admin is None:
            lines.append(NO_ACCOUNTS)
        receipts = {ReceiptsPage.NOTICE: "Dải số biên lai: đã nhập theo thông báo phát hành",
                    ReceiptsPage.ENROLL: "Dải số biên lai: nhận khi đăng ký ở thẻ «Đồng bộ»",
                    ReceiptsPage.LATER: "Dải số biên lai: nhập sau ở thẻ «Biên lai»"}
        lines.append(receipts[self.receipts.choice.checkedId()])
        lines.append(f"Máy in: {self.printer.printer.currentText()}, khổ {self.printer.paper.currentText()}")
        return "\n".join(f"• {line}" for line in lines) + "\n\nBấm Enter để mở bàn làm việc."


def run_first_run(desk: Desk, ask: Callable[[FirstRun], Any] | None = None) -> bool:
    """True when the desk is set up (the wizard was finished); False when the official left it."""
    wizard = FirstRun(desk)
    finished = (ask or (lambda w: w.exec()))(wizard)
    return bool(finished) and not needs_first_run(desk)
