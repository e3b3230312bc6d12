"""Exported ledgers hold what was recorded, as text: nothing in them runs when opened."""

from __future__ import annotations

import csv

import openpyxl
from hypothesis import given
from hypothesis import strategies as st

from app.ledger.columns import FORMULA_STARTS, TEXT_MARK, csv_text, from_csv_text
from app.ledger.read import read_ledger
from app.services import exports, persons
from app.services.inputs import PersonInput
from tests.conftest import TODAY, make_id

FORMULA = '=HYPERLINK("http://example.invalid","点这里")'


def test_a_value_that_looks_like_a_formula_is_exported_as_text(store, tmp_path):
    typed = FORMULA
    persons.register(store, PersonInput(name="张三", id_number=make_id(), notes=typed))
    out = tmp_path / "persons.xlsx"
    assert exports.export_ledger(store, "persons", out) == 1
    sheet = openpyxl.load_workbook(out).active
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row if cell.value == typed]
    assert len(cells) == 1
    assert cells[0].data_type == "s"  # a string, not a formula Excel would evaluate


def test_a_csv_export_starts_no_cell_with_a_formula_and_reads_back_as_recorded(store, tmp_path):
    notes = {1: FORMULA, 2: "-5 天未联系", 3: "'=1+1", 4: "@SUM(A1)", 5: "'普通备注", 6: "+86 139"}
    for seq, note in notes.items():
        persons.register(store, PersonInput(name=f"张{seq}", id_number=make_id(seq=seq), notes=note))
    out = tmp_path / "persons.csv"
    assert exports.export_ledger(store, "persons", out) == len(notes)

    with out.open(encoding="utf-8-sig", newline="") as f:
        cells = [cell for row in csv.reader(f) for cell in row]
    assert cells and not any(cell[:1] in FORMULA_STARTS for cell in cells)
    assert TEXT_MARK + FORMULA in cells and "'普通备注" in cells  # a plain leading quote is left alone

    read = read_ledger(out, "persons", today=TODAY)
    assert not read.problems
    assert {row.record.notes for row in read.rows} == set(notes.values())


@given(st.text(alphabet=st.sampled_from([*FORMULA_STARTS, TEXT_MARK, "a", "张", " "]), max_size=6))
def test_every_text_is_written_safe_and_read_back_unchanged(text):
    written = csv_text(text)
    assert written[:1] not in FORMULA_STARTS
    assert from_csv_text(written) == text
