"""The `convene` command: demo (idempotent), token create, migrate."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from app.agenda.models import AgendaSession, SessionKind
from app.breakouts.models import BreakoutGroup, BreakoutSettings
from app.cli import app
from app.core.config import get_settings
from app.core.db import Database
from app.core.security import ApiToken, hash_token
from app.directory.models import Project
from app.events.models import Event
from app.registration.models import Registration

runner = CliRunner()


@pytest.fixture
def sqlite_url(tmp_path, monkeypatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("CONVENE_DATABASE_URL", url)
    monkeypatch.delenv("CONVENE_SECRET_KEY", raising=False)
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


def counts(url: str) -> dict[str, int]:
    database = Database(url)
    with database.transaction(write=False) as session:
        result = {
            model.__name__: session.execute(select(func.count()).select_from(model)).scalar_one()
            for model in (Event, Project, Registration, ApiToken, BreakoutGroup)
        }
    database.dispose()
    return result


def upcoming_groups(url: str) -> tuple[int, bool]:
    """How many groups the upcoming workshop's breakout has, and whether participants may rank them."""
    database = Database(url)
    with database.transaction(write=False) as session:
        breakout = session.execute(
            select(AgendaSession.id)
            .join(Event, Event.id == AgendaSession.event_id)
            .where(Event.slug == "clusters-follow-up-workshop", AgendaSession.kind == SessionKind.breakout)
        ).scalar_one()
        groups = session.execute(select(func.count()).where(BreakoutGroup.session_id == breakout)).scalar_one()
        is_open = session.get(BreakoutSettings, breakout).preferences_open
    database.dispose()
    return groups, is_open


def test_demo_loads_the_workshop_once_and_prints_its_addresses(sqlite_url, tmp_path):
    first = runner.invoke(app, ["demo", "--no-serve"])
    assert first.exit_code == 0, first.output
    assert "/events/clusters-workshop-2018" in first.output and "/docs" in first.output
    assert "/events/clusters-follow-up-workshop/register" in first.output
    after_first = counts(sqlite_url)
    # The 2018 workshop and an upcoming one whose registration is open.
    assert after_first["Event"] == 2 and after_first["Registration"] == 32 and after_first["Project"] >= 12
    assert (tmp_path / ".convene-secret").exists()
    # Three working groups in each event's breakout; the upcoming one's are open to choices.
    assert after_first["BreakoutGroup"] == 6
    assert upcoming_groups(sqlite_url) == (3, True)

    second = runner.invoke(app, ["demo", "--no-serve"])
    assert second.exit_code == 0, second.output
    assert counts(sqlite_url) == after_first and upcoming_groups(sqlite_url) == (3, True)
    token = next(line.split()[-1] for line in first.output.splitlines() if "Organiser token" in line)
    assert token in second.output


def test_token_create_prints_only_the_token_and_stores_only_its_hash(sqlite_url):
    assert runner.invoke(app, ["migrate"]).exit_code == 0
    result = runner.invoke(app, ["token", "create", "--role", "checkin", "--name", "door"])
    assert result.exit_code == 0
    token = result.stdout.strip()
    assert token.startswith("cvn_") and "\n" not in token
    database = Database(sqlite_url)
    with database.transaction(write=False) as session:
        stored = session.execute(select(ApiToken)).scalar_one()
    database.dispose()
    assert stored.token_hash == hash_token(token) and token not in stored.token_hash


def test_token_create_works_in_a_fresh_process(sqlite_url):
    """As a script calls it: only the command's own imports loaded (every table must still be mapped)."""
    assert runner.invoke(app, ["migrate"]).exit_code == 0
    result = subprocess.run(
        [sys.executable, "-c", "from app.cli import app; app()", "token", "create", "--role", "admin"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "CONVENE_DATABASE_URL": sqlite_url},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().startswith("cvn_")


def test_token_for_an_unknown_event_fails_with_a_message(sqlite_url):
    runner.invoke(app, ["migrate"])
    result = runner.invoke(app, ["token", "create", "--role", "organiser", "--event", "nope"])
    assert result.exit_code == 1 and "no event with slug 'nope'" in result.output
