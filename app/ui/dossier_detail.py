"""One dossier: the applicant, the documents, the fee and receipts, the timeline of events, and
one button per lifecycle action its status allows. Every action goes through its service."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.errors import DeskError
from app.core.lifecycle import ACTION_LABELS, Action, Status, allowed_actions, deadline_state
from app.core.money import format_vnd
from app.core.permissions import Perm, action_perm
from app.services import processing
from app.services.attachments import attach_file, attachments_of
from app.services.catalogue import DOCUMENT_FORMS
from app.services.clock import show, to_local
from app.services.desk import Desk
from app.services.printing import PAPERS
from app.services.queries import dossier_detail, thresholds
from app.services.reception import CHANNELS, RETURN_METHODS
from app.ui.action_dialog import ActionDialog
from app.ui.errors import show_error
from app.ui.folders import start_folder
from app.ui.receipt_dialog import ReceiptDialog, dossier_receipt, fee_to_collect, receipts_html
from app.ui.runner import Runner
from app.ui.widgets import fit_columns, give_mnemonics, keyboard_table

SERVICES: dict[Action, Callable[..., Any]] = {
    Action.FORWARD: processing.forward, Action.REQUEST_SUPPLEMENT: processing.request_supplement,
    Action.RECEIVE_SUPPLEMENT: processing.receive_supplement, Action.REFUSE: processing.refuse,
    Action.RESCHEDULE: processing.reschedule, Action.STOP: processing.stop, Action.FINISH: processing.finish,
    Action.HAND_OVER: processing.hand_over, Action.WITHDRAW: processing.withdraw, Action.RATE: processing.rate,
}
EVENT_LABELS = {a.value: label for a, label in ACTION_LABELS.items()}
DETAIL_KEYS = {"to_unit": "Chuyển đến", "reason": "Lý do", "receiver": "Người nhận", "label": "Đánh giá",
               "missing_documents": "Cần bổ sung", "note": "Ghi chú", "paper": "Giấy tờ", "name": "Tệp"}


def describe_event(event: dict[str, Any]) -> str:
    payload = event["payload"] or {}
    if event["kind"] == Action.RECEIVE.value:
        return f"Hẹn trả {show(to_local_iso(payload.get('due_at')))}"
    if event["kind"] == Action.PRINT.value:
        paper = PAPERS.get(payload.get("paper", ""))
        return f"{paper.label if paper else payload.get('paper')}{' (in lại)' if payload.get('reprint') else ''}"
    parts = []
    for key, label in DETAIL_KEYS.items():
        value = payload.get(key)
        if value and key != "paper":
            parts.append(f"{label}: {', '.join(value) if isinstance(value, list) else value}")
    if event["kind"] in (Action.RECEIVE_SUPPLEMENT.value, Action.RESCHEDULE.value):
        parts.append(f"Hẹn trả mới: {show(to_local_iso(payload.get('due_at')))}")
    return "; ".join(parts)


def to_local_iso(text: str | None) -> Any:
    from datetime import datetime

    return datetime.fromisoformat(text.replace("Z", "+00:00")) if text else None


class DossierDetail(QDialog):
    changed = Signal()
    print_wanted = Signal(str, str)  # paper kind, dossier uid

    def __init__(self, desk: Desk, runner: Runner, uid: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk, self.runner, self.uid = desk, runner, uid
        self.detail: dict[str, Any] = {}
        self.setWindowTitle("Hồ sơ")
        self.summary = QLabel(wordWrap=True)
        self.timeline = QTableWidget(0, 4)
        self.timeline.setHorizontalHeaderLabels(["Thời điểm", "Người thực hiện", "Việc", "Chi tiết"])
        fit_columns(self.timeline, stretch=(3,))  # the details wrap; nothing scrolls sideways
        self.timeline.verticalHeader().hide()
        self.timeline.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        keyboard_table(self.timeline)
        self.actions_row = QHBoxLayout()
        column = QVBoxLayout(self)
        column.addWidget(self.summary)
        column.addWidget(QLabel("<b>Quá trình giải quyết</b>"))
        column.addWidget(self.timeline, 1)
        column.addLayout(self.actions_row)
        self.resize(1100, 640)
        self.action_buttons: dict[Action, QPushButton] = {}
        self.reload()

    def reload(self) -> None:
        def load() -> dict[str, Any]:
            return {**dossier_detail(self.desk, self.uid), "attachments": attachments_of(self.desk, self.uid)}

        self.runner.run(load, self._show, lambda e: show_error(self, e))

    def _show(self, detail: dict[str, Any]) -> None:
        self.detail = detail
        d, procedure = detail["dossier"], detail["procedure"]
        status = Status(d["status"])
        self.setWindowTitle(f"Hồ sơ {d['code']}")
        now, warn = thresholds(self.desk)  # the same rule as the list
        state = deadline_state(status, d["due_at"], now, warn)
        docs = "<br/>".join(f"– {x['name']} ({DOCUMENT_FORMS[x['form']]}: {x['quantity']})"
                            for x in detail["documents"])
        receipts = receipts_html(detail["receipts"])
        scans = "<br/>".join(
            f"– {a['name']} ({a['size'] // 1024} KB) — {'đã gửi lên cấp trên' if a['uploaded_at'] else 'chờ gửi'}"
            for a in detail.get("attachments", [])) or "– Chưa có"
        self.summary.setText(
            f"<h3>{d['code']} — {procedure.name}</h3>"
            f"<b>Trạng thái:</b> {status.label}{' — ' + state.label if state else ''}&nbsp;&nbsp; "
            f"<b>Nhận:</b> {show(d['received_at'])}&nbsp;&nbsp; <b>Hẹn trả:</b> {show(d['due_at'])}"
            f"{' (hẹn lại từ ' + show(d['original_due_at']) + ')' if d['reschedule_count'] else ''}<br/>"
            f"<b>Người nộp:</b> {d['owner_name']} — CCCD {d['owner_id_number'] or '…'} — ĐT {d['owner_phone'] or '…'}"
            f"<br/><b>Địa chỉ:</b> {d['owner_address'] or '…'}<br/>"
            f"<b>Kênh:</b> {CHANNELS[d['channel']]} — <b>Nhận kết quả:</b> {RETURN_METHODS[d['return_method']]}"
            f" — <b>Số bộ:</b> {d['sets_count']}<br/><b>Giấy tờ đã nhận:</b><br/>{docs}<br/>"
            f"<b>Phí, lệ phí:</b> {format_vnd(d['fee_amount'])} ({d['fee_detail']})<br/><b>Biên lai:</b><br/>{receipts}"
            f"<br/><b>Bản quét đính kèm:</b><br/>{scans}"
        )
        self._fill_timeline(detail["events"])
        self._fill_actions(status, d)

    def _fill_timeline(self, events: list[dict[str, Any]]) -> None:
        self.timeline.setRowCount(len(events))
        for row, event in enumerate(events):
            for column, value in enumerate((show(event["device_time"]), event["actor"],
                                            EVENT_LABELS.get(event["kind"], event["kind"]), describe_event(event))):
                self.timeline.setItem(row, column, QTableWidgetItem(value))

    def _fill_actions(self, status: Status, dossier: dict[str, Any]) -> None:
        while self.actions_row.count():
            widget = self.actions_row.takeAt(0).widget()
            if widget:
                widget.deleteLater()
        self.action_buttons = {}
        for action in allowed_actions(status):
            if action not in SERVICES or (action == Action.RATE and dossier["rating"]):
                continue
            if not self.desk.may(action_perm(action)):  # issue 9: only the steps the officer's roles allow
                continue
            button = QPushButton(ACTION_LABELS[action])
            button.clicked.connect(lambda _=False, a=action: self.ask(a))
            self.actions_row.addWidget(button)
            self.action_buttons[action] = button
        if fee_to_collect(self.detail) and self.desk.may(Perm.ISSUE_RECEIPT):  # no receipt yet (issue 11)
            issue = QPushButton("Lập &biên lai…")
            issue.clicked.connect(lambda: self.issue_receipt())
            self.actions_row.addWidget(issue)
        attach = QPushButton("Đính kèm bản &quét…")
        attach.clicked.connect(lambda: self.attach())
        self.actions_row.addWidget(attach)
        printing = QPushButton("&In giấy tờ…")
        menu = QMenu(printing)
        for kind, paper in PAPERS.items():
            menu.addAction(paper.label, lambda k=kind: self.print_wanted.emit(k, self.uid))
        printing.setMenu(menu)
        self.actions_row.addStretch(1)
        self.actions_row.addWidget(printing)
        row = [self.actions_row.itemAt(i).widget() for i in range(self.actions_row.count())]
        give_mnemonics([w for w in row if isinstance(w, QPushButton)], set())
        self._focus_first_step()
        QTimer.singleShot(0, self._focus_first_step)  # again once the layout has shown the new buttons

    def _focus_first_step(self) -> None:
        """The next step is one Enter away (also once shown: a dialog focuses its first child)."""
        row = [self.actions_row.itemAt(i).widget() for i in range(self.actions_row.count())]
        buttons = [*self.action_buttons.values(), *(w for w in row if isinstance(w, QPushButton))]
        if buttons:
            buttons[0].setFocus(Qt.FocusReason.OtherFocusReason)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        QTimer.singleShot(0, self._focus_first_step)

    def attach(self, path: str | None = None) -> None:
        """A scan of the papers, kept with the dossier and sent upstream on its own channel."""
        if path is None:
            path, _ = QFileDialog.getOpenFileName(self, "Chọn bản quét", start_folder(),
                                                  "Bản quét (*.pdf *.jpg *.jpeg *.png)")
            if not path:
                return
        chosen = Path(path)
        self.runner.run(lambda: attach_file(self.desk, self.uid, chosen),
                        lambda _: (self.changed.emit(), self.reload()), lambda e: show_error(self, e))

    def issue_receipt(self) -> ReceiptDialog:
        """The fee not taken at reception: the receipt dialog, then the receipt's print preview."""
        def issued(_: Any) -> None:
            self.changed.emit()
            self.reload()
            self.print_wanted.emit("receipt", self.uid)

        self.receipt_dialog = dossier_receipt(self, self.desk, self.runner, self.uid, self.detail, issued)
        return self.receipt_dialog

    def defaults_for(self, action: Action) -> dict[str, Any]:
        d = self.detail["dossier"]
        if action == Action.HAND_OVER:
            return {"receiver": d["owner_name"]}
        if action == Action.RESCHEDULE:
            return {"new_due": to_local(d["due_at"] + timedelta(days=2))}
        return {}

    def ask(self, action: Action, dialog_factory: Callable[..., ActionDialog] = ActionDialog) -> ActionDialog:
        dialog = dialog_factory(action, ACTION_LABELS[action], self.defaults_for(action), self)
        dialog.accepted.connect(lambda: self.perform(action, dialog))
        dialog.open()
        return dialog

    def perform(self, action: Action, dialog: ActionDialog) -> None:
        values = dialog.values()

        def failed(error: Exception) -> None:
            if isinstance(error, DeskError):
                dialog.show_error(error.message)
                dialog.open()  # back to the official, with the reason, nothing written
            else:
                show_error(self, error)

        def done(_: Any) -> None:
            self.changed.emit()
            self.reload()

        self.runner.run(lambda: SERVICES[action](self.desk, self.uid, **values), done, failed)
