"""The log file after a whole day's path (enrol, scan a chip card, receive, sync, pull on another
desk), everything at DEBUG including requests/urllib3: no token, no enrollment code, no password,
no raw QR string. Then the redaction filter itself against records that do carry secrets."""

import logging
import threading

import pytest

from PySide6.QtWidgets import QApplication

from app import logs
from app.core.receipts import SeriesSpec
from app.services.queries import search_dossiers
from app.services.receipts import add_series
from app.sync.client import SyncClient, enroll
from app.sync.credentials import load_token
from app.ui.main_window import MainWindow
from app.ui.runner import Runner
from sync.hub.admin import create_enroll_code
from tests.sync.conftest import COMMUNE_A, hub, make_desk  # noqa: F401 (fixtures)
from tests.ui.test_reception import receive_by_keyboard, scanner_types

QR = "038190001234|123456789|Lê Thị Hồng|12031990|Nữ|Thôn Đông, xã Quảng Phú|01072022"
BAD_QR = "038190001234|123456789|Lê Thị Hồng|31021990|Nữ|Thôn Đông, xã Quảng Phú|01072022"  # 31/02
DB_PASSWORD = "Mk-hub-2026"


@pytest.fixture
def hub_url(tmp_path):
    """One database is enough here: the log is the desk's."""
    return f"sqlite:///{tmp_path / 'hub.sqlite'}"


@pytest.fixture
def log_folder(tmp_path):
    folder = tmp_path / "logs"
    logs.configure(folder, level=logging.DEBUG)
    for noisy in ("urllib3", "requests"):
        logging.getLogger(noisy).setLevel(logging.DEBUG)
    yield folder
    logs.shutdown()


def log_text(folder) -> str:
    for handler in logging.getLogger().handlers:
        handler.flush()
    files = sorted(folder.glob("motcua.log*"))
    assert files, "nothing was logged"
    return "\n".join(path.read_text(encoding="utf-8") for path in files)


def enrolled(make_desk, hub, name, workstation):  # noqa: F811
    desk = make_desk(name, workstation, enrolled=False)
    code = create_enroll_code(hub.engine, *COMMUNE_A, workstation)
    enroll(desk, hub.url, code, f"Máy {name}")
    settings = desk.settings()
    return desk, code, load_token(settings.hub_url, settings.device_id)


def test_a_full_reception_and_sync_leave_no_secret_in_the_log(log_folder, make_desk, hub, qtbot):  # noqa: F811
    one, code_one, token_one = enrolled(make_desk, hub, "mot", 1)
    two, code_two, token_two = enrolled(make_desk, hub, "hai", 2)
    add_series(one, SeriesSpec("paper", "01BLP0-001", "AA/26T", 1, 100))
    window = MainWindow(one, Runner(synchronous=True), autostart_sync=False)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)  # the scan box needs the keyboard focus
    view = window.reception
    view.print_now.setChecked(False)
    receive_by_keyboard(qtbot, view, "chung thuc ban sao", QR, "0912345678")
    assert search_dossiers(one, "le thi hong")
    scanner_types(view.scan, BAD_QR)  # a bad card is explained on screen, never logged
    assert "không phải một ngày có thật" in view.errors["qr"].text()
    for desk in (one, two, one):
        assert SyncClient(desk).round().online
    assert search_dossiers(two, "le thi hong")  # the other desk pulled it
    logging.getLogger("test").info("hub database at postgresql+psycopg://hub:%s@127.0.0.1/hub", DB_PASSWORD)

    text = log_text(log_folder)
    assert "POST /api/v1/sync/push" in text and "GET /api/v1/sync/pull" in text  # urllib3 really logged
    assert "/api/v1/devices/enroll" in text
    for secret in (token_one, token_two, code_one, code_two, DB_PASSWORD, QR, BAD_QR, QR.split("|", 1)[1]):
        assert secret and secret not in text, f"{secret[:6]}… is in the log"


def test_secrets_in_messages_arguments_and_tracebacks_are_redacted(log_folder):
    token = "Xq3_kP9ZmN2vR8sT1wY4uL6oE0aB7cD5fG-hJ2kL9mQ"
    log = logging.getLogger("app.sync.client")
    log.debug("headers %s", {"Authorization": f"Bearer {token}"})
    log.warning("bare token %s in an f-string, code KLJ6-5T8Q, body %s", token, '{"code": "KLJ6-5T8Q"}')
    log.info("form %s", {"password": "mật khẩu có dấu cách", "qr": QR})
    try:
        raise ValueError(f"could not parse {QR} with token={token}")
    except ValueError as error:
        error_id = logs.report_unexpected(error, "a test")
    text = log_text(log_folder)
    assert token not in text and "KLJ6-5T8Q" not in text and "mật khẩu" not in text and QR not in text
    assert "Bearer [ẩn]" in text and "[mã QR CCCD]" in text
    assert f"error {error_id}: unexpected ValueError in a test" in text and "Traceback" in text
    assert "000.17.22.H56-261120-1013" in logs.redact("dossier 000.17.22.H56-261120-1013")  # codes stay readable
    assert "a" * 64 in logs.redact("sha256 " + "a" * 64)  # hashes too


@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
def test_errors_of_threads_are_logged_with_traceback_and_id(log_folder):
    def fail() -> None:
        raise RuntimeError("a worker broke")

    thread = threading.Thread(target=fail, name="worker-x")
    thread.start()
    thread.join()
    text = log_text(log_folder)
    assert "unexpected RuntimeError in thread worker-x" in text and "RuntimeError: a worker broke" in text
    assert "Traceback (most recent call last)" in text


def test_configure_is_once_and_rotates(tmp_path):
    first = logs.configure(tmp_path / "a")
    try:
        assert logs.configure(tmp_path / "a") == first  # a second call changes nothing
        handlers = [h for h in logging.getLogger().handlers if isinstance(h, logging.handlers.RotatingFileHandler)]
        assert len(handlers) == 1 and handlers[0].maxBytes == logs.MAX_BYTES and handlers[0].backupCount == 5
        assert handlers[0].encoding == "utf-8"
    finally:
        logs.shutdown()
