"""The migrations build exactly the tables the models describe, on both backends; the server stands on
its own (sync.protocol and its own modules, never the desktop app)."""

from __future__ import annotations

import ast
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from sync.server import migrate
from sync.server.db import Storage
from sync.server.schema import Base

SERVER = Path(__file__).resolve().parents[3] / "sync" / "server"


def test_the_migrated_schema_matches_the_models(database_url: str) -> None:
    storage = Storage(database_url)
    try:
        assert migrate.is_current(storage)
        with storage.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
    finally:
        storage.dispose()


def test_migrating_twice_changes_nothing(database_url: str) -> None:
    storage = Storage(database_url)
    try:
        migrate.upgrade(storage)
        migrate.upgrade(storage)
        assert migrate.is_current(storage)
    finally:
        storage.dispose()


def test_the_server_imports_only_the_protocol_and_itself() -> None:
    offenders = []
    for path in SERVER.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            for name in names:
                top = name.split(".")[0]
                if top in {"app", "models", "ui", "PySide6", "shiboken6"} or (
                    top == "sync" and not (name == "sync.protocol" or name.startswith("sync.server"))
                ):
                    offenders.append(f"{path.relative_to(SERVER)} imports {name}")
    assert offenders == []
