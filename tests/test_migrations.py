"""Models and migrations agree (what autogenerate compares, and the DDL of every index and constraint
as the database reports it), and every upgrade and downgrade runs, on both backends."""

from __future__ import annotations

import re

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.exc import IntegrityError

from app.core.db import Database, metadata
from app.core.migrate import alembic_config, upgrade
from tests.conftest import create_postgres_database
from tests.registration.conftest import add_registration, open_event


def test_upgrade_from_empty_creates_every_table(backend_url):
    database = Database(backend_url)
    tables = set(inspect(database.engine).get_table_names())
    database.dispose()
    assert {table.name for table in metadata.sorted_tables} <= tables
    assert "alembic_version" in tables


def test_autogenerate_finds_no_difference_between_models_and_migrations(backend_url):
    database = Database(backend_url)
    with database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, metadata)
    database.dispose()
    assert differences == []


def test_migrations_form_a_single_line():
    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    assert len(heads) == 1, f"migrations have several heads, add a merge revision: {heads}"


# --- what autogenerate does not see: the DDL of indexes and constraints, read back from the database ---


def _fresh_url(backend_url: str, tmp_path) -> tuple[str, object]:
    """An empty database of the same backend, and a function that drops it."""
    if backend_url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'fresh.db'}", lambda: None
    return create_postgres_database()


def _constraint_clauses(table_sql: str) -> dict[str, str]:
    """``CONSTRAINT name ...`` clauses of a CREATE TABLE statement, by name (parentheses balanced)."""
    clauses, start = {}, 0
    while (match := re.compile(r"CONSTRAINT (\w+) ").search(table_sql, start)) is not None:
        depth, end = 0, match.end()
        while end < len(table_sql):
            char = table_sql[end]
            depth += {"(": 1, ")": -1}.get(char, 0)
            if depth < 0 or (depth == 0 and char == ","):
                break
            end += 1
        clauses[match.group(1)] = " ".join(table_sql[match.end() : end].split())
        start = end
    return clauses


def catalogue(url: str) -> dict[str, str]:
    """Every index's and constraint's definition as the database itself reports it, by name."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            if engine.dialect.name == "sqlite":
                rows = connection.execute(
                    text(
                        "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL AND name != 'alembic_version'"
                    )
                ).all()
                found = {f"index {name}": " ".join(sql.split()) for kind, name, sql in rows if kind == "index"}
                for kind, name, sql in rows:
                    if kind == "table":
                        found.update({f"{name}.{key}": value for key, value in _constraint_clauses(sql).items()})
                return found
            indexes = connection.execute(
                text(
                    "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename != 'alembic_version'"
                )
            ).all()
            constraints = connection.execute(
                text(
                    "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c "
                    "JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = 'public' "
                    "AND c.conrelid::regclass::text != 'alembic_version'"
                )
            ).all()
            return {f"index {name}": sql for name, sql in indexes} | {
                f"{table}.{name}": sql for table, name, sql in constraints
            }
    finally:
        engine.dispose()


def test_indexes_and_constraints_are_those_of_the_models(backend_url, tmp_path):
    """Partial indexes' WHERE, CHECK constraints, ON DELETE rules: as the models declare them."""
    url, drop = _fresh_url(backend_url, tmp_path)
    try:
        engine = create_engine(url)
        metadata.create_all(engine)
        engine.dispose()
        from_models = catalogue(url)
    finally:
        drop()
    from_migrations = catalogue(backend_url)
    assert any("WHERE" in sql for sql in from_models.values())  # the partial unique index is seen
    assert (
        {name: sql for name, sql in from_migrations.items() if from_models.get(name) != sql}
        == {name: sql for name, sql in from_models.items() if from_migrations.get(name) != sql}
        == {}
    )


def test_every_downgrade_runs_and_the_upgrade_after_it_too(backend_url, tmp_path):
    url, drop = _fresh_url(backend_url, tmp_path)
    database = Database(url)
    try:
        upgrade(database.engine)
        config = alembic_config()
        with database.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "base")
        assert set(inspect(database.engine).get_table_names()) <= {"alembic_version"}
        upgrade(database.engine)
        assert {table.name for table in metadata.sorted_tables} <= set(inspect(database.engine).get_table_names())
    finally:
        database.dispose()
        drop()


def test_the_database_refuses_an_email_address_that_is_not_lower_case(db):
    """The live-email index compares addresses as stored; the CHECK keeps code that forgot to
    lower-case one from slipping a second registration past it."""
    with db.transaction() as session:
        registration = add_registration(session, open_event(session))
    with pytest.raises(IntegrityError), db.transaction() as session:
        session.execute(
            text("UPDATE registration SET email = 'Ada@Example.org' WHERE id = :id"), {"id": registration.id}
        )


def test_every_revision_id_fits_the_version_table():
    revisions = [script.revision for script in ScriptDirectory.from_config(alembic_config()).walk_revisions()]
    assert [revision for revision in revisions if len(revision) > 32] == []  # alembic_version is VARCHAR(32)
