"""Exported ledgers hold what was recorded, as text: nothing in them runs when opened."""

from __future__ import annotations

import openpyxl

from app.services import exports, persons
from app.services.inputs import PersonInput
from tests.conftest import make_id


def test_a_value_that_looks_like_a_formula_is_exported_as_text(store, tmp_path):
    typed = '=HYPERLINK("http://example.invalid","点这里")'
    persons.register(store, PersonInput(name="张三", id_number=make_id(), notes=typed))
    out = tmp_path / "persons.xlsx"
    assert exports.export_ledger(store, "persons", out) == 1
    sheet = openpyxl.load_workbook(out).active
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row if cell.value == typed]
    assert len(cells) == 1
    assert cells[0].data_type == "s"  # a string, not a formula Excel would evaluate
