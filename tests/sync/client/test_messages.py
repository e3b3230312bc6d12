"""The sync client's messages come in Chinese and English with the same parameters, like the core's."""

from __future__ import annotations

import importlib
import pkgutil

import sync.client
from models.text import Text
from tests.architecture.test_messages import CJK, fields


def test_every_sync_message_has_both_languages_with_the_same_parameters():
    found = []
    for info in pkgutil.walk_packages(sync.client.__path__, "sync.client."):
        module = importlib.import_module(info.name)
        found += [(f"{info.name}.{n}", v) for n, v in vars(module).items() if isinstance(v, Text)]
    assert len(found) > 25
    for where, text in found:
        assert CJK.search(text.zh), where
        assert text.en != text.zh and any(c.isascii() and c.isalpha() for c in text.en), where
        assert fields(text.zh) == fields(text.en), where


def test_the_client_needs_nothing_beyond_the_desktop_build():
    """HTTP with the standard library: the desktop build has no httpx, requests or FastAPI."""
    import ast
    from pathlib import Path

    root = Path(sync.client.__file__).parent
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.append(node.module)
            for name in names:
                assert name.split(".")[0] not in ("httpx", "requests", "fastapi", "uvicorn", "PySide6"), (
                    path,
                    name,
                )
                assert not name.startswith("sync.server"), (path, name)
