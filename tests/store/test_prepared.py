"""app/store/prepared.py stores exactly what SQLAlchemy's INSERT stores, inside the caller's
transaction: compared column by column on a real SQLite file, for the desk's own tables and for
a table with every kind of column the hot path writes (UTC instants, JSON, dates, booleans,
scalar defaults, NULLs)."""

import sqlite3
import uuid
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from sqlalchemy import JSON, Boolean, Column, Date, Integer, MetaData, String, Table, insert

from app.store.engine import open_database
from app.store.models import Outbox
from app.store.prepared import Insert, first
from app.store.types import UtcDateTime

SCRATCH = MetaData()
KINDS = Table(
    "prepared_kinds", SCRATCH,
    Column("id", Integer, primary_key=True),
    Column("tag", String(20)),
    Column("at", UtcDateTime),
    Column("maybe_at", UtcDateTime),
    Column("day", Date),
    Column("body", JSON),
    Column("flag", Boolean, default=False),
    Column("count", Integer, default=7),
    Column("note", String(40), default="không có"),
)
CALLABLE = Table("prepared_callable", SCRATCH, Column("id", Integer, primary_key=True),
                 Column("made", String(40), default=lambda: "now"))
HANOI = timezone(timedelta(hours=7))


@pytest.fixture
def database(tmp_path):
    database = open_database(tmp_path / "p.sqlite")
    SCRATCH.create_all(database.writer)
    yield database
    database.dispose()


def stored(database, table: str, tag_column: str, tag: str) -> tuple:
    with sqlite3.connect(database.path) as c:
        columns = [row[1] for row in c.execute(f"PRAGMA table_info({table})") if row[1] not in ("id", "seq")]
        return c.execute(f"SELECT {', '.join(columns)} FROM {table} WHERE {tag_column} = ?", (tag,)).fetchone()


ROWS = [
    {"at": datetime(2026, 11, 18, 9, 30, 15, 123456, tzinfo=HANOI), "maybe_at": None, "day": date(2026, 11, 18),
     "body": {"tên": "Nguyễn Văn Đức", "số": [1, 2], "không": None}, "flag": True},
    {"at": datetime(2026, 1, 1, tzinfo=UTC), "maybe_at": datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC), "day": None,
     "body": None, "count": 0, "note": ""},  # a JSON None and explicit falsy values
    {"at": datetime(2026, 6, 30, 23, 59, 59, tzinfo=UTC)},  # defaults only
]


@pytest.mark.parametrize("row", ROWS)
def test_a_prepared_row_is_the_row_sqlalchemy_stores(database, row):
    fast = Insert(KINDS)
    with database.writer.begin() as connection:
        connection.execute(insert(KINDS), {**row, "tag": "orm"})
        new_id = fast.one(connection, {**row, "tag": "fast"})
        assert first(connection, "SELECT tag FROM prepared_kinds WHERE id = :id", {"id": new_id}) == ("fast",)
    orm, fast = stored(database, "prepared_kinds", "tag", "orm"), stored(database, "prepared_kinds", "tag", "fast")
    assert fast[1:] == orm[1:] and fast[0] == "fast"


def test_an_outbox_op_is_stored_as_sqlalchemy_stores_it(database):
    op = {"entity": "dossier", "entity_id": str(uuid.uuid4()), "kind": "dossier.received", "payload": '{"v":1}',
          "payload_sha256": "a" * 64, "actor": "Nguyễn Thị Lan",
          "device_time": datetime(2026, 11, 18, 2, 0, tzinfo=UTC), "chain_prev": "0" * 64,
          "chain_hash": "b" * 64}  # state, attempts, last_error: the model's defaults
    with database.writer.begin() as connection:
        connection.execute(insert(Outbox.__table__), {**op, "op_id": "orm"})
        Insert(Outbox.__table__).one(connection, {**op, "op_id": "fast"})
    orm, fast = stored(database, "outbox", "op_id", "orm"), stored(database, "outbox", "op_id", "fast")
    assert orm[1:] == fast[1:] and fast[0] == "fast"


def test_rows_of_different_columns_go_in_one_call(database):
    fast = Insert(KINDS)
    with database.writer.begin() as connection:
        fast.many(connection, [{**ROWS[0], "tag": "a"}, {**ROWS[2], "tag": "b"}, {**ROWS[0], "tag": "c"}])
        connection.execute(insert(KINDS), [{**ROWS[0], "tag": "orm-a"}])
        connection.execute(insert(KINDS), [{**ROWS[2], "tag": "orm-b"}])
    assert stored(database, "prepared_kinds", "tag", "a")[1:] == stored(database, "prepared_kinds", "tag", "orm-a")[1:]
    assert stored(database, "prepared_kinds", "tag", "c")[1:] == stored(database, "prepared_kinds", "tag", "orm-a")[1:]
    assert stored(database, "prepared_kinds", "tag", "b")[1:] == stored(database, "prepared_kinds", "tag", "orm-b")[1:]


def test_a_prepared_write_is_undone_with_the_callers_transaction(database):
    with pytest.raises(RuntimeError), database.writer.begin() as connection:
        Insert(KINDS).one(connection, {**ROWS[0], "tag": "undone"})
        raise RuntimeError("the rest of the act failed")
    assert stored(database, "prepared_kinds", "tag", "undone") is None


def test_a_naive_instant_is_refused_as_sqlalchemy_refuses_it(database):
    with pytest.raises(ValueError, match="naive"), database.writer.begin() as connection:
        Insert(KINDS).one(connection, {"tag": "naive", "at": datetime(2026, 11, 18, 9, 0)})


def test_a_callable_default_must_be_given(database):
    with database.writer.begin() as connection:
        with pytest.raises(ValueError, match="prepared_callable: give a value for made"):
            Insert(CALLABLE).one(connection, {})
        Insert(CALLABLE).one(connection, {"made": "given"})
