"""Exporting ledgers to CSV or XLSX, in the same columns the importer reads.

An export is the one place RehabDesk writes personal data in plaintext, so it happens only when a user
asks, names the file, and is audited (who, what kind, how many rows — never the contents).
"""

from __future__ import annotations

import csv
import enum
import io
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from app.errors import UserError
from app.files import write_atomically
from app.ledger.columns import COLUMNS, LIST_SEPARATOR, LedgerKind, csv_text
from app.services import facts, persons
from app.store.store import Store
from models.enums import FactKind
from models.text import Text, current_language

FACT_KIND = {"visits": FactKind.VISIT, "tests": FactKind.DRUG_TEST, "assistance": FactKind.ASSISTANCE}
UNSUPPORTED_FORMAT = Text(
    "只能导出为 .csv 或 .xlsx 文件，请更改文件名。", "Exports are .csv or .xlsx files; change the file name."
)
CANNOT_WRITE = Text(
    "无法写入文件 {path}（{reason}）。请检查磁盘空间和文件夹权限，原有文件未被改动。",
    "Could not write {path} ({reason}). Check the free disk space and the folder's permissions; any existing "
    "file was left as it was.",
)


def export_ledger(store: Store, kind: LedgerKind, out: Path) -> int:
    suffix = out.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise UserError(UNSUPPORTED_FORMAT())
    columns = COLUMNS[kind]
    headers = [c.canonical_header for c in columns]
    rows = [[_cell(record.get(c.field)) for c in columns] for record in _records(store, kind)]
    data = _csv_bytes(headers, rows) if suffix == ".csv" else _xlsx_bytes(kind, headers, rows)
    try:
        write_atomically(out, data)
    except OSError as exc:
        raise UserError(CANNOT_WRITE(path=str(out), reason=exc.strerror or type(exc).__name__)) from None
    with store.write() as tx:
        tx.audit("export." + kind, details={"rows": len(rows), "format": suffix})
    return len(rows)


def _records(store: Store, kind: LedgerKind) -> list[dict[str, Any]]:
    people = persons.summaries(store)
    if kind == "persons":
        records = []
        for summary in people:
            file = persons.read_file(store, summary.id)
            record = dict(vars(file.profile))
            if file.measures:
                m = file.measures[-1]
                record.update(
                    measure_kind=m.kind,
                    ordered_on=m.ordered_on,
                    reported_on=m.reported_on,
                    ordered_by=m.ordered_by,
                    document_no=m.document_no,
                )
            records.append(record)
        return records
    records = []
    for summary in people:
        for data in facts.current(store, summary.id, FACT_KIND[kind]):
            records.append({**vars(data), "id_number": summary.id_number, "name": summary.name})
    return records


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, enum.Enum) and hasattr(value, "label"):
        return value.label.zh if current_language() != "en" else value.label.en
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return LIST_SEPARATOR.join(str(_cell(v)) for v in value)
    return value


def _csv_bytes(headers: list[str], rows: list[list[Any]]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(headers)
    # A name or note typed as "=HYPERLINK(...)" would run in the supervisor's Excel: written as text.
    writer.writerows([csv_text(v) if isinstance(v, str) else v for v in row] for row in rows)
    # UTF-8 with a BOM: Excel on Chinese Windows then opens it without garbling the characters.
    return buffer.getvalue().encode("utf-8-sig")


def _xlsx_bytes(kind: str, headers: list[str], rows: list[list[Any]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = kind
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        # ID numbers as text: Excel would turn 18 digits into a rounded number.
        sheet.append([str(v) if isinstance(v, str) else v for v in row])
        for cell in sheet[sheet.max_row]:
            # openpyxl makes a string that starts with "=" a formula: a name or note typed that way
            # would run in the supervisor's Excel. Kept as the text it is.
            if cell.data_type == "f":
                cell.data_type = "s"
    for column in sheet.columns:
        width = max(len(str(c.value or "")) for c in column)
        sheet.column_dimensions[column[0].column_letter].width = min(max(10, width * 2), 50)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
