"""Models and migrations agree, and upgrade from an empty database works on both backends."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from app.core.db import Database, metadata
from app.core.migrate import alembic_config


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
