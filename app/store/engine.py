"""Opening the desk's SQLite file: pragmas, write serialisation, migrations with a backup first."""

from __future__ import annotations

import logging
import os
import re
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import SQLAlchemyError

from app.core.errors import ConfigurationError

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).parent / "migrations"
BUSY_TIMEOUT_MS = 15_000


@dataclass
class Database:
    """A write engine (every transaction BEGIN IMMEDIATE, so numbers are allocated one
    writer at a time) and a read engine (deferred BEGIN, never blocks a writer in WAL)."""

    path: Path
    writer: Engine
    reader: Engine

    def dispose(self) -> None:
        self.writer.dispose()
        self.reader.dispose()


def _make_engine(path: Path, *, begin: str, synchronous: str) -> Engine:
    engine = create_engine(f"sqlite+pysqlite:///{path}", connect_args={"check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control from the driver so that our BEGIN is the one used.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute(f"PRAGMA synchronous = {synchronous}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql(begin)

    return engine


def _alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def backup_file(path: Path, label: str) -> Path:
    """A consistent copy of the database (the SQLite backup API sees through WAL)."""
    folder = path.parent / "backups"
    folder.mkdir(exist_ok=True, mode=0o700)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = folder / f"{path.stem}.{label}.{stamp}.sqlite"
    source = sqlite3.connect(path)
    try:
        destination = sqlite3.connect(target)
        with destination:
            source.backup(destination)
        destination.close()
    finally:
        source.close()
    make_private(target)  # a plain copy of personal data: the desk's account only
    return target


def make_private(path: Path) -> None:
    """Only the desk's OS account may read the database and what SQLite keeps beside it (issue 9).
    SQLite gives -wal and -shm the database's own mode; a file made before this rule is tightened
    here. Windows: the per-user data folder already carries the profile's ACL."""
    if os.name != "posix":
        return
    for suffix in ("", "-wal", "-shm"):
        file = Path(f"{path}{suffix}")
        try:
            status = file.stat()
            if status.st_uid == os.getuid() and status.st_mode & 0o077:
                file.chmod(0o600)
        except OSError:
            continue


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


_REVISION = re.compile(r"^(down_revision|revision)\s*(?::[^=]*)?=\s*['\"]([^'\"]+)['\"]", re.MULTILINE)


def shipped_head() -> str | None:
    """The head revision read from the migration files' text, or None when it cannot be told
    (no sources shipped, several heads): then Alembic decides. Loading Alembic and every
    revision module costs more than the rest of the start-up, so a file at head skips it."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for script in (MIGRATIONS / "versions").glob("*.py"):
        found = dict(_REVISION.findall(script.read_text(encoding="utf-8")))
        if "revision" in found:
            revisions.add(found["revision"])
        if "down_revision" in found:
            parents.add(found["down_revision"])
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def _stored_revision(engine: Engine) -> str | None:
    """The file's revision in one query (no Alembic), or None if it has none."""
    with engine.connect() as connection:
        try:
            rows = connection.exec_driver_sql("SELECT version_num FROM alembic_version").all()
        except SQLAlchemyError:
            return None
    return rows[0][0] if len(rows) == 1 else None


def at_head(engine: Engine) -> bool:
    head = shipped_head()
    return head is not None and _stored_revision(engine) == head


def migrate(database: Database, target: str = "head") -> Path | None:
    """Bring the file to `target`; returns the backup taken first, if the file had data."""
    if target == "head" and at_head(database.reader):
        return None  # the common case at every start-up: nothing to do, Alembic not even imported
    from alembic import command
    from alembic.script import ScriptDirectory

    config = _alembic_config()
    scripts = ScriptDirectory.from_config(config)
    current = current_revision(database.writer)
    known = {rev.revision for rev in scripts.walk_revisions()}
    if current is not None and current not in known:
        raise ConfigurationError(
            "Tệp dữ liệu này do một phiên bản mới hơn của phần mềm tạo ra. Hãy cập nhật phần mềm trước khi mở."
        )
    wanted = scripts.get_current_head() if target == "head" else target
    if current == wanted:
        return None
    backup = backup_file(database.path, f"before-{wanted}-from-{current}") if current is not None else None
    with database.writer.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, wanted)
    log.info("database migrated from %s to %s", current, wanted)
    return backup


def open_database(path: str | os.PathLike[str], *, migrate_to: str = "head", synchronous: str = "FULL") -> Database:
    """Open (creating if needed) and migrate the desk's database file.

    `synchronous` stays FULL for the desk: a number printed on paper must survive a power cut.
    Only throw-away files (the demo, benchmarks' baselines) may pass something weaker.
    """
    path = Path(path).expanduser().resolve()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)  # a folder made here: the desk's account only
    new_file = not path.exists()
    database = Database(
        path,
        _make_engine(path, begin="BEGIN IMMEDIATE", synchronous=synchronous),
        _make_engine(path, begin="BEGIN", synchronous=synchronous),
    )
    if new_file and os.name == "posix":
        path.touch(mode=0o600)
    migrate(database, migrate_to)
    make_private(path)
    return database
