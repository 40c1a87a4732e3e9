"""One way to run work off the GUI thread: a function runs in a thread pool, and its result or its
error comes back on the GUI thread through a queued signal (style.md §2: Anki's taskman, Picard's
run_task). Tests pass `synchronous=True` to run everything inline. An unexpected error is logged
with its traceback and id where it happened (app.logs), before the failure callback sees it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from app.core.errors import DeskError
from app.logs import report_unexpected


def _noted(error: Exception, work: Callable[[], Any]) -> Exception:
    """A refusal is the official's to read; anything else is logged now, on the thread that saw it."""
    if not isinstance(error, DeskError):
        report_unexpected(error, getattr(work, "__qualname__", "a background job"))
    return error


class _Bridge(QObject):
    finished = Signal(object, object)  # result, error


class _Task(QRunnable):
    def __init__(self, work: Callable[[], Any], bridge: _Bridge) -> None:
        super().__init__()
        self.work, self.bridge = work, bridge

    def run(self) -> None:
        try:
            result = self.work()
        except Exception as error:  # handed to the failure callback on the GUI thread
            self.bridge.finished.emit(None, _noted(error, self.work))
        else:
            self.bridge.finished.emit(result, None)


class Runner(QObject):
    def __init__(self, *, synchronous: bool = False, max_threads: int = 1, parent: QObject | None = None) -> None:
        """One worker by default: database work runs one job at a time, in the order it was asked."""
        super().__init__(parent)
        self.synchronous = synchronous
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(max_threads)
        self._bridges: set[_Bridge] = set()

    def run(self, work: Callable[[], Any], on_success: Callable[[Any], None],
            on_failure: Callable[[Exception], None]) -> None:
        if self.synchronous:
            try:
                result = work()
            except Exception as error:
                on_failure(_noted(error, work))
                return
            on_success(result)
            return
        bridge = _Bridge()
        self._bridges.add(bridge)

        def finished(result: Any, error: Exception | None) -> None:
            self._bridges.discard(bridge)
            if error is not None:
                on_failure(error)
            else:
                on_success(result)

        bridge.finished.connect(finished)
        self.pool.start(_Task(work, bridge))

    def wait(self) -> None:
        self.pool.waitForDone()
