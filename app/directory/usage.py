"""Which events use a person, an organisation or a project, read from the schema's foreign keys.

A directory row is used by an event when a row belonging to the event refers to it: a role on its
agenda, a breakout group's facilitator, a registration, and an organisation through the people
using it. "Belonging to the event" is a chain of foreign keys from the referring row to the event
(a role -> its session -> the event), so a table added later that refers to the directory counts
without being listed here: deleting a row used elsewhere can never silently take another event's
data with it. A reference from a row that belongs to no event counts as used by an unknown event
(``event_id`` NULL), which only an organiser of all events may override.
"""

from __future__ import annotations

from sqlalchemy import Column, Integer, Select, Table, literal, null, select, union_all
from sqlalchemy.orm import Session

from app.core.db import metadata

DIRECTORY_TABLES = ("organisation", "project", "person")
_EVENT = "event"
_MAX_HOPS = 4


def _referred(column: Column) -> Column:
    return next(iter(column.foreign_keys)).column


def _event_id(table: Table) -> tuple[list[tuple[Column, Column]], Column] | None:
    """The joins (from, to) leading from ``table`` to its event, and the column holding the event's
    id at the end of them; None when its rows belong to no event. The shortest chain wins."""
    if table.name == _EVENT:
        return [], table.c.id
    paths: list[tuple[Table, list[tuple[Column, Column]]]] = [(table, [])]
    for _ in range(_MAX_HOPS):
        longer = []
        for current, joins in paths:
            for column in current.columns:
                if not column.foreign_keys:
                    continue
                target = _referred(column)
                if target.table.name == _EVENT:
                    return joins, column
                if target.table.name not in DIRECTORY_TABLES and target.table is not current:
                    longer.append((target.table, [*joins, (column, target)]))
        paths = longer
    return None


def usages(table_name: str) -> Select | None:
    """``(row_id, event_id)`` for every use of a row of the directory table ``table_name``."""
    directory = metadata.tables[table_name]
    parts: list[Select] = []
    for table in metadata.sorted_tables:
        for column in table.columns:
            if not column.foreign_keys or _referred(column).table is not directory:
                continue
            if table.name in DIRECTORY_TABLES:  # a person's organisation: used wherever the person is
                inner = usages(table.name)
                if inner is not None:
                    used = inner.subquery()
                    parts.append(
                        select(column.label("row_id"), used.c.event_id).join_from(
                            table, used, used.c.row_id == table.c.id
                        )
                    )
                continue
            route = _event_id(table)
            if route is None:
                parts.append(
                    select(column.label("row_id"), null().cast(Integer).label("event_id")).where(column.is_not(None))
                )
                continue
            joins, event_id = route
            statement = select(column.label("row_id"), event_id.label("event_id")).select_from(table)
            for source, target in joins:
                statement = statement.join(target.table, source == target)
            parts.append(statement.where(column.is_not(None)))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else select(union_all(*parts).subquery())


def rows_used_by(table_name: str, event_ids: frozenset[int]) -> Select:
    """The ids of the rows used by one of ``event_ids``."""
    used = usages(table_name)
    if used is None or not event_ids:
        return select(literal(None)).where(literal(False))
    rows = used.subquery()
    return select(rows.c.row_id).where(rows.c.event_id.in_(event_ids))


def events_using(session: Session, table_name: str, row_id: int) -> set[int | None]:
    """The events that use the row (None stands for a use outside any event)."""
    used = usages(table_name)
    if used is None:
        return set()
    rows = used.subquery()
    return set(session.execute(select(rows.c.event_id).where(rows.c.row_id == row_id).distinct()).scalars())
