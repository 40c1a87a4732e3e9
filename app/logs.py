"""Logging, set up once at start: a rotating UTF-8 file in the per-user data folder, secrets
redacted from every record, and every unexpected error logged with its traceback under a short
id that the official can read out to whoever supports the desk (the dialog shows only the id).

No Qt here: the window adds its own reporter with `set_reporter`.
"""

from __future__ import annotations

import logging
import os
import re
import secrets
import sys
import threading
from collections.abc import Callable
from logging.handlers import RotatingFileHandler
from pathlib import Path
from types import TracebackType

LOG_FILE = "motcua.log"
MAX_BYTES, BACKUPS = 2 * 1024 * 1024, 5
FORMAT = "%(asctime)s %(levelname)s [%(threadName)s] %(name)s: %(message)s"
ERROR_ID_ATTRIBUTE = "_motcua_error_id"
HIDDEN = "[ẩn]"

log = logging.getLogger(__name__)

_BASE64URL = "A-Za-z0-9_-"
# Each pattern finds a secret; the replacement keeps what tells a reader where it was.
_REDACTIONS: tuple[tuple[re.Pattern[str], str], ...] = (
    # "Authorization: Bearer …" in a header dump or an error
    (re.compile(r"(?i)\b(bearer)(\s+)[A-Za-z0-9._~+/=-]+"), rf"\1\2{HIDDEN}"),
    # token=…, "password": "…", pwd: …, secret=… (query strings, JSON, reprs)
    (re.compile(r"""(?i)\b((?:access_|refresh_|api_|enroll_)?token|password|passwd|pwd|secret|enroll(?:ment)?_code)"""
                r"""(["']?\s*[:=]\s*)(?:"[^"\r\n]*"|'[^'\r\n]*'|[^\s"'&,;}]+)"""), rf"\1\2{HIDDEN}"),
    # user:password@ in a database or proxy URL
    (re.compile(r"(?i)(\b[a-z][a-z0-9+.-]*://[^:/\s@]+:)[^@\s/]+@"), rf"\1{HIDDEN}@"),
    # a raw chip-card QR: 12-digit number then at least four more |-separated fields (app.core.identity)
    (re.compile(r"\b\d{12}(?:\|[^|\r\n]*){4,}"), "[mã QR CCCD]"),
    # a one-time enrollment code as the hub makes it: XXXX-XXXX without 0/O/1/I (sync/hub/admin.py)
    (re.compile(r"(?<![A-Za-z0-9-])[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}(?![A-Za-z0-9-])"), HIDDEN),
    # a bare device token (secrets.token_urlsafe(32): 43 characters mixing cases and digits); hex
    # hashes and UUIDs are lower-case only and stay readable
    (re.compile(rf"(?<![{_BASE64URL}])(?=[{_BASE64URL}]*[A-Z])(?=[{_BASE64URL}]*[a-z])(?=[{_BASE64URL}]*\d)"
                rf"[{_BASE64URL}]{{32,}}(?![{_BASE64URL}])"), HIDDEN),
)


def redact(text: str) -> str:
    """The text with every secret the desk knows the shape of replaced."""
    for pattern, replacement in _REDACTIONS:
        text = pattern.sub(replacement, text)
    return text


class RedactingFilter(logging.Filter):
    """Redacts the whole record (message with its arguments, traceback, stack) before any file sees it."""

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a bad format string must not lose the record
            message = f"{record.msg!r} {record.args!r}"
        record.msg, record.args = redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


class _State:
    handler: RotatingFileHandler | None = None
    previous_hooks: tuple[object, object] | None = None
    reporter: Callable[[BaseException, str], None] | None = None


def default_folder() -> Path:
    """`logs` in the per-user data folder; MOTCUA_LOG_DIR moves it (tests, a machine's policy)."""
    from app.paths import data_dir

    return Path(os.environ.get("MOTCUA_LOG_DIR") or data_dir() / "logs")


def configure(folder: Path | None = None, *, level: int = logging.INFO) -> Path:
    """Set up logging once per process; a later call changes nothing unless it names another folder
    (tests). Returns the log file's path."""
    folder = Path(folder) if folder is not None else default_folder()
    path = folder / LOG_FILE
    current = _State.handler
    if current is not None and current.baseFilename == os.path.abspath(path):  # how the handler spells it
        logging.getLogger().setLevel(level)
        return path
    folder.mkdir(parents=True, exist_ok=True)
    handler = RotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8", delay=True)
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(RedactingFilter())
    root = logging.getLogger()
    if current is not None:
        root.removeHandler(current)
        current.close()
    root.addHandler(handler)
    root.setLevel(level)
    _State.handler = handler
    logging.captureWarnings(True)
    logging.getLogger("sqlalchemy.engine").setLevel(max(level, logging.WARNING))  # SQL text carries people's data
    logging.getLogger("alembic.runtime.plugins").setLevel(max(level, logging.WARNING))  # a line per plugin, each start
    _install_hooks()
    log.info("logging to %s", path)
    return path


def shutdown() -> None:
    """Undo `configure` (tests): the file is closed and the previous exception hooks come back."""
    handler, _State.handler = _State.handler, None
    if handler is not None:
        logging.getLogger().removeHandler(handler)
        handler.close()
    if _State.previous_hooks is not None:
        sys.excepthook, threading.excepthook = _State.previous_hooks  # type: ignore[assignment]
        _State.previous_hooks = None
    _State.reporter = None
    logging.captureWarnings(False)


def log_file() -> Path | None:
    return Path(_State.handler.baseFilename) if _State.handler is not None else None


def set_reporter(reporter: Callable[[BaseException, str], None] | None) -> None:
    """Who tells the official about an error nobody caught (the window's dialog); called with the id."""
    _State.reporter = reporter


def error_id_of(error: BaseException) -> str | None:
    found = getattr(error, ERROR_ID_ATTRIBUTE, None)
    return found if isinstance(found, str) else None


def report_unexpected(error: BaseException, where: str = "") -> str:
    """Logs an unexpected error with its traceback, once, and returns its short id (8 hex digits)."""
    known = error_id_of(error)
    if known is not None:
        return known
    error_id = secrets.token_hex(4).upper()
    try:
        setattr(error, ERROR_ID_ATTRIBUTE, error_id)
    except (AttributeError, TypeError):  # an exception type without a __dict__: logged again if seen again
        pass
    context = f" in {where}" if where else ""
    log.error("error %s: unexpected %s%s", error_id, type(error).__name__, context,
              exc_info=(type(error), error, error.__traceback__))
    return error_id


def _excepthook(kind: type[BaseException], error: BaseException, trace: TracebackType | None) -> None:
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, error, trace)
        return
    if error.__traceback__ is None:
        error = error.with_traceback(trace)
    error_id = report_unexpected(error, "the main thread")
    if _State.reporter is not None:
        _State.reporter(error, error_id)
    elif sys.stderr is not None:  # a console (the motcua command): say it there too, without the traceback
        print(f"Lỗi ngoài dự kiến (mã lỗi {error_id}); chi tiết đã ghi vào {log_file()}.", file=sys.stderr)


def _thread_excepthook(args: threading.ExceptHookArgs) -> None:
    if args.exc_value is None or issubclass(args.exc_type, SystemExit):
        return
    name = args.thread.name if args.thread is not None else "a thread"
    report_unexpected(args.exc_value.with_traceback(args.exc_traceback), f"thread {name}")
    if _State.previous_hooks is not None:  # whoever watched threads before (a console, a test runner) still sees it
        _State.previous_hooks[1](args)  # type: ignore[operator]


def _install_hooks() -> None:
    if _State.previous_hooks is None:
        _State.previous_hooks = (sys.excepthook, threading.excepthook)
    sys.excepthook = _excepthook
    threading.excepthook = _thread_excepthook
