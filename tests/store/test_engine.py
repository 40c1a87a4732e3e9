import sqlite3

import pytest
from sqlalchemy import text

from app.core.errors import ConfigurationError
from app.store.engine import current_revision, open_database


def test_pragmas_on_every_connection(tmp_path):
    db = open_database(tmp_path / "a.sqlite")
    with db.writer.connect() as c:
        assert c.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert c.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert c.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
    db.dispose()


def test_new_file_gets_every_migration_and_no_backup(tmp_path):
    db = open_database(tmp_path / "a.sqlite")
    assert current_revision(db.writer) == "0009"
    assert not (tmp_path / "backups").exists()
    db.dispose()


def test_upgrade_takes_a_copy_first_and_keeps_the_data(tmp_path):
    path = tmp_path / "a.sqlite"
    old = open_database(path, migrate_to="0001")
    with old.writer.begin() as c:
        c.execute(text("INSERT INTO setting (key, value) VALUES ('agency_id', '\"000.17.22.H56\"')"))
    old.dispose()
    db = open_database(path)
    backups = list((tmp_path / "backups").glob("a.before-0009-from-0001.*.sqlite"))
    assert len(backups) == 1
    copy = sqlite3.connect(backups[0])
    assert copy.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
    assert copy.execute("SELECT value FROM setting").fetchone() == ('"000.17.22.H56"',)
    with db.reader.connect() as c:
        assert c.execute(text("SELECT count(*) FROM setting")).scalar() == 1
        assert c.execute(text("SELECT count(*) FROM dossier_fts")).scalar() == 0
    db.dispose()


def test_a_file_from_a_newer_app_is_refused(tmp_path):
    path = tmp_path / "a.sqlite"
    open_database(path).dispose()
    with sqlite3.connect(path) as c:
        c.execute("UPDATE alembic_version SET version_num = '9999'")
    with pytest.raises(ConfigurationError, match="phiên bản mới hơn"):
        open_database(path)
