"""A whole event as a versioned JSON archive (``convene export``), and back (``convene import``).

The archive holds every row that belongs to the event: the event itself, and every row that
reaches it through foreign keys (agenda, roles, questions, registrations with their dated
history, narrative and notes, breakout groups, settings, preferences and assignments, check-ins,
reports' metadata), plus the directory rows they refer to (people, organisations, projects).
Which tables those are is read from the schema, not listed here, so a table added later travels
too; what deliberately stays behind is ``LEFT_BEHIND``, with the reason.

Import writes into another database in one transaction, with new ids (the target has rows of its
own): every foreign key is translated through the ids given to the rows it points at. Directory
rows are matched to existing ones by their unique keys (an organisation's name, a project's
acronym, a person's email) instead of being duplicated.
"""

from __future__ import annotations

import base64
import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Column,
    Date,
    DateTime,
    LargeBinary,
    Table,
    TypeDecorator,
    UniqueConstraint,
    func,
    insert,
    or_,
    select,
    text,
)
from sqlalchemy.orm import Session

from app.core.errors import Conflict, InvalidInput, NotFound
from app.models import metadata

FORMAT = "convene-event-archive"
VERSION = 1

LEFT_BEHIND = {
    "account": "sign-in accounts (password hashes) belong to this installation",
    "account_event": "which accounts may manage the event is granted again where it is restored",
    "password_reset": "secrets of this installation",
    "sign_in_session": "secrets of this installation",
    "api_token": "secrets of this installation; check-ins keep their time, not who scanned them",
    "job": "work in progress of this installation",
    "outbox_email": "emails already sent or due here; the restored event must not send them again",
    "idempotent_request": "answers kept for clients' retries, here only",
    "report_file": "the files themselves are regenerated from the data; their metadata travels",
    "report_template": "templates belong to their author, not to one event",
    "breakout_draft": "an assignment being proposed, not yet committed: propose again where it is restored",
    "breakout_draft_place": "an assignment being proposed, not yet committed: propose again where it is restored",
}
# Directory rows without a unique constraint, matched on these columns when they are set.
MATCH_ON = {"person": ("email",)}


class ArchiveInvalid(InvalidInput):
    title = "Not a Convene event archive"


def _tables() -> list[Table]:
    return [table for table in metadata.sorted_tables if table.name not in LEFT_BEHIND]


def _target(column: Column) -> str | None:
    """The table whose rows ``column`` identifies, following composite keys to the primary key."""
    for key in column.foreign_keys:
        referred = key.column
        if referred.primary_key:
            return referred.table.name if referred.table.name not in LEFT_BEHIND else None
        return _target(referred)
    return None


def _references(table: Table) -> dict[str, str | None]:
    return {column.name: _target(column) for column in table.columns if column.foreign_keys}


def _owned_tables() -> set[str]:
    """Tables whose rows belong to an event: the event and everything reaching it by foreign keys."""
    owned = {"event"}
    for table in _tables():
        if any(target in owned for target in _references(table).values()):
            owned.add(table.name)
    return owned


# --- export ------------------------------------------------------------------------------------


def _encode(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    return value


def _schema_revision(session: Session) -> str | None:
    """The migration the database is at, for whoever reads the archive later."""
    return session.execute(text("SELECT version_num FROM alembic_version")).scalar_one_or_none()


def export_event(session: Session, slug: str) -> dict:
    event_table = metadata.tables["event"]
    event_id = session.execute(select(event_table.c.id).where(event_table.c.slug == slug)).scalar_one_or_none()
    if event_id is None:
        raise NotFound(f"no event with slug {slug!r}")
    owned = _owned_tables()
    rows: dict[str, list[dict]] = {}
    ids: dict[str, set] = {"event": {event_id}}
    for table in _tables():
        if table.name == "event":
            condition = table.c.id == event_id
        elif table.name in owned:
            links = [
                table.c[name].in_(ids.get(target, ())) for name, target in _references(table).items() if target in owned
            ]
            condition = or_(*links)
        else:
            continue
        found = session.execute(select(table).where(condition).order_by(*table.primary_key.columns)).mappings().all()
        rows[table.name] = [dict(row) for row in found]
        ids[table.name] = {row["id"] for row in found} if "id" in table.c else set()
    _add_directory(session, rows, ids, owned)
    return {
        "format": FORMAT,
        "version": VERSION,
        "schema_revision": _schema_revision(session),
        "exported_at": datetime.now().astimezone().isoformat(),
        "event": slug,
        "tables": {
            name: [{key: _encode(value) for key, value in row.items()} for row in table_rows]
            for name, table_rows in rows.items()
        },
    }


def _add_directory(session: Session, rows: dict[str, list[dict]], ids: dict[str, set], owned: set[str]) -> None:
    """People, organisations and projects that the event's rows refer to (and that those refer to)."""
    directory = [table for table in _tables() if table.name not in owned]
    for table in reversed(directory):  # children first: a person brings their organisation
        wanted = {
            row[name]
            for other, other_rows in rows.items()
            for name, target in _references(metadata.tables[other]).items()
            if target == table.name
            for row in other_rows
            if row[name] is not None
        }
        found = session.execute(select(table).where(table.c.id.in_(wanted)).order_by(table.c.id)).mappings().all()
        rows[table.name] = [dict(row) for row in found]
        ids[table.name] = {row["id"] for row in found}


# --- import ------------------------------------------------------------------------------------


def _decode(column: Column, value: Any) -> Any:
    if value is None:
        return None
    kind = column.type.impl if isinstance(column.type, TypeDecorator) else column.type
    enum_class = getattr(kind, "enum_class", None)
    if enum_class is not None:
        return enum_class(value)
    if isinstance(kind, LargeBinary):
        return base64.b64decode(value)
    if isinstance(kind, DateTime):
        return datetime.fromisoformat(value)
    if isinstance(kind, Date):
        return date.fromisoformat(value)
    return value


def check_archive(archive: Any) -> None:
    if not isinstance(archive, dict) or archive.get("format") != FORMAT:
        raise ArchiveInvalid(f'the file is not a {FORMAT} (no "format": "{FORMAT}")', field="format")
    if archive.get("version") != VERSION:
        raise ArchiveInvalid(
            f"archive version {archive.get('version')!r} is not supported (this Convene reads version {VERSION})",
            field="version",
        )
    tables = archive.get("tables")
    if not isinstance(tables, dict) or len(tables.get("event") or []) != 1:
        raise ArchiveInvalid("the archive holds no event", field="tables.event")
    known = {table.name: table for table in _tables()}
    for name, table_rows in tables.items():
        if name not in known:
            raise ArchiveInvalid(f"table {name!r} is unknown here (an archive from a newer Convene?)", field="tables")
        for row in table_rows:
            unknown = set(row) - set(known[name].c.keys())
            if unknown:
                raise ArchiveInvalid(
                    f"{name} has columns unknown here: {', '.join(sorted(unknown))}", field=f"tables.{name}"
                )


def import_event(
    session: Session, archive: dict, *, slug: str | None = None, same_directory: bool = False
) -> tuple[int, dict[str, int]]:
    """Restore the archived event (under ``slug`` if given); returns its new id and rows per table.

    ``same_directory``: the archive comes from this database and carries no directory rows, so
    people, organisations and projects are referred to by their ids here (a clone).
    """
    check_archive(archive)
    tables = archive["tables"]
    slug = slug or tables["event"][0]["slug"]
    event_table = metadata.tables["event"]
    if session.execute(select(event_table.c.id).where(event_table.c.slug == slug)).first() is not None:
        raise Conflict(
            f"an event with slug {slug!r} exists already; import it under another slug (--slug)", field="slug"
        )
    owned = _owned_tables()
    new_ids: dict[str, dict[Any, Any]] = {}
    counts: dict[str, int] = {}
    for table in _tables():
        references = _references(table)
        new_ids[table.name] = {}
        for row in tables.get(table.name, []):
            values = {name: _decode(table.c[name], value) for name, value in row.items()}
            for name, target in references.items():
                if name in values and not (same_directory and target is not None and target not in owned):
                    values[name] = None if target is None or values[name] is None else new_ids[target][values[name]]
            if table.name == "event":
                values["slug"] = slug
            counts[table.name] = counts.get(table.name, 0) + 1
            if "id" not in table.c:  # keyed by its parent's id (e.g. a breakout session's settings)
                session.execute(insert(table).values(values))
                continue
            old_id = values.pop("id")
            existing = None if table.name in owned else _existing(session, table, values)
            new_ids[table.name][old_id] = (
                existing
                if existing is not None
                else session.execute(insert(table).values(values).returning(table.c.id)).scalar_one()
            )
    return new_ids["event"][tables["event"][0]["id"]], counts


def _existing(session: Session, table: Table, values: dict) -> Any:
    """The id of a directory row already here with the same unique key, if any."""
    keys = [
        tuple(column.name for column in constraint.columns)
        for constraint in table.constraints
        if type(constraint) is UniqueConstraint
    ] + [MATCH_ON.get(table.name, ())]
    for key in filter(None, keys):
        if all(values.get(name) is not None for name in key):
            conditions = [
                func.lower(table.c[name]) == str(values[name]).lower()
                if name in MATCH_ON.get(table.name, ())
                else table.c[name] == values[name]
                for name in key
            ]
            found = session.execute(
                select(table.c.id).where(*conditions).order_by(table.c.id).limit(1)
            ).scalar_one_or_none()
            if found is not None:
                return found
    return None
