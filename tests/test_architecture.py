"""The dependency direction of STYLE.md, kept true by walking the imports of app/."""

from __future__ import annotations

import ast
from pathlib import Path

APP = Path(__file__).resolve().parent.parent / "app"

# Lower layers first. A package may import its own layer's package and any lower layer.
LAYERS = [
    {"core"},
    {"notifications"},
    {"directory", "events"},
    {"webhooks"},
    {"accounts"},
    {"agenda"},
    {"registration"},
    {"breakouts", "attendance"},
    {"communications"},
    {"reports"},
]
# These compose the application and may import anything; nothing in a layer may import them.
# site/ (the public pages) and console/ (the organiser's screens) compose pages across domains.
COMPOSERS = {"main", "api", "cli", "worker", "models", "demo", "site", "console", "backup"}


def _layer_of(package: str) -> int | None:
    for index, layer in enumerate(LAYERS):
        if package in layer:
            return index
    return None


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return [name for name in names if name == "app" or name.startswith("app.")]


def _violations() -> list[str]:
    problems = []
    for path in APP.rglob("*.py"):
        package = path.relative_to(APP).parts[0].removesuffix(".py")
        if package in COMPOSERS or package == "__init__":
            continue
        layer = _layer_of(package)
        assert layer is not None, f"app/{package} is in no layer of tests/test_architecture.py"
        for name in _imports(path):
            target = name.split(".")[1] if "." in name else ""
            if target in COMPOSERS:
                problems.append(f"{path.relative_to(APP)} imports the composer {name}")
                continue
            target_layer = _layer_of(target)
            if target_layer is None:
                continue
            if target_layer > layer or (target_layer == layer and target != package):
                problems.append(f"{path.relative_to(APP)} imports {name} (a higher or sibling layer)")
    return problems


def test_no_module_imports_upward():
    assert _violations() == []


def test_no_relative_imports_hide_from_the_check():
    relative = [
        str(path.relative_to(APP))
        for path in APP.rglob("*.py")
        if any(isinstance(node, ast.ImportFrom) and node.level for node in ast.walk(ast.parse(path.read_text())))
    ]
    assert relative == []


def test_a_domain_importing_the_public_site_is_caught(tmp_path, monkeypatch):
    fake = tmp_path / "app"
    (fake / "registration").mkdir(parents=True)
    (fake / "registration" / "bad.py").write_text("from app.site.pages import router\n")
    monkeypatch.setattr("tests.test_architecture.APP", fake)
    assert _violations() == ["registration/bad.py imports the composer app.site.pages"]


def test_the_check_catches_an_upward_import(tmp_path, monkeypatch):
    fake = tmp_path / "app"
    (fake / "core").mkdir(parents=True)
    (fake / "core" / "bad.py").write_text("from app.events.models import Event\n")
    monkeypatch.setattr("tests.test_architecture.APP", fake)
    assert _violations() == ["core/bad.py imports app.events.models (a higher or sibling layer)"]
