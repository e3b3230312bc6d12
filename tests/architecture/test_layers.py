"""Imports flow one way: ui → app → models. Nothing outside ui/ imports Qt."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def imports_of(package: str) -> dict[Path, set[str]]:
    found: dict[Path, set[str]] = {}
    for path in (ROOT / package).rglob("*.py"):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module)
        found[path] = names
    return found


def offenders(package: str, forbidden: tuple[str, ...]) -> list[str]:
    return [
        f"{path.relative_to(ROOT)} imports {name}"
        for path, names in imports_of(package).items()
        for name in names
        if name.split(".")[0] in forbidden
    ]


def test_nothing_outside_ui_imports_qt():
    for package in ("app", "models", "sync"):
        assert offenders(package, ("PySide6", "shiboken6", "ui")) == []


def test_models_import_nothing_of_ours():
    assert offenders("models", ("app", "ui", "sync")) == []
