"""When the desk syncs: at start-up, every few minutes, shortly after a local change, and on
"Đồng bộ ngay"; one round at a time; a failed round always schedules its own retry."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from app.core.errors import DeskError
from app.logs import report_unexpected
from app.services.desk import Desk
from app.ui.runner import Runner

if TYPE_CHECKING:
    from app.sync.client import RoundResult, SyncClient

PERIOD_MS = 5 * 60 * 1000
AFTER_CHANGE_MS = 10 * 1000


class SyncScheduler(QObject):
    finished = Signal(object)  # RoundResult
    started = Signal()

    def __init__(self, desk: Desk, runner: Runner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.desk, self.runner = desk, runner
        self.client: SyncClient | None = None
        self.running = False
        self.stopped_reason = ""
        self.last: RoundResult | None = None
        self.timer = QTimer(self, interval=PERIOD_MS, timeout=self.sync_now)
        self.soon = QTimer(self, singleShot=True, interval=AFTER_CHANGE_MS, timeout=self.sync_now)
        self.retry = QTimer(self, singleShot=True, timeout=self.sync_now)

    @property
    def enrolled(self) -> bool:
        settings = self.desk.settings()
        return bool(settings.hub_url and settings.device_id)

    def start(self) -> None:
        self.timer.start()
        self.sync_now()

    def changed_locally(self) -> None:
        if self.enrolled and not self.soon.isActive():
            self.soon.start()

    def sync_now(self) -> None:
        if self.running or not self.enrolled:
            return
        self.running = True
        self.started.emit()
        self.runner.run(self._round, self._done, self._failed)

    def _round(self) -> RoundResult:
        from app.sync.client import SyncClient  # on the worker: requests and keyring are not needed to start

        if self.client is None or self.client.base != self.desk.settings().hub_url:
            self.client = SyncClient(self.desk)
        return self.client.round()

    def _done(self, result: RoundResult) -> None:
        self.running = False
        self.last = result
        if result.stopped:
            self.timer.stop()  # a revoked or outdated workstation does not hammer the hub
            self.stopped_reason = result.problem
        elif result.retry_in:
            self.retry.start(int(result.retry_in * 1000))
        self.finished.emit(result)

    def _failed(self, error: Exception) -> None:
        from app.sync.client import RoundResult

        message = error.message if isinstance(error, DeskError) else \
            f"Lỗi ngoài dự kiến khi đồng bộ (mã lỗi {report_unexpected(error)}); sẽ tự thử lại."  # logged by the runner
        self._done(RoundResult(online=False, problem=message, retry_in=60.0))

    def enrolled_now(self) -> None:
        self.client = None
        self.stopped_reason = ""
        self.start()
