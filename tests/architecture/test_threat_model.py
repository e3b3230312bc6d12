"""The threat-model document lists exactly the columns left in plaintext."""

from __future__ import annotations

import re
from pathlib import Path

import models  # noqa: F401  (registers every table)
from models.base import Base

DOC = Path(__file__).resolve().parents[2] / "docs" / "threat-model.md"


def documented_plain_columns() -> set[str]:
    names: set[str] = set()
    for match in re.finditer(r"^\| `([^`]+)` \|", DOC.read_text("utf-8"), re.MULTILINE):
        entry = match.group(1)
        if entry.startswith("{"):
            tables, column = entry[1:].split("}.")
            names.update(f"{t}.{column}" for t in tables.split(","))
        else:
            names.add(entry)
    return names


def schema_plain_columns() -> set[str]:
    return {
        f"{table.name}.{column.name}"
        for table in Base.metadata.tables.values()
        for column in table.columns
        if not column.info.get("sealed")
    }


def test_every_plaintext_column_is_documented_and_nothing_else():
    documented, actual = documented_plain_columns(), schema_plain_columns()
    assert actual - documented == set(), "plaintext columns missing from docs/threat-model.md"
    assert documented - actual == set(), "docs/threat-model.md lists columns that are not plaintext"


def test_personal_fields_are_sealed():
    sealed = {
        f"{t.name}.{c.name}" for t in Base.metadata.tables.values() for c in t.columns if c.info.get("sealed")
    }
    for column in (
        "person.name",
        "person.id_number",
        "person.phone",
        "person.residence_address",
        "drug_test.result",
        "visit.content",
        "assistance.content",
        "work_group_member.name",
    ):
        assert column in sealed
