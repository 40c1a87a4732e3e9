"""The context every service runs in: the database, who acts, the clock, and a snapshot of the
settings and working calendar that every thread may read.

The thread rule, in one line: readers take the current `DeskState` and never do I/O; a new state
is built whole (at open, and by `forget_cached` after a change, on the thread that made the
change, i.e. a worker) and published by one attribute assignment. The GUI thread therefore never
waits on the database to read a setting or compute a due time, and never sees half a reload.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from app.core.calendar import WorkingCalendar
from app.core.permissions import Officer, Perm, PermissionDenied
from app.services.clock import utc_now
from app.services.settings import DeskSettings, load_settings
from app.store.engine import Database


@dataclass(frozen=True)
class DeskState:
    """Settings and calendar read in one transaction, so they always belong together.

    `in_force` memoises the procedure version in force by (code, day) for this state only: a
    catalogue change publishes a new state with an empty memo instead of clearing this one under
    a reader. Entries are only ever added, each a complete immutable value."""

    settings: DeskSettings
    calendar: WorkingCalendar
    in_force: dict[tuple[str, Any], Any] = field(default_factory=dict, compare=False)


SIGN_IN_FIRST = "Hãy đăng nhập bằng tài khoản cán bộ trước khi làm việc này."


@dataclass
class Desk:
    """`actor` is the name every event, receipt, print and setting change records: the signed-in
    officer's full name once `act_as` ran. Who may do what: an officer is checked against the roles
    table; a desk with no officer is `trusted` (the demo builder, the self-test, tests, applying
    pulled changes) unless its opener says otherwise — the window and the CLI's commands that
    write open it untrusted and sign an officer in, so every act there is checked."""

    db: Database
    actor: str
    clock: Callable[[], datetime] = utc_now
    officer: Officer | None = None
    trusted: bool = True
    # Procedure versions by id. A version row never changes once written, so entries never go
    # stale and are never removed; concurrent fills of the same key store equal values.
    versions: dict[int, Any] = field(default_factory=dict, repr=False)
    _state: DeskState | None = field(default=None, repr=False)
    _publishing: threading.RLock = field(default_factory=threading.RLock, repr=False, compare=False)
    _thread: threading.local = field(default_factory=threading.local, repr=False, compare=False)

    # -- who acts -----------------------------------------------------------------------------
    def act_as(self, officer: Officer) -> None:
        """The officer who signed in (login, or a shift change): every later act records them."""
        self.officer, self.actor = officer, officer.full_name

    def sign_out(self) -> None:
        """No one acts until the next login (the desk is locked); trust is not given back."""
        self.officer, self.trusted = None, False

    def require(self, perm: Perm) -> None:
        """Called first by every service that writes: refuses what the officer's roles do not allow."""
        officer = self.officer
        if officer is not None:
            officer.require(perm)
        elif not self.trusted:
            raise PermissionDenied(SIGN_IN_FIRST, field="permission")

    def may(self, perm: Perm) -> bool:
        return self.officer.may(perm) if self.officer is not None else self.trusted

    # -- transactions ------------------------------------------------------------------------
    @property
    def _batch(self) -> Connection | None:
        """The batch connection of the calling thread only: another thread never writes into it."""
        return getattr(self._thread, "batch", None)

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
        """Run many actions in one transaction: imports, the demo, and the few acts that are one in the
        official's eyes (void-and-replace a receipt); never a long task at the desk. Inside another
        batch it joins that one (a second BEGIN on another connection would wait for the first)."""
        if self._batch is not None:
            yield
            return
        with self.db.writer.begin() as connection:
            self._thread.batch = connection
            try:
                yield
            finally:
                self._thread.batch = None

    # -- the shared snapshot -------------------------------------------------------------------
    def state(self) -> DeskState:
        """The current snapshot; built here only the very first time (at open, before any window)."""
        state = self._state
        if state is None:
            with self._publishing:  # read-only: a first read may come from inside a write transaction
                state = self._state or self._publish(persist_years=False)
        return state

    def settings(self) -> DeskSettings:
        return self.state().settings

    def calendar(self) -> WorkingCalendar:
        return self.state().calendar

    @property
    def in_force(self) -> dict[tuple[str, Any], Any]:
        """The current state's memo: take it once per use (`memo = desk.in_force`), as it may be swapped."""
        return self.state().in_force

    def load(self) -> DeskState:
        """Build and publish the snapshot now: at open, on the thread that opens the desk, before any
        window reads it; the holiday tables of the years around today are stored if missing."""
        with self._publishing:
            return self._publish()

    def forget_cached(self) -> None:
        """Call after settings, the holiday table or the catalogue change (after the commit): the
        snapshot is rebuilt from the database and swapped in whole; readers never see a gap."""
        with self._publishing:
            self._publish()

    def cursor_saved(self, cursor: int) -> None:
        """Call after a commit that moved only the sync cursor (a pulled page of dossiers): the snapshot
        takes the new value without a rebuild, which a first sync would otherwise do a hundred times."""
        with self._publishing:
            state = self.state()
            self._state = replace(state, settings=replace(state.settings, sync_cursor=cursor))

    def _publish(self, *, persist_years: bool = True) -> DeskState:
        # Builders take turns (the lock): the last to publish read after every commit whose
        # caller asked for a rebuild, so an older snapshot can never overwrite a newer one.
        state = self._build(persist_years)
        self._state = state
        return state

    def _build(self, persist_years: bool) -> DeskState:
        from app.services.calendar_data import materialize_missing_years, read_calendar, years_around

        if persist_years:
            materialize_missing_years(self)  # its own write transaction, only when a year is missing
        with self.read() as connection:  # one read transaction: settings and days of the same commit
            settings = load_settings(connection)
            return DeskState(settings, read_calendar(connection, settings, years_around(self)))

    def now(self) -> datetime:
        return self.clock()
