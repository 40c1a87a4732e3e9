"""The GUI thread never touches the database: the window is built, loads its lists, shows a live
quote and due time after a change made on the worker, opens a dossier, the settings and the sync
tab, and a print preview, and every SQL statement of all that runs on a worker (counted with a
SQLAlchemy listener, by thread)."""

import threading

import pytest
from sqlalchemy import event

from app.services.admin import update_settings
from app.services.reception import receive_dossier
from app.ui.main_window import MainWindow
from app.ui.paper_jobs import dossier_job
from tests.helpers.data import birth


@pytest.fixture
def statements_by_thread(desk):
    seen: list[tuple[int, str]] = []

    def record(conn, cursor, statement, *rest):
        seen.append((threading.get_ident(), statement))

    for engine in (desk.db.reader, desk.db.writer):
        event.listen(engine, "before_cursor_execute", record)
    yield seen
    for engine in (desk.db.reader, desk.db.writer):
        event.remove(engine, "before_cursor_execute", record)


def test_the_window_reads_settings_and_calendar_without_sql_on_the_gui_thread(qtbot, desk, statements_by_thread):
    got = receive_dossier(desk, birth("Nguyễn Văn Đức"))
    desk.load()  # what app.ui.app.run does before the window
    statements_by_thread.clear()
    gui = threading.get_ident()
    window = MainWindow(desk, autostart_sync=False)  # real worker threads
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.model.rowCount() == 1 and window.reception.procedure_list.count() > 0)
    changed = []  # a change on the database worker, as the settings tab or a sync round makes
    window.runner.run(lambda: update_settings(desk, device_name="Máy quầy"), changed.append, changed.append)
    qtbot.waitUntil(lambda: bool(changed))
    view = window.reception
    view.procedure_list.setCurrentRow(0)  # the live fee and due time: the calendar, read on this thread
    view.pages.setValue(3)
    assert view.due_label.text().startswith("Hẹn trả kết quả")
    detail = window.open_detail(got.uid)
    qtbot.addWidget(detail)
    qtbot.waitUntil(lambda: got.code in detail.summary.text())  # due state computed from the calendar
    window.settings_view.reload()
    window.sync_view.reload()
    window.update_status()
    qtbot.waitUntil(lambda: "Máy quầy (máy trạm số 2)" in window.status.text())
    opened = []
    window.open_print(lambda: dossier_job(desk, "slip", got.uid), opened.append)  # the job reads the dossier
    qtbot.waitUntil(lambda: bool(opened) and bool(opened[0].pdf), timeout=15_000)  # rendered too
    opened[0].reject()
    for runner in {window.runner, window.print_runner}:
        runner.wait()
    qtbot.wait(50)  # the last results reach their slots
    assert statements_by_thread, "the listener saw nothing: the test would prove nothing"
    on_gui = [statement for thread, statement in statements_by_thread if thread == gui]
    assert on_gui == []
