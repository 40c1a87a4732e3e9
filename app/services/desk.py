"""The context every service runs in: the database, who acts, the clock, cached settings."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from app.core.calendar import WorkingCalendar
from app.services.clock import utc_now
from app.services.settings import DeskSettings, load_settings
from app.store.engine import Database


@dataclass
class Desk:
    db: Database
    actor: str
    clock: Callable[[], datetime] = utc_now
    _settings: DeskSettings | None = field(default=None, repr=False)
    _calendar: WorkingCalendar | None = field(default=None, repr=False)
    _batch: Connection | None = field(default=None, repr=False)
    versions: dict[int, Any] = field(default_factory=dict, repr=False)  # procedure versions by id, immutable
    in_force: dict[tuple[str, Any], Any] = field(default_factory=dict, repr=False)  # (code, day) -> version

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """One write transaction (BEGIN IMMEDIATE): all or nothing."""
        if self._batch is not None:
            yield self._batch
            return
        with self.db.writer.begin() as connection:
            yield connection

    @contextmanager
    def read(self) -> Iterator[Connection]:
        if self._batch is not None:
            yield self._batch
            return
        with self.db.reader.connect() as connection:
            yield connection

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Run many actions in one transaction: for imports and the demo, never for the desk."""
        with self.db.writer.begin() as connection:
            self._batch = connection
            try:
                yield
            finally:
                self._batch = None

    def settings(self) -> DeskSettings:
        if self._settings is None:
            with self.read() as connection:
                self._settings = load_settings(connection)
        return self._settings

    def calendar(self) -> WorkingCalendar:
        if self._calendar is None:
            from app.services.calendar_data import build_calendar

            self._calendar = build_calendar(self)
        return self._calendar

    def forget_cached(self) -> None:
        """Call after settings or the holiday table change."""
        self._settings = None
        self._calendar = None
        self.in_force.clear()

    def now(self) -> datetime:
        return self.clock()
