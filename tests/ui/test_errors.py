"""What the official sees when something goes wrong: a refusal shows its own message; an
unexpected error shows a plain message with an error id, never a traceback, while the log file
holds the traceback under that id."""

import logging
import re

import pytest

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from app import logs
from app.core.errors import ValidationError
from app.ui.app import install_reporting
from app.ui.errors import show_error
from app.ui.runner import Runner

ERROR_ID = re.compile(r"Mã lỗi: ([0-9A-F]{8}), hãy báo cho cán bộ kỹ thuật")


@pytest.fixture
def log_file(tmp_path):
    path = logs.configure(tmp_path / "logs")
    yield path
    logs.shutdown()


def logged(path) -> str:
    for handler in logging.getLogger().handlers:
        handler.flush()
    return path.read_text(encoding="utf-8") if path.exists() else ""


def run_and_show(qtbot, work) -> QMessageBox:
    runner = Runner()  # a real worker thread, as the desk runs
    shown: list[QMessageBox] = []
    runner.run(work, lambda _: None, lambda error: shown.append(show_error(None, error)))
    qtbot.waitUntil(lambda: bool(shown))
    runner.wait()
    qtbot.addWidget(shown[0])
    return shown[0]


def assert_plain(box: QMessageBox) -> None:
    assert "Traceback" not in box.text() and 'File "' not in box.text()
    assert box.detailedText() == ""
    assert not [b for b in box.buttons() if "Show Details" in b.text() or "Chi tiết" in b.text()]


def test_an_unexpected_error_in_a_job_shows_an_id_and_logs_the_traceback_under_it(qtbot, log_file):
    def job():
        raise KeyError("sổ_thu_phí")

    box = run_and_show(qtbot, job)
    found = ERROR_ID.search(box.text())
    assert found, box.text()
    assert_plain(box)
    assert "ngoài dự kiến" in box.text()
    text = logged(log_file)
    entry = text[text.index(f"error {found.group(1)}"):]
    assert "unexpected KeyError" in entry and "Traceback (most recent call last)" in entry
    assert "raise KeyError" in entry and "test_errors.py" in entry  # where it happened, on the worker
    assert text.count(f"error {found.group(1)}") == 1  # the runner logged it; the dialog did not log it again


def test_a_refusal_shows_just_its_message_and_is_no_error_in_the_log(qtbot, log_file):
    def job():
        raise ValidationError("Hãy nhập họ và tên người nộp hồ sơ.", field="owner_name")

    box = run_and_show(qtbot, job)
    assert box.text() == "Hãy nhập họ và tên người nộp hồ sơ."
    assert_plain(box)
    assert "ERROR" not in logged(log_file)


@pytest.mark.qt_no_exception_capture
def test_an_error_no_slot_caught_is_logged_and_shown_with_its_id(qtbot, log_file):
    install_reporting()

    def broken_slot():
        raise ZeroDivisionError("chia cho không")

    QTimer.singleShot(0, broken_slot)

    def dialog() -> QMessageBox | None:
        boxes = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]
        return boxes[0] if boxes else None

    qtbot.waitUntil(lambda: dialog() is not None)
    box = dialog()
    qtbot.addWidget(box)
    found = ERROR_ID.search(box.text())
    assert found and f"error {found.group(1)}" in logged(log_file)
    assert "ZeroDivisionError: chia cho không" in logged(log_file)
    assert_plain(box)
