"""Start-up stays fast: heavy libraries load where they are used (the solvers, the renderers, the
migrations), not when the server or the ``convene`` command starts."""

from __future__ import annotations

import json
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
