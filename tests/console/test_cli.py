"""`convene user ...`, `convene token list/revoke` and the demo organiser."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from app import cli
from app.cli import app
from tests.test_cli import sqlite_url  # noqa: F401  (a fresh SQLite file as the configured database)

runner = CliRunner()


@pytest.fixture(autouse=True)
def wide_tables(monkeypatch):
    """Rich fits tables to the terminal; the test's pretend terminal is wide, so rows stay on one line."""
    monkeypatch.setattr(cli.out, "width", 200)


def test_user_create_list_disable_enable(sqlite_url):  # noqa: F811
    assert runner.invoke(app, ["migrate"]).exit_code == 0
    created = runner.invoke(
        app,
        ["user", "create", "Ada@Example.org", "--role", "organiser", "--name", "Ada Peeters", "--password-stdin"],
        input="a long enough password\n",
    )
    assert created.exit_code == 0, created.output
    assert "created organiser account ada@example.org" in created.output
    twice = runner.invoke(
        app,
        ["user", "create", "ada@example.org", "--role", "admin", "--password-stdin"],
        input="a long enough password\n",
    )
    assert twice.exit_code == 1 and "already an account" in twice.output
    short = runner.invoke(
        app, ["user", "create", "bo@example.org", "--role", "admin", "--password-stdin"], input="short\n"
    )
    assert short.exit_code == 1 and "at least 10 characters" in short.output
    unknown_event = runner.invoke(
        app,
        ["user", "create", "cy@example.org", "--role", "organiser", "--event", "nope", "--password-stdin"],
        input="a long enough password\n",
    )
    assert unknown_event.exit_code == 1 and "no event with slug 'nope'" in unknown_event.output

    listed = runner.invoke(app, ["user", "list"])
    assert "ada@example.org" in listed.output and "Ada Peeters" in listed.output and "enabled" in listed.output
    assert runner.invoke(app, ["user", "disable", "ada@example.org"]).exit_code == 0
    assert "disabled" in runner.invoke(app, ["user", "list"]).output
    assert runner.invoke(app, ["user", "enable", "ada@example.org"]).exit_code == 0
    missing = runner.invoke(app, ["user", "disable", "nobody@example.org"])
    assert missing.exit_code == 1 and "no account for nobody@example.org" in missing.output


def test_user_create_asks_for_the_password_twice(sqlite_url):  # noqa: F811
    runner.invoke(app, ["migrate"])
    result = runner.invoke(
        app,
        ["user", "create", "ada@example.org", "--role", "admin"],
        input="a long enough password\na long enough password\n",
    )
    assert result.exit_code == 0, result.output
    assert result.output.count("Password") == 1 and "Repeat for confirmation" in result.output


def test_token_list_and_revoke(sqlite_url):  # noqa: F811
    runner.invoke(app, ["migrate"])
    raw = runner.invoke(app, ["token", "create", "--role", "checkin", "--name", "door laptop"]).output.strip()
    listed = runner.invoke(app, ["token", "list"])
    assert "door laptop" in listed.output and "checkin" in listed.output and "never" in listed.output
    assert raw not in listed.output
    token_id = re.search(r"^\D*(\d+)\s.*door laptop", listed.output, re.M).group(1)
    revoked = runner.invoke(app, ["token", "revoke", token_id])
    assert revoked.exit_code == 0 and "revoked token" in revoked.output
    assert runner.invoke(app, ["token", "revoke", "9999"]).exit_code == 1


def test_demo_prints_the_console_and_a_demo_organiser_who_can_sign_in(sqlite_url):  # noqa: F811
    first = runner.invoke(app, ["demo", "--no-serve"])
    assert first.exit_code == 0, first.output
    assert "/manage" in first.output
    email, password = re.search(r"sign in with\s+(\S+)\s+password (\S+)", first.output).groups()
    second = runner.invoke(app, ["demo", "--no-serve"])
    assert f"password {password}" in second.output  # the same every run
    from app.accounts.service import sign_in
    from app.core.config import get_settings
    from app.core.db import Database

    database = Database(get_settings().database_url)
    with database.transaction() as session:
        assert sign_in(session, email, password).display_name == "Demo Organiser"
    database.dispose()
