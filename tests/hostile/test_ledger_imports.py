"""Every ledger an office might import, filled with junk: no crash, a clear sentence for each bad cell, and
nothing written unless asked.

For each kind (persons, visits, tests, assistance) a file with the kind's real header row and rows of
hostile cells goes through the whole import (``app.services.imports.import_ledger``, as the command line
and the GUI call it): CSV in UTF-8, UTF-8 with a BOM, GB18030 (GBK's superset, what Chinese Excel saves)
and Excel's UTF-16 text; XLSX with numbers where text belongs, dates and datetimes, booleans, formulas,
error values, empty cells, very long and control-character text, a title row and an extra sheet. A file the
reader cannot take is a UserError with a sentence in both languages; otherwise every problem names its
line and says what is wrong in both languages. A dry run writes nothing; "good rows only" writes exactly
the rows the report did not refuse.

tests/ledger/test_read.py holds the reader's own cases (and arbitrary bytes and cells as a persons CSV).
"""

from __future__ import annotations

import csv
import io
import tempfile
import time
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from app.errors import UserError
from app.ledger import canonical_headers
from app.services import imports
from app.store.store import Store
from models import OutboxChange
from tests.conftest import make_id
from tests.figures import Figures
from tests.hostile.test_value_rules import any_text, assert_clear

KINDS = ("persons", "visits", "tests", "assistance")
ENCODINGS = ("utf-8", "utf-8-sig", "gb18030", "utf-16")

# Cells as ledgers really hold them, good and bad: right values, near misses and plain junk.
good_cells = st.sampled_from(
    [make_id(seq=101), make_id(seq=103), "张三", "李四", "2026-01-05", "2025/12/31", "男", "女", "13912345678",
     "社区戒毒", "社区康复", "阴性", "阳性", "尿检", "入户走访", "500", "1,200.50元", "海洛因、冰毒"]
)  # fmt: skip
junk_cells = st.one_of(
    any_text,
    st.sampled_from(["#N/A", "#DIV/0!", "=1/0", "=HYPERLINK(\"x\")", "NaN", "Infinity", "-0", "1e400",
                     "2026-02-30", "0000-00-00", "99999", "4.4E+17", "\x00", "\x1b[31m", "\u202e反转"]),
)  # fmt: skip
printable_junk = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), max_size=40),
    st.sampled_from(["#N/A", "=1/0", "NaN", "Infinity", "1e400", "2026-02-30", "4.4E+17", "\u202e反转"]),
)
xlsx_cells = st.one_of(
    good_cells,
    junk_cells,
    st.integers(min_value=-(2**53), max_value=2**53),
    st.floats(allow_nan=False, allow_infinity=False),
    st.dates(min_value=date(1900, 3, 1)),
    st.datetimes(min_value=datetime(1900, 3, 1)),
    st.booleans(),
    st.none(),
)


REGISTERED = make_id(birth="19700101", seq=777)  # the person the fact ledgers refer to
REQUIRED = {  # a good value for each required column (anything may stand in the other columns)
    "persons": {"name": "测试人员", "id_number": None},  # None: a fresh ID number per row
    "visits": {"id_number": REGISTERED, "visited_on": "2026-01-05"},
    "tests": {"id_number": REGISTERED, "tested_on": "2026-01-05", "result": "阴性"},
    "assistance": {"id_number": REGISTERED, "given_on": "2026-01-05", "kind": "临时救助"},
}


def rows_for(kind: str, cell: st.SearchStrategy[Any]) -> st.SearchStrategy[list[list[Any]]]:
    """Rows of junk, and rows whose required cells are right while the others hold anything or nothing."""
    from app.ledger.columns import COLUMNS

    fields = [column.field for column in COLUMNS[kind]]  # type: ignore[index]

    def good(seq: int, others: list[Any]) -> list[Any]:
        row = list(others)
        for name, value in REQUIRED[kind].items():
            row[fields.index(name)] = value if value is not None else make_id(birth="19800101", seq=seq)
        return row

    width = len(fields)
    junk_row = st.lists(cell, min_size=0, max_size=width + 2)
    others = st.one_of(
        st.just([""] * width),  # a clean row
        st.lists(st.one_of(st.just(""), cell), min_size=width, max_size=width),
    )
    good_row = st.builds(good, st.integers(0, 999), others)
    return st.lists(st.one_of(junk_row, good_row), min_size=1, max_size=6)


def register_the_person(store: Store) -> None:
    from app.services import persons
    from app.services.inputs import PersonInput

    if not any(p.id_number == REGISTERED for p in persons.summaries(store)):
        persons.register(store, PersonInput(name="被走访人", id_number=REGISTERED))


def outbox_size(store: Store) -> int:
    with store.read() as session:
        return session.scalar(select(func.count()).select_from(OutboxChange)) or 0


def write_csv(path: Path, header: list[str], rows: list[list[Any]], encoding: str) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter="\t" if encoding == "utf-16" else ",").writerows([header, *rows])
    path.write_bytes(buffer.getvalue().encode(encoding, errors="replace"))


def write_xlsx(path: Path, header: list[str], rows: list[list[Any]], title: bool) -> None:
    import openpyxl
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    book = openpyxl.Workbook()
    book.create_sheet("说明").append(["本表由区禁毒办下发", None, 42])  # a sheet that holds no ledger
    sheet = book.active
    if title:
        sheet.append(["2026年社区戒毒社区康复人员台账"])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(1, len(header)))
    sheet.append(header)
    for row in rows:
        # Control characters openpyxl refuses to store (Excel could not hold them either) are left out.
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", c) if isinstance(c, str) else c for c in row])
    book.save(path)


def run_import(store: Store, kind: str, path: Path, tally: dict[str, int]) -> None:
    """Dry run, then good rows only: no crash, clear problems, nothing written by the dry run, and the
    good-rows import writes something exactly when the report says rows were good."""
    before = outbox_size(store)
    try:
        report = imports.import_ledger(store, kind, path, dry_run=True)  # type: ignore[arg-type]
    except UserError as refused:
        assert_clear(refused.message)
        assert outbox_size(store) == before
        tally["files refused"] += 1
        return
    assert outbox_size(store) == before, "a dry run wrote something"
    for problem in report.problems:
        assert problem.line >= 0
        assert_clear(problem.describe())
    tally["problems"] += len(report.problems)
    tally["rows"] += report.rows
    good = imports.import_ledger(store, kind, path, good_rows_only=True)  # type: ignore[arg-type]
    assert {p.line for p in good.problems} >= {p.line for p in report.problems if p.line != 0}
    assert (outbox_size(store) > before) == (good.imported > 0)
    tally["imported"] += good.imported


@pytest.fixture(scope="module")
def tally(figures: Figures) -> Any:
    counts = {"files": 0, "files refused": 0, "rows": 0, "problems": 0, "imported": 0}
    started = time.monotonic()
    yield counts
    figures.record(
        "hostile ledgers through the import",
        rounds=counts["files"],
        faults={"files refused whole": counts["files refused"], "cell problems reported": counts["problems"]},
        checked=counts["rows"],
        lost=0,
        seconds=time.monotonic() - started,
        notes=f"{counts['imported']} good rows imported",
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kind=st.sampled_from(KINDS), encoding=st.sampled_from(ENCODINGS), binary=st.booleans(), data=st.data())
def test_a_csv_ledger_of_junk(
    store: Store, tally: dict[str, int], kind: str, encoding: str, binary: bool, data: Any
) -> None:
    # Control characters make the reader call the file binary (rightly): most files go without them.
    rows = data.draw(rows_for(kind, st.one_of(good_cells, junk_cells if binary else printable_junk)))
    register_the_person(store)
    tally["files"] += 1
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{kind}.csv"
        write_csv(path, canonical_headers(kind), rows, encoding)  # type: ignore[arg-type]
        run_import(store, kind, path, tally)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kind=st.sampled_from(KINDS), data=st.data(), title=st.booleans())
def test_an_xlsx_ledger_of_junk(
    store: Store, tally: dict[str, int], kind: str, data: Any, title: bool
) -> None:
    rows = data.draw(rows_for(kind, xlsx_cells))
    register_the_person(store)
    tally["files"] += 1
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{kind}.xlsx"
        write_xlsx(path, canonical_headers(kind), rows, title)  # type: ignore[arg-type]
        run_import(store, kind, path, tally)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    kind=st.sampled_from(KINDS),
    data=st.binary(min_size=1, max_size=4096),
    suffix=st.sampled_from([".csv", ".xlsx"]),
)
def test_bytes_that_are_no_ledger_at_all(
    store: Store, tally: dict[str, int], kind: str, data: bytes, suffix: str
) -> None:
    tally["files"] += 1
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"ledger{suffix}"
        path.write_bytes(data if suffix == ".csv" else b"PK\x03\x04" + data)  # a "zip" that is not one
        run_import(store, kind, path, tally)
