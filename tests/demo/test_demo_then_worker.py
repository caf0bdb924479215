"""The README's first steps, `convene demo` then `convene worker --once`, lose nobody from the report."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from app.cli import app
from app.core.config import get_settings

runner = CliRunner()


@pytest.fixture
def fresh_install(tmp_path, monkeypatch):
    """A new SQLite database in an empty folder, configured only by the environment, as a new user has."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CONVENE_DATABASE_URL", f"sqlite:///{tmp_path / 'convene.db'}")
    for name in ("CONVENE_SECRET_KEY", "CONVENE_SMTP_URL", "CONVENE_ORGANISER_EMAIL", "CONVENE_RETENTION_DAYS"):
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


def appendix_b(folder, name: str) -> list[str]:
    out = folder / name
    result = runner.invoke(app, ["report", "clusters-workshop-2018", "--format", "md", "--out", str(out)])
    assert result.exit_code == 0, result.output
    appendix = out.read_text(encoding="utf-8").split("## Appendix B")[1]
    return [
        line
        for line in appendix.splitlines()
        if line.startswith("| ") and "First name" not in line and "---" not in line
    ]


def test_the_worker_after_the_demo_keeps_every_participant_in_appendix_b(fresh_install):
    assert runner.invoke(app, ["demo", "--no-serve"]).exit_code == 0
    before = appendix_b(fresh_install, "before.md")
    assert len(before) == 32 and any("Dahlöf" in line for line in before)
    worker = runner.invoke(app, ["worker", "--once"])
    assert worker.exit_code == 0, worker.output
    assert appendix_b(fresh_install, "after.md") == before
