"""Bulk writes for the hot paths (pulling a province's events, rebuilding projections):
one compiled statement, each column's own bind processor applied once per value, and the
driver's ``executemany``. What lands in the database is exactly what SQLAlchemy would write
(the same type processors), without its per-row parameter bookkeeping."""

from __future__ import annotations

from operator import itemgetter
from typing import Any, Callable, Mapping, Sequence

from sqlalchemy import Connection, Table, insert


def _processors(connection: Connection, table: Table, names: Sequence[str],
                raw: frozenset[str]) -> list[Callable[[Any], Any] | None]:
    dialect = connection.dialect
    result = []
    for name in names:
        if name in raw:
            result.append(None)
            continue
        column_type = table.c[name].type
        fast = getattr(column_type, "bulk_processor", None)  # a type's one-step equivalent (UtcDateTime)
        process = fast(dialect) if fast is not None else None
        # otherwise the dialect's own implementation, as SQLAlchemy's execution uses: the generic
        # type's processor would leave a ``DateTime`` to the driver's default adapter,
        # which writes ``03:04:05`` where SQLAlchemy writes ``03:04:05.000000``
        result.append(process or column_type.dialect_impl(dialect).bind_processor(dialect))
    return result


def insert_rows(connection: Connection, table: Table, rows: Sequence[Mapping[str, Any]], *,
                raw: frozenset[str] = frozenset()) -> None:
    """Insert ``rows`` (dicts with the same keys, every column the statement needs) into
    ``table``. Columns named in ``raw`` go in as given (a JSON column whose canonical text is
    already at hand, say)."""
    if not rows:
        return
    names = list(rows[0])
    statement = insert(table).compile(dialect=connection.dialect, column_keys=names)
    wanted = list(statement.positiontup or ())
    missing = [key for key in wanted if key not in names]
    if missing or not wanted:  # a column default would be skipped: say so rather than write NULL
        raise ValueError(f"insert_rows into {table.name}: give values for {missing or 'every column'}")
    processors = dict(zip(names, _processors(connection, table, names, raw)))
    values = itemgetter(*wanted) if len(wanted) > 1 else (lambda row: (row[wanted[0]],))
    converted = [(i, processors[key]) for i, key in enumerate(wanted) if processors[key] is not None]
    params: list[tuple[Any, ...]] = []
    for row in rows:  # the values in statement order (one C call), then only the columns that convert
        v = list(values(row))
        for i, process in converted:
            v[i] = process(v[i])
        params.append(tuple(v))
    connection.exec_driver_sql(str(statement), params)


def insert_tuples(connection: Connection, table: Table, columns: Sequence[str], params: Sequence[tuple[Any, ...]]) -> None:
    """Insert rows given as tuples of ``columns`` already in the form the database stores
    (``event_params``): for the one path hot enough to skip even the bind processors."""
    if not params:
        return
    statement = insert(table).compile(dialect=connection.dialect, column_keys=list(columns))
    if tuple(statement.positiontup or ()) != tuple(columns):
        raise ValueError(f"insert_tuples into {table.name}: give every column, in order ({columns})")
    connection.exec_driver_sql(str(statement), params)
