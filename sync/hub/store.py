"""The hub's database: a SQLite file by default, PostgreSQL by URL; migrated on start."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import orjson
from alembic import command
from alembic.config import Config
from sqlalchemy import (
    JSON,
    Connection,
    Engine,
    Integer,
    Table,
    Text,
    bindparam,
    cast,
    create_engine,
    event,
    func,
    insert,
    select,
    text,
    update,
)

MIGRATIONS = Path(__file__).parent / "migrations"


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, hide_parameters=True)

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            for pragma in ("journal_mode = WAL", "synchronous = FULL", "foreign_keys = ON", "busy_timeout = 30000"):
                cursor.execute(f"PRAGMA {pragma}")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _on_begin(connection: Any) -> None:
            connection.exec_driver_sql("BEGIN IMMEDIATE")  # one writer at a time: seq order is commit order

        return engine
    return create_engine(url, pool_pre_ping=True, hide_parameters=True)  # no device data in an error's text


def migrate(engine: Engine) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def open_hub(url: str) -> Engine:
    engine = make_engine(url)
    migrate(engine)
    return engine


def among(connection: Connection, column: Any, values: list[Any]) -> Any:
    """`column IN values`. On PostgreSQL the values travel as ONE JSON parameter: the statement's text
    is then the same for every batch (an IN list of 600 placeholders was re-parsed by the driver each
    time, and a driver-built array of 200 strings cost ~1 ms; measured with py-spy and cProfile)."""
    if connection.dialect.name != "postgresql":
        return column.in_(values)
    element: Any = func.json_array_elements_text(cast(bindparam(None, json.dumps(list(values)), type_=Text), JSON))
    if isinstance(column.type, Integer):
        element = cast(element, Integer)
    return column.in_(select(element).scalar_subquery())


def _rows_json(rows: list[dict[str, Any]]) -> str:
    # orjson: ~20× json.dumps on these rows (each payload is written to three tables); instants as
    # RFC 3339, which PostgreSQL reads.
    return orjson.dumps(rows).decode()


ROWS = bindparam("rows", type_=Text)


def _rows_source(table: Table, names: tuple[str, ...]) -> Any:
    return func.json_populate_recordset(text(f"NULL::{table.name}"), cast(ROWS, JSON)).table_valued(*names)


@cache
def _insert_from_json(table: Table, names: tuple[str, ...]) -> Any:
    source = _rows_source(table, names)
    return insert(table).from_select(list(names), select(*(source.c[name] for name in names)))


@cache
def _update_from_json(table: Table, key: str, names: tuple[str, ...]) -> Any:
    source = _rows_source(table, (key, *names)).alias("v")
    return update(table).where(table.c[key] == source.c[key]).values(**{name: source.c[name] for name in names})


def insert_rows(connection: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Rows with the same keys, inserted in one statement. On PostgreSQL they travel as one JSON
    parameter (json_populate_recordset): the driver's executemany sent and prepared each row on
    its own, most of a push's database time. A column a row does not name keeps its default."""
    if not rows:
        return
    if connection.dialect.name != "postgresql":
        connection.execute(insert(table), rows)
        return
    connection.execute(_insert_from_json(table, tuple(rows[0])), {"rows": _rows_json(rows)})


def update_rows(connection: Connection, table: Table, key: str, rows: list[dict[str, Any]]) -> None:
    """Rows with the same keys, each updating the row whose `key` column it names; one statement."""
    if not rows:
        return
    names = tuple(name for name in rows[0] if name != key)
    if connection.dialect.name != "postgresql":
        statement = update(table).where(table.c[key] == bindparam(f"k_{key}")).values(
            **{name: bindparam(f"v_{name}") for name in names})
        connection.execute(statement, [{f"k_{key}": row[key], **{f"v_{n}": row[n] for n in names}} for row in rows])
        return
    connection.execute(_update_from_json(table, key, names), {"rows": _rows_json(rows)})
