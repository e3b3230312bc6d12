"""Every figure prints its definition in both languages, and docs/indicators.md explains each one."""

from __future__ import annotations

import re
from pathlib import Path

from app.indicators import Dataset, Period, Scope, compute
from app.rules.policy import default_policy

CJK = re.compile(r"[\u4e00-\u9fff]")
DOC = Path(__file__).resolve().parents[2] / "docs" / "indicators.md"


def figures():
    return compute(
        Dataset((), default_policy(), Period.parse("2026-06").end), Period.parse("2026-06"), Scope("64")
    )


def test_every_figure_has_a_name_unit_and_definition_in_chinese_and_english():
    found = figures().figures
    assert len(found) == 7 + 1 + 10 + 4  # the seven of DOMAIN.md, people helped, ten kinds, four more
    assert len({f.key for f in found}) == len(found)
    for f in found:
        for text in (f.name, f.unit, f.definition):
            assert CJK.search(text.zh) and re.search("[A-Za-z]{3,}", text.en), f.key


def test_the_document_names_every_indicator_in_both_languages():
    doc = DOC.read_text("utf-8")
    for f in figures().figures[:7]:
        assert f.name.zh in doc and f.name.en.lower() in doc.lower(), f.key
    for edge in ("迁出", "transfer", "中止", "suspension", "None"):
        assert edge in doc
