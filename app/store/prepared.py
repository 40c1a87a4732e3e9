"""The statements of the desk's hot paths (a reception, its receipt, every outbox op) said to
sqlite3 directly, inside the caller's SQLAlchemy transaction.

SQLAlchemy's work around each execution (cache key, execution context, result metadata, events)
costs 40–70 µs a statement here, more than SQLite's own work for a one-row insert or a look-up by
key, and a reception with its receipt runs a dozen. What SQLAlchemy decides about a row is kept:
an INSERT is compiled by SQLAlchemy once per set of columns, every value goes through its column
type's bind processor (UTC instants, JSON, dates: app/store/types.py), and a column the row leaves
out gets its scalar default, as `connection.execute(insert(table), row)` would store it. sqlite3
keeps each statement prepared in its own cache. The connection is the caller's (`desk.write()`),
so every write stays in the caller's one transaction. Only plain columns (text, integers) may be
read back through `first`: no result processing is done. SQLite only (the desk's file), and these
statements do not pass SQLAlchemy's cursor events: a listener counting statements sees their
transaction's BEGIN, not them.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Table, insert
from sqlalchemy.engine import Dialect

Params = Mapping[str, Any] | Sequence[Any]


def driver(connection: Connection) -> sqlite3.Connection:
    """The sqlite3 connection under `connection`, in the transaction `connection` began."""
    return connection.connection.driver_connection  # type: ignore[return-value]


def first(connection: Connection, sql: str, params: Params = ()) -> Any:
    """The first row of a query (plain columns only), or None."""
    return driver(connection).execute(sql, params).fetchone()


class _Shape:
    """One statement for one set of keys: its SQL, the defaults' values (converted once), and where
    each given value goes and which bind processor converts it (called for None too, as SQLAlchemy does)."""

    def __init__(self, statement: Any, name: str, defaults: Mapping[str, Any], keys: tuple[str, ...],
                 dialect: Dialect) -> None:
        compiled = statement.compile(dialect=dialect, column_keys=list(keys))
        self.sql = compiled.string
        names = tuple(compiled.positiontup or ())
        missing = [n for n in names if n not in keys and not (n in defaults and defaults[n].is_scalar)]
        if missing:  # a callable default needs SQLAlchemy's execution context: give the value instead
            raise ValueError(f"{name}: give a value for {', '.join(missing)}")
        processors: dict[str, Callable[[Any], Any] | None] = {
            n: compiled.binds[n].type.dialect_impl(dialect).bind_processor(dialect) for n in names}
        self.template: list[Any] = [None] * len(names)
        plain, processed = [], []
        for index, name in enumerate(names):
            process = processors[name]
            if name not in keys:
                value = defaults[name].arg
                self.template[index] = value if process is None else process(value)
            elif process is None:
                plain.append((index, name))
            else:
                processed.append((index, name, process))
        self.plain: tuple[tuple[int, str], ...] = tuple(plain)
        self.processed: tuple[tuple[int, str, Callable[[Any], Any]], ...] = tuple(processed)

    def values(self, row: Mapping[str, Any]) -> list[Any]:
        values = self.template.copy()
        for index, name in self.plain:
            values[index] = row[name]
        for index, name, process in self.processed:
            values[index] = process(row[name])
        return values


class Many:
    """A constant statement (an UPDATE with bind parameters) run by one executemany per set of keys,
    without SQLAlchemy's per-row parameter handling; every value still goes through its bind processor."""

    def __init__(self, statement: Any, name: str = "", defaults: Mapping[str, Any] | None = None) -> None:
        self.statement, self.name, self.defaults = statement, name or str(statement).split()[0], defaults or {}
        self._shapes: dict[tuple[str, ...], _Shape] = {}

    def _shape(self, connection: Connection, keys: tuple[str, ...]) -> _Shape:
        shape = self._shapes.get(keys)
        if shape is None:  # a handful per statement: the desk's call sites each pass one fixed set of keys
            shape = self._shapes[keys] = _Shape(self.statement, self.name, self.defaults, keys, connection.dialect)
        return shape

    def many(self, connection: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
        """Run for every row, one executemany per set of keys."""
        groups: dict[tuple[str, ...], list[Mapping[str, Any]]] = {}
        for row in rows:
            groups.setdefault(tuple(row), []).append(row)
        for keys, group in groups.items():
            shape = self._shape(connection, keys)
            driver(connection).executemany(shape.sql, [shape.values(row) for row in group])


class Insert(Many):
    """`connection.execute(insert(table), row)` without SQLAlchemy's per-execution work."""

    def __init__(self, table: Table) -> None:
        super().__init__(insert(table), table.name, {c.key: c.default for c in table.c if c.default is not None})
        self.table = table

    def one(self, connection: Connection, row: Mapping[str, Any]) -> int:
        """Insert one row; its new rowid (the integer primary key)."""
        shape = self._shape(connection, tuple(row))
        return driver(connection).execute(shape.sql, shape.values(row)).lastrowid  # type: ignore[return-value]
