"""``convene breakouts solve FILE.json [--out OUT.json]``: the result on stdout, problems on stderr."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from app.cli import app

INSTANCE = {
    "groups": [{"id": "wg1", "capacity": 2}, {"id": "wg2", "capacity": 2}],
    "participants": [
        {"id": "p1", "country": "BE", "organisation": "A", "preferences": ["wg1", "wg2"]},
        {"id": "p2", "country": "BE", "organisation": "B", "preferences": ["wg1", "wg2"]},
        {"id": "p3", "country": "FR", "organisation": "C", "preferences": ["wg1"]},
    ],
    "max_preferences": 3,
    "pinned": {"p3": "wg2"},
    "diversity": {"max_per_country": 2, "max_per_organisation": None},
}


def run(tmp_path, instance, *extra: str):
    path = tmp_path / "instance.json"
    path.write_text(instance if isinstance(instance, str) else json.dumps(instance))
    return CliRunner().invoke(app, ["breakouts", "solve", str(path), *extra])


def test_solve_prints_the_optimal_result_and_writes_it_with_out(tmp_path):
    out = tmp_path / "result.json"
    result = run(tmp_path, INSTANCE, "--out", str(out))
    assert result.exit_code == 0, result.stderr
    printed = json.loads(result.stdout)
    assert printed["status"] == "optimal"
    assert printed["assignment"] == {"p1": "wg1", "p2": "wg1", "p3": "wg2"}
    assert printed["objective"] == 16  # p3 pinned outside its ranking: (P+1)^2
    assert json.loads(out.read_text()) == printed


def test_an_infeasible_instance_names_the_cause_on_stderr_and_fails(tmp_path):
    crowded = INSTANCE | {"groups": [{"id": "wg1", "capacity": 1}, {"id": "wg2", "capacity": 1}], "pinned": {}}
    result = run(tmp_path, crowded)
    assert result.exit_code != 0
    assert result.stdout == ""
    assert "capacity" in result.stderr


def test_a_malformed_file_is_a_clear_error(tmp_path):
    broken = run(tmp_path, "{not json")
    assert broken.exit_code != 0 and "not valid JSON" in broken.stderr
    missing = CliRunner().invoke(app, ["breakouts", "solve", str(tmp_path / "absent.json")])
    assert missing.exit_code != 0 and "absent.json" in missing.stderr
