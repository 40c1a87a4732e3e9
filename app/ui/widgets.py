"""Small pieces every screen uses the same way: the red message under a field, and the layout of a
form dialog with Vietnamese buttons."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout

ERROR_STYLE = "color: #b00020;"


def error_label() -> QLabel:
    return QLabel(wordWrap=True, styleSheet=ERROR_STYLE)


def form_dialog(dialog: QDialog, form: QFormLayout, error: QLabel, ok_text: str, on_ok: Callable[[], None]) -> None:
    """The form, the message line, then OK (named for what it does) and "Hủy"."""
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Hủy")
    buttons.accepted.connect(on_ok)
    buttons.rejected.connect(dialog.reject)
    column = QVBoxLayout(dialog)
    column.addLayout(form)
    column.addWidget(error)
    column.addWidget(buttons)
