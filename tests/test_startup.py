"""Start-up stays fast: heavy libraries load where they are used (the solvers, the renderers, the
migrations), not when the server or the ``convene`` command starts."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import PROJECT_ROOT

HEAVY = ["weasyprint", "scipy", "ortools", "docx", "openpyxl", "alembic"]


def loaded_after(statement: str, modules: list[str]) -> list[str]:
    """Which of ``modules`` a fresh interpreter has loaded after running ``statement``."""
    probe = f"import json, sys; {statement}; print(json.dumps([m for m in {modules!r} if m in sys.modules]))"
    result = subprocess.run([sys.executable, "-c", probe], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


@pytest.mark.parametrize("module", ["app.main", "app.cli", "app.worker"])
def test_starting_loads_no_heavy_library(module):
    assert loaded_after(f"import {module}", HEAVY) == []


def test_the_command_line_loads_neither_the_web_framework_nor_the_database_layer_to_show_its_help():
    assert loaded_after("import app.cli", ["fastapi", "sqlalchemy", "uvicorn"]) == []


def test_building_the_app_loads_no_heavy_library():
    statement = (
        "from app.main import create_app; from app.core.config import Settings; "
        "create_app(Settings(database_url='sqlite://', secret_key='x' * 32, _env_file=None))"
    )
    assert loaded_after(statement, HEAVY) == []


def test_the_help_lists_the_commands():
    result = subprocess.run(
        [sys.executable, "-c", "from app.cli import app; app()", "--help"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
    )
    assert "serve" in result.stdout and "migrate" in result.stdout, result.stderr


@pytest.mark.parametrize(("factory", "frozen"), [("served_app()", True), ("create_app()", False)])
def test_a_server_process_freezes_its_start_up_heap_and_a_test_app_does_not(factory, frozen, tmp_path):
    """``served_app`` (convene serve, the benchmarks) moves what start-up built out of the garbage
    collector's sight once started; ``create_app``, built hundreds of times by the tests, does not."""
    probe = (
        "import gc; from fastapi.testclient import TestClient; from app.main import served_app, create_app; "
        f"client = TestClient({factory}); before = gc.get_freeze_count(); client.__enter__(); "
        "print(before, gc.get_freeze_count()); client.__exit__(None, None, None)"
    )
    env = {**os.environ, "CONVENE_DATABASE_URL": f"sqlite:///{tmp_path / 'convene.db'}", "CONVENE_SECRET_KEY": "x" * 32}
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, check=True
    )
    before, after = map(int, result.stdout.split())
    assert before == 0
    assert (after > 50_000) is frozen, result.stdout
