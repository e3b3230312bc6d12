"""Importing the offices' ledgers: all good rows in one transaction, or nothing.

The reader (app.ledger) checks each cell; this checks what needs the store (is the person registered,
is the ID number already taken) and writes every good row in one transaction. A file with any bad row
imports nothing unless the user asks for the good rows only; a dry run does everything and rolls back.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from uuid import UUID

from sqlalchemy import select

from app.errors import UserError
from app.ledger.read import LedgerError, LedgerRow, RowProblem, read_ledger
from app.services import facts, measures, persons
from app.services.inputs import MeasureInput, PersonInput
from app.store.store import Store, Tx
from models import Person
from models.text import Text

LedgerKind = Literal["persons", "visits", "tests", "assistance"]

PERSON_NOT_REGISTERED = Text(
    "身份证号码对应的人员尚未登记，请先导入人员台账。",
    "No person with this ID number is registered; import the persons ledger first.",
)


@dataclass
class ImportReport:
    rows: int = 0
    imported: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    dry_run: bool = False

    @property
    def bad_rows(self) -> int:
        return len({p.line for p in self.problems})

    def as_json(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "imported": self.imported,
            "bad_rows": self.bad_rows,
            "dry_run": self.dry_run,
            "problems": [
                {"line": p.line, "column": p.column, "message": p.describe().render()} for p in self.problems
            ],
        }


class _RollBack(Exception):
    """Raised inside the transaction to undo it (dry runs, and files refused for their bad rows)."""


def import_ledger(
    store: Store, kind: LedgerKind, path: Path, *, dry_run: bool = False, good_rows_only: bool = False
) -> ImportReport:
    try:
        read = read_ledger(path, kind, today=store.today())
    except LedgerError as exc:
        raise UserError(exc.message) from None
    report = ImportReport(
        rows=len(read.rows) + len({p.line for p in read.problems if p.line != read.header_line})
    )
    report.problems = list(read.problems)
    report.dry_run = dry_run
    if read.header_line == 0 or any(p.line == read.header_line for p in read.problems):
        return report  # no usable header: the reader said why
    imported = 0
    try:
        with store.write() as tx:
            for row in read.rows:
                problem = _import_row(tx, kind, row)
                if problem is None:
                    imported += 1
                else:
                    report.problems.append(problem)
            tx.audit("import." + kind, details={"rows": imported, "file_type": path.suffix.lower()})
            if dry_run or (report.problems and not good_rows_only):
                raise _RollBack()
    except _RollBack:
        return report
    report.imported = imported
    return report


def _import_row(tx: Tx, kind: LedgerKind, row: LedgerRow) -> RowProblem | None:
    """Write one row inside a savepoint, so a refused row leaves nothing of itself behind."""
    try:
        with tx.savepoint():
            if kind == "persons":
                assert isinstance(row.record, PersonInput)
                person_id = persons.add(tx, row.record)
                if row.measure is not None:
                    m = row.measure
                    measures.add(
                        tx,
                        MeasureInput(
                            person_id=person_id,
                            kind=m.kind,
                            ordered_on=m.ordered_on,
                            ordered_by=m.ordered_by,
                            document_no=m.document_no,
                            reported_on=m.reported_on,
                        ),
                    )
            else:
                person_id = _person_by_id_number(tx, row.id_number)
                if person_id is None:
                    return RowProblem(row.line, "", PERSON_NOT_REGISTERED())
                facts.add(tx, dataclasses.replace(row.record, person_id=person_id))  # type: ignore[arg-type]
    except UserError as exc:
        return RowProblem(row.line, "", exc.message)
    return None


def _person_by_id_number(tx: Tx, id_number: str) -> UUID | None:
    blind = tx.store.sealer.blind_index("id", id_number)
    return tx.session.scalars(
        select(Person.id).where(Person.id_blind == blind, Person.office_code == tx.store.office_code)
    ).first()
