"""`convene export` and `convene import`: a whole event round-trips into another database."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from app.backup.archive import _references, export_event, import_event
from app.cli import app as cli
from app.core.config import get_settings
from app.core.db import Database
from app.core.errors import AppError, NotFound
from app.core.migrate import upgrade
from app.demo.loader import DEMO_SLUG, load_demo
from app.events.models import Event
from app.models import metadata
from app.registration.models import Registration
from app.registration.questions import create_question
from app.registration.schemas import QuestionCreate
from app.reports.models import Report, ReportFormat, ReportStatus
from app.reports.service import report_content
from tests.conftest import create_postgres_database

# Everything the issue names must travel, and does in the demo event.
EXPECTED_TABLES = {
    "event",
    "agenda_session",
    "session_role",
    "person",
    "organisation",
    "project",
    "registration",
    "event_narrative",
    "session_note",
    "breakout_group",
    "breakout_settings",
    "breakout_preference",
    "breakout_assignment",
    "checkin",
    "report",
    "question",
}


@pytest.fixture
def target(backend_url, tmp_path) -> Iterator[Database]:
    """An empty, migrated database of the same kind as the test's."""
    if backend_url.startswith("sqlite"):
        url, drop = f"sqlite:///{tmp_path / 'target.db'}", None
    else:
        url, drop = create_postgres_database()
    database = Database(url)
    upgrade(database.engine)
    yield database
    database.dispose()
    if drop:
        drop()


def _demo(db) -> None:
    with db.transaction() as session:
        event = load_demo(session).event
        session.add(
            Report(
                event_id=event.id,
                format=ReportFormat.pdf,
                template="default",
                status=ReportStatus.done,
                filename="demo-report.pdf",
                size=1234,
                checksum="ab" * 32,
            )
        )
        create_question(
            session,
            event,
            QuestionCreate(
                key="dietary", label="Dietary requirements", kind="single_choice", options=["none", "vegan"]
            ),
        )


def _comparable(archive: dict) -> dict:
    """The archive with every id and reference replaced by the row's position in its table."""
    tables = archive["tables"]
    position = {
        name: {row["id"]: index for index, row in enumerate(rows) if "id" in row} for name, rows in tables.items()
    }
    result = {}
    for name, rows in tables.items():
        references = _references(metadata.tables[name])
        result[name] = [
            {
                key: (
                    position[name][value]
                    if key == "id"
                    else None
                    if key in references and (references[key] is None or value is None)
                    else position[references[key]][value]
                    if key in references
                    else value
                )
                for key, value in row.items()
            }
            for row in rows
        ]
    return result


def test_an_event_round_trips_into_another_database(db, target):
    _demo(db)
    with db.transaction(write=False) as session:
        archive = export_event(session, DEMO_SLUG)
    assert archive["format"] == "convene-event-archive" and archive["version"] == 1 and archive["schema_revision"]
    assert {name for name, rows in archive["tables"].items() if rows} >= EXPECTED_TABLES
    assert {"outbox_email", "api_token", "job", "report_file"}.isdisjoint(archive["tables"])
    text = json.dumps(archive)  # what is written to the file, and read back
    with target.transaction() as session:
        import_event(session, json.loads(text))
    with target.transaction(write=False) as session:
        again = export_event(session, DEMO_SLUG)
    assert _comparable(again) == _comparable(archive)
    with target.transaction(write=False) as session:  # its metadata came, not its file
        restored = session.execute(select(Report)).scalar_one()
        with pytest.raises(NotFound, match="generate the report again"):
            report_content(session, restored)


def test_import_refuses_an_existing_slug_and_a_foreign_file_and_writes_nothing(db, target):
    _demo(db)
    with db.transaction(write=False) as session:
        archive = export_event(session, DEMO_SLUG)
    with target.transaction() as session:
        import_event(session, archive)
    for bad, words in (
        (archive, "exists already"),
        ({"format": "something else"}, "not a convene-event-archive"),
        ({**archive, "version": 99}, "version 99"),
    ):
        with pytest.raises(AppError, match=words), target.transaction() as session:
            import_event(session, bad)
    with target.transaction(write=False) as session:
        assert session.execute(select(func.count()).select_from(Event)).scalar_one() == 1
    with target.transaction() as session:  # under another slug it is a second, separate copy
        import_event(
            session,
            {
                **archive,
                "tables": {
                    **archive["tables"],
                    "registration": [
                        {**row, "checkin_code": row["checkin_code"] + "-copy"}
                        for row in archive["tables"]["registration"]
                    ],
                },
            },
            slug="copy-of-the-demo",
        )
    with target.transaction(write=False) as session:
        per_event = session.execute(select(Registration.event_id, func.count()).group_by(Registration.event_id)).all()
    assert len(per_event) == 2 and per_event[0][1] == per_event[1][1] > 0


def test_the_commands_write_and_restore_an_archive(tmp_path, monkeypatch):
    source, restored = tmp_path / "source.db", tmp_path / "restored.db"
    runner = CliRunner()
    for url in (source, restored):
        monkeypatch.setenv("CONVENE_DATABASE_URL", f"sqlite:///{url}")
        get_settings.cache_clear()
        assert runner.invoke(cli, ["migrate"]).exit_code == 0
    monkeypatch.setenv("CONVENE_DATABASE_URL", f"sqlite:///{source}")
    get_settings.cache_clear()
    database = Database(f"sqlite:///{source}")
    _demo(database)
    database.dispose()
    archive = tmp_path / "event.json"
    result = runner.invoke(cli, ["export", DEMO_SLUG, "--out", str(archive)])
    assert result.exit_code == 0, result.output
    assert runner.invoke(cli, ["export", "no-such-event", "--out", str(tmp_path / "x.json")]).exit_code == 1

    monkeypatch.setenv("CONVENE_DATABASE_URL", f"sqlite:///{restored}")
    get_settings.cache_clear()
    result = runner.invoke(cli, ["import", str(archive)])
    assert result.exit_code == 0, result.output
    assert "restored event" in result.output
    get_settings.cache_clear()
    database = Database(f"sqlite:///{restored}")
    with database.transaction(write=False) as session:
        assert session.execute(select(Event.slug)).scalars().all() == [DEMO_SLUG]
    database.dispose()
