"""Messages render in English in these tests unless a test asks for Chinese, whatever the machine's locale."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REHABDESK_LANG", "en")
