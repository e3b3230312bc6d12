"""Reading the offices' ledgers (台账): a CSV or XLSX file becomes typed input objects and a list of problems.

Nothing is written anywhere: the importer shows the problems, and stores the rows the user accepts.
A row with any problem is left out of ``rows``, so every row returned is ready to import; the problems
name the line and column as the user sees them in Excel, so the file can be fixed and read again.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any
from uuid import UUID

from app.ledger.columns import (
    BOOKKEEPING_HEADERS,
    COLUMNS,
    LIST_SEPARATORS,
    Column,
    LedgerKind,
    column,
    from_csv_text,
    header_lookup,
    match_enum,
    normalise_header,
)
from app.services.inputs import AssistanceInput, DrugTestInput, PersonInput, VisitInput
from models.enums import (
    AssistanceKind,
    AssistanceOutcome,
    Gender,
    LabelledEnum,
    MeasureKind,
    RiskColour,
    SampleType,
    TestMethod,
    TestResult,
    VisitKind,
)
from models.text import Message, Text
from models.values import (
    IdNumber,
    ValueRuleError,
    check_id_matches,
    check_not_future,
    normalise_phone,
    parse_date,
    parse_id_number,
    require,
)

__all__ = [
    "PLACEHOLDER_PERSON_ID",
    "LedgerError",
    "LedgerRead",
    "LedgerRecord",
    "LedgerRow",
    "MeasureFields",
    "RowProblem",
    "read_ledger",
]

# Fact rows name their person by ID number; the importer swaps this for the stored person's id.
PLACEHOLDER_PERSON_ID = UUID(int=0)

# --- messages ------------------------------------------------------------------------------------------

FILE_UNREADABLE = Text("无法打开文件“{name}”：{reason}", "Cannot open the file “{name}”: {reason}")
FILE_NOT_FOUND = Text("找不到文件“{name}”", "The file “{name}” does not exist")
# On Windows a workbook open in Excel or WPS is locked against reading: the likeliest cause by far.
FILE_LOCKED = Text(
    "无法读取“{name}”：没有读取权限，或文件正在Excel/WPS中打开；请关闭该文件后重试",
    "Cannot read “{name}”: access is denied, or the file is open in Excel or WPS; close it and try again",
)
FILE_EMPTY = Text("文件“{name}”是空的，没有任何内容", "The file “{name}” is empty")
FILE_TYPE_UNSUPPORTED = Text(
    "不支持“{suffix}”类型的文件：请在Excel或WPS中另存为.xlsx或.csv后再导入",
    "Files of type “{suffix}” are not supported: save the ledger as .xlsx or .csv in Excel or WPS first",
)
FILE_OLD_XLS = Text(
    "“{name}”是旧版Excel（.xls）文件或加密的工作簿：请在Excel或WPS中取消密码并另存为.xlsx后再导入",
    "“{name}” is an old Excel (.xls) file or a password-protected workbook: remove the password and save "
    "it as .xlsx in Excel or WPS first",
)
FILE_XLSX_IS_TEXT = Text(
    "“{name}”的扩展名是.xlsx，但内容是文本（CSV）：请把扩展名改为.csv，或在Excel中打开后另存为.xlsx",
    "“{name}” is named .xlsx but holds text (CSV): rename it to .csv, or open it in Excel and save as .xlsx",
)
FILE_CSV_IS_XLSX = Text(
    "“{name}”的扩展名是.csv，但内容是Excel工作簿：请把扩展名改为.xlsx",
    "“{name}” is named .csv but is an Excel workbook: rename it to .xlsx",
)
FILE_XLSX_CORRUPT = Text(
    "“{name}”不是有效的Excel工作簿，文件可能已损坏：请在Excel或WPS中打开并重新保存",
    "“{name}” is not a valid Excel workbook and may be damaged: open it in Excel or WPS and save it again",
)
FILE_NOT_TEXT = Text(
    "“{name}”不是文本格式的CSV文件（含有二进制内容）",
    "“{name}” is not a text CSV file (it holds binary data)",
)
FILE_UNKNOWN_ENCODING = Text(
    "无法识别“{name}”的文字编码（支持UTF-8和GBK）：请在Excel中另存为“CSV UTF-8”",
    "Cannot tell the character encoding of “{name}” (UTF-8 and GBK are supported): save it from Excel "
    "as “CSV UTF-8”",
)
FILE_BAD_CSV = Text(
    "“{name}”第{line}行附近的CSV格式有误：{reason}",
    "“{name}” is not well-formed CSV near line {line}: {reason}",
)
NO_HEADER = Text(
    "找不到表头行：应有一行列名，至少包括{required}",
    "No header row found: one row must name the columns, at least {required}",
)
MISSING_COLUMNS = Text(
    "缺少必需的列：{columns}；未读取任何数据。可用的列名见《台账格式说明》",
    "Missing required column(s): {columns}; nothing was read. The accepted headers are listed in the "
    "ledger format guide",
)
UNKNOWN_VALUE = Text(
    "无法识别的{field}“{value}”，可填写：{choices}",
    "Unknown {field} “{value}”; accepted values: {choices}",
)
ID_STORED_AS_NUMBER = Text(
    "身份证号码被Excel存成了数字（{value}），后几位已经丢失：请把该列设为“文本”格式后重新填写",
    "Excel stored the ID number as a number ({value}) and lost its last digits: format the column as "
    "text and enter the number again",
)
DUPLICATE_ID = Text(
    "身份证号码与第{first}行重复",
    "The ID number repeats the one on line {first}",
)
BAD_AMOUNT = Text(
    "金额“{value}”不是有效的数字（以元为单位，最多两位小数，不能为负数）",
    "The amount “{value}” is not valid (yuan, at most two decimals, not negative)",
)
DATE_BEFORE = Text(
    "{field}{value}早于{other}{other_value}",
    "{field} {value} is before {other} {other_value}",
)
MEASURE_NEEDS = Text(
    "填写了措施信息时，{field}不能为空",
    "{field} must be filled in when measure details are given",
)
PROBLEM_AT = Text("第{line}行“{column}”：{reason}", "Line {line}, “{column}”: {reason}")
PROBLEM_AT_LINE = Text("第{line}行：{reason}", "Line {line}: {reason}")


class LedgerError(Exception):
    """The file cannot be read as a ledger at all (wrong type, damaged, empty)."""

    def __init__(self, message: Message) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message.render()


@dataclass(frozen=True)
class MeasureFields:
    """The measure columns of a persons ledger; the importer turns them into a MeasureInput."""

    kind: MeasureKind
    ordered_on: date
    reported_on: date | None = None
    ordered_by: str = ""
    document_no: str = ""


LedgerRecord = PersonInput | VisitInput | DrugTestInput | AssistanceInput


@dataclass(frozen=True)
class LedgerRow:
    """One good row. Fact records carry PLACEHOLDER_PERSON_ID; ``id_number`` says whose they are."""

    line: int
    record: LedgerRecord
    id_number: str  # 18 characters, legacy 15-digit numbers already upgraded
    name: str = ""  # as the ledger wrote it, for the importer to cross-check against the person
    measure: MeasureFields | None = None


@dataclass(frozen=True)
class RowProblem:
    """Why a line (or, with ``column`` empty, the whole file) could not be read."""

    line: int
    column: str  # the header as written in the file, or the canonical header of a missing column
    message: Message

    def describe(self) -> Message:
        if self.column:
            return PROBLEM_AT(line=self.line, column=self.column, reason=self.message)
        return PROBLEM_AT_LINE(line=self.line, reason=self.message)


@dataclass
class LedgerRead:
    """What a ledger holds: good rows, and problems. A problem on ``header_line`` means nothing was read."""

    rows: list[LedgerRow]
    problems: list[RowProblem]
    header_line: int = 0  # 0: no header row was found
    sheet: str = ""  # the worksheet read; empty for CSV
    ignored_columns: list[str] = field(default_factory=list)  # headers the reader does not know


# --- loading files into grids --------------------------------------------------------------------------

Cell = object  # str, int, float, datetime, date, time, bool or None, as CSV and openpyxl give them


@dataclass
class _Sheet:
    name: str
    rows: list[tuple[int, list[Cell]]]  # (line as Excel numbers it, cells), fully empty rows dropped


_CSV_SUFFIXES = frozenset({".csv", ".txt", ".tsv"})
_XLSX_SUFFIXES = frozenset({".xlsx", ".xlsm"})
_OLD_EXCEL_SUFFIXES = frozenset({".xls", ".et", ".ods", ".numbers"})
_ZIP_MAGIC = b"PK\x03\x04"
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_HEADER_SEARCH_ROWS = 30


def _is_blank(value: Cell) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise LedgerError(FILE_NOT_FOUND(name=path.name)) from exc
    except PermissionError as exc:
        raise LedgerError(FILE_LOCKED(name=path.name)) from exc
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise LedgerError(FILE_UNREADABLE(name=path.name, reason=reason)) from exc


def _load(path: Path) -> list[_Sheet]:
    suffix = path.suffix.lower()
    if suffix in _OLD_EXCEL_SUFFIXES:
        raise LedgerError(
            FILE_OLD_XLS(name=path.name) if suffix == ".xls" else FILE_TYPE_UNSUPPORTED(suffix=suffix)
        )
    if suffix not in _CSV_SUFFIXES | _XLSX_SUFFIXES:
        raise LedgerError(FILE_TYPE_UNSUPPORTED(suffix=suffix or path.name))
    data = _read_bytes(path)
    if not data.strip():
        raise LedgerError(FILE_EMPTY(name=path.name))
    if data.startswith(_OLE2_MAGIC):
        raise LedgerError(FILE_OLD_XLS(name=path.name))
    if suffix in _XLSX_SUFFIXES:
        if not data.startswith(_ZIP_MAGIC):
            looks_like_text = b"\x00" not in data[:4096] or data.startswith(_UTF16_BOMS)
            raise LedgerError((FILE_XLSX_IS_TEXT if looks_like_text else FILE_XLSX_CORRUPT)(name=path.name))
        sheets = _load_xlsx(path, data)
    else:
        if data.startswith(_ZIP_MAGIC):
            raise LedgerError(FILE_CSV_IS_XLSX(name=path.name))
        sheets = [_load_csv(path.name, data)]
    if not any(sheet.rows for sheet in sheets):
        raise LedgerError(FILE_EMPTY(name=path.name))
    return sheets


def _decode(name: str, data: bytes) -> str:
    if data.startswith(_UTF16_BOMS):
        # Excel's "Unicode text" export: UTF-16 with a byte order mark, tab-separated.
        encodings: Sequence[str] = ("utf-16",)
    elif b"\x00" in data:
        raise LedgerError(FILE_NOT_TEXT(name=name))
    else:
        # UTF-8 first and strictly: GB18030 (a superset of GBK) decodes almost any bytes, so it must come
        # last or it would garble genuine UTF-8.
        encodings = ("utf-8-sig", "gb18030")
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _looks_binary(text):
            raise LedgerError(FILE_NOT_TEXT(name=name))
        return text
    raise LedgerError(FILE_UNKNOWN_ENCODING(name=name))


def _looks_binary(text: str) -> bool:
    controls = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\t\r\n\x0c\x1a")
    return controls > max(2, len(text) // 100)


def _parse_csv(text: str, delimiter: str, limit: int | None = None) -> list[tuple[int, list[Cell]]]:
    rows: list[tuple[int, list[Cell]]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    # Excel shows one CSV record per row, even when a quoted cell spans several text lines.
    for line, record in enumerate(reader, start=1):
        if any(not _is_blank(cell) for cell in record):
            rows.append((line, [from_csv_text(cell) for cell in record]))
        if limit is not None and line >= limit:
            break
    return rows


def _load_csv(name: str, data: bytes) -> _Sheet:
    text = _decode(name, data)
    if not text.strip():
        raise LedgerError(FILE_EMPTY(name=name))
    try:
        # Excel saves "CSV" with commas, but with semicolons in some locales and tabs as "text"; the
        # separator that yields the best header row wins.
        delimiter = max(
            (",", "\t", ";"),
            key=lambda d: max(
                (_known_header_count(cells) for _, cells in _parse_csv(text, d, _HEADER_SEARCH_ROWS)),
                default=0,
            ),
        )
        return _Sheet("", _parse_csv(text, delimiter))
    except csv.Error as exc:
        line = _line_of_csv_error(exc)
        raise LedgerError(FILE_BAD_CSV(name=name, line=line, reason=str(exc))) from exc


def _line_of_csv_error(exc: csv.Error) -> str:
    match = re.search(r"line (\d+)", str(exc))
    return match.group(1) if match else "?"


def _known_header_count(cells: Sequence[Cell]) -> int:
    known = _all_known_headers()
    return sum(1 for cell in cells if isinstance(cell, str) and normalise_header(cell) in known)


@cache
def _all_known_headers() -> frozenset[str]:
    return frozenset(key for kind in COLUMNS for key in header_lookup(kind))


def _load_xlsx(path: Path, data: bytes) -> list[_Sheet]:
    import openpyxl  # imported here: the CLI and CSV paths should not pay for it

    try:
        with warnings.catch_warnings():
            # openpyxl warns about styles and extensions it ignores; they do not matter for reading.
            warnings.simplefilter("ignore")
            # read_only mode does not expose merged cells, which ledgers use for a person over several rows.
            workbook = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except Exception as exc:  # openpyxl raises anything from KeyError to zipfile errors on a damaged file
        raise LedgerError(FILE_XLSX_CORRUPT(name=path.name)) from exc
    try:
        sheets = [_sheet_grid(ws) for ws in workbook.worksheets]
        active = workbook.active
        active_title = active.title if active is not None else None
    except Exception as exc:
        raise LedgerError(FILE_XLSX_CORRUPT(name=path.name)) from exc
    finally:
        workbook.close()
    # The active sheet is what the user last looked at, so it is tried first.
    sheets.sort(key=lambda sheet: sheet.name != active_title)
    return sheets


def _sheet_grid(ws: Any) -> _Sheet:
    grid = [list(row) for row in ws.iter_rows(min_row=1, values_only=True)]
    for merged in ws.merged_cells.ranges:
        top_left = grid[merged.min_row - 1][merged.min_col - 1] if merged.min_row <= len(grid) else None
        for r in range(merged.min_row, min(merged.max_row, len(grid)) + 1):
            row = grid[r - 1]
            for c in range(merged.min_col, min(merged.max_col, len(row)) + 1):
                row[c - 1] = top_left
    rows = [(line, cells) for line, cells in enumerate(grid, start=1) if any(not _is_blank(c) for c in cells)]
    return _Sheet(ws.title, rows)


# --- finding the header --------------------------------------------------------------------------------


@dataclass
class _Header:
    line: int
    columns: dict[int, Column]  # cell index -> column read from it
    written: dict[str, str]  # field -> header as written in the file (the first, when several)
    extra: dict[str, list[int]]  # field -> further cell indexes merged into a text field
    ignored: list[str]


def _find_header(sheet: _Sheet, kind: LedgerKind) -> tuple[int, _Header] | None:
    lookup = header_lookup(kind)
    for position, (line, cells) in enumerate(sheet.rows[:_HEADER_SEARCH_ROWS]):
        texts = [_text(cell) for cell in cells]
        matched = [lookup.get(normalise_header(t)) for t in texts]
        if sum(1 for m in matched if m is not None) >= 2:
            return position, _build_header(line, texts, matched)
    return None


def _build_header(line: int, texts: list[str], matched: list[Column | None]) -> _Header:
    header = _Header(line, {}, {}, {}, [])
    for index, (text, col) in enumerate(zip(texts, matched, strict=True)):
        if col is None:
            if text and text not in BOOKKEEPING_HEADERS:
                header.ignored.append(text)
        elif col.field not in header.written:
            header.columns[index] = col
            header.written[col.field] = text
        elif col.value in ("text", "list"):
            # Two free-text columns for one field (走访内容 and 备注): keep both rather than drop one.
            header.extra.setdefault(col.field, []).append(index)
        else:
            # Listed, not reported as a problem: a problem on the header line means the file is unusable.
            header.ignored.append(text)
    return header


# --- reading cells -------------------------------------------------------------------------------------


def _text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"  # as Excel shows them
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # phone numbers and lot numbers typed into number cells
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)


def _split(text: str, *, on_blanks: bool = True) -> list[str]:
    blanks = "\\s" if on_blanks else ""
    parts = re.split(f"[{re.escape(LIST_SEPARATORS)}{blanks}]+", text)
    return [part.strip() for part in parts if part.strip()]


def _enum_list(col: Column, text: str) -> list[LabelledEnum]:
    found: list[LabelledEnum] = []
    for part in _split(text, on_blanks=False):
        # English labels hold blanks ("nitrous oxide"), so a part splits on blanks only if it is no label.
        assert col.enum is not None
        whole = match_enum(col.enum, part)
        found.extend([whole] if whole is not None else [_enum(col, word) for word in _split(part)])
    return list(dict.fromkeys(found))


_SCIENTIFIC = re.compile(r"\d(?:\.\d+)?[eE]\+?\d+", re.ASCII)
_EXACT_FLOAT_DIGITS = 15  # a double holds 15 significant digits: enough for a legacy number only


def _id_from_cell(value: Cell, today: date) -> IdNumber:
    if isinstance(value, float) and not isinstance(value, bool):
        if not value.is_integer() or value >= 10**_EXACT_FLOAT_DIGITS:
            raise ValueRuleError(ID_STORED_AS_NUMBER(value=_text(value)), "id_number")
        return parse_id_number(str(int(value)), today=today)
    text = _text(value).removeprefix("'")  # Excel users type a leading quote to force text
    if _SCIENTIFIC.fullmatch(text):
        raise ValueRuleError(ID_STORED_AS_NUMBER(value=text), "id_number")
    return parse_id_number(text, today=today)


def _choices(enum: type[LabelledEnum]) -> Message:
    return Text("、".join(m.label.zh for m in enum), ", ".join(m.label.en for m in enum))()


def _enum(col: Column, text: str) -> LabelledEnum:
    assert col.enum is not None
    found = match_enum(col.enum, text)
    if found is None:
        raise ValueRuleError(
            UNKNOWN_VALUE(field=col.label(), value=text, choices=_choices(col.enum)), col.field
        )
    return found


def _amount(text: str, field_name: str) -> Decimal:
    cleaned = re.sub(r"[\s,，¥￥元]", "", unicodedata.normalize("NFKC", text))
    amount = Decimal(0)
    try:
        amount = Decimal(cleaned)
        valid = amount.is_finite() and amount >= 0 and amount == amount.quantize(Decimal("0.01"))
    except InvalidOperation:  # not a number, or too large to hold in fen
        valid = False
    if not valid:
        raise ValueRuleError(BAD_AMOUNT(value=text), field_name)
    return amount


def _parse_cell(col: Column, value: Cell, today: date) -> object:
    """The typed value of one non-blank cell; ValueRuleError when it breaks the column's rule."""
    if col.value == "id_number":
        return _id_from_cell(value, today)
    if col.value in ("date", "planned_date"):
        parsed = parse_date(value.strip() if isinstance(value, str) else value)
        if col.value == "date":
            check_not_future(parsed, today=today, field=col.field, label=col.label)
        return parsed
    text = _text(value)
    if col.value == "phone":
        return normalise_phone(text)
    if col.value == "enum":
        return _enum(col, text)
    if col.value == "enum_list":
        return _enum_list(col, text)
    if col.value == "list":
        return _split(text)
    if col.value == "amount":
        # Excel shows 15 significant digits, so a formula's 0.30000000000000004 is the 0.3 the user sees.
        return _amount(f"{value:.15g}" if isinstance(value, float) else text, col.field)
    return text


class _Row:
    """The cells of one data row, parsed by field, and the problems met on the way."""

    def __init__(self, kind: LedgerKind, header: _Header, line: int, cells: list[Cell], today: date) -> None:
        self.kind = kind
        self.header = header
        self.line = line
        self.problems: list[RowProblem] = []
        self.values: dict[str, object] = {}
        for index, col in header.columns.items():
            self._read_cell(
                col, [cells[i] for i in (index, *header.extra.get(col.field, ())) if i < len(cells)], today
            )

    def _read_cell(self, col: Column, raw: list[Cell], today: date) -> None:
        value: Cell = raw[0] if raw else None
        if len(raw) > 1:
            joiner = "、" if col.value == "list" else "\n"
            value = joiner.join(t for t in map(_text, raw) if t)
        try:
            if _is_blank(value):
                if col.required:
                    require("", col.field, col.label)
                return
            self.values[col.field] = _parse_cell(col, value, today)
        except ValueRuleError as exc:
            self.problem(col.field, exc.message)

    def header_of(self, field_name: str) -> str:
        return self.header.written.get(field_name) or column(self.kind, field_name).canonical_header

    def problem(self, field_name: str, message: Message) -> None:
        self.problems.append(RowProblem(self.line, self.header_of(field_name), message))

    def has_problem(self, field_name: str) -> bool:
        return any(p.column == self.header_of(field_name) for p in self.problems)

    def text(self, field_name: str) -> str:
        value = self.values.get(field_name, "")
        return value if isinstance(value, str) else ""

    def get(self, field_name: str, type_: type[Any]) -> Any:
        value = self.values.get(field_name)
        return value if isinstance(value, type_) else None

    def ordered(self, earlier: str, later: str) -> None:
        """A problem on ``later`` when both dates are given and it comes before ``earlier``."""
        first, second = self.get(earlier, date), self.get(later, date)
        if first is not None and second is not None and second < first:
            message = DATE_BEFORE(
                field=column(self.kind, later).label(),
                value=second.isoformat(),
                other=column(self.kind, earlier).label(),
                other_value=first.isoformat(),
            )
            self.problem(later, message)


# --- building records ----------------------------------------------------------------------------------


def _person(row: _Row) -> LedgerRow | None:
    idn: IdNumber | None = row.get("id_number", IdNumber)
    gender: Gender | None = row.get("gender", Gender)
    birth: date | None = row.get("birth_date", date)
    if idn is not None:
        # Checked one at a time so that each disagreement lands on its own column.
        for name, check in (
            ("birth_date", lambda: check_id_matches(idn, birth_date=birth, gender=None)),
            ("gender", lambda: check_id_matches(idn, birth_date=None, gender=gender)),
        ):
            try:
                check()
            except ValueRuleError as exc:
                row.problem(name, exc.message)
    measure = _measure(row)
    if row.problems or idn is None:
        return None
    person = PersonInput(
        name=row.text("name"),
        id_number=idn.number,
        gender=gender or idn.gender,
        birth_date=birth or idn.birth_date,
        aliases=row.get("aliases", list) or [],
        phone=row.text("phone"),
        household_address=row.text("household_address"),
        residence_address=row.text("residence_address"),
        drug_types=row.get("drug_types", list) or [],
        first_found_on=row.get("first_found_on", date),
        risk_colour=row.get("risk_colour", RiskColour) or RiskColour.BLUE,
        notes=row.text("notes"),
    )
    return LedgerRow(row.line, person, idn.number, person.name, measure)


_MEASURE_FIELDS = ("measure_kind", "ordered_on", "reported_on", "ordered_by", "document_no")


def _measure(row: _Row) -> MeasureFields | None:
    """The measure columns, when the row fills any in; a measure needs at least its kind and order date."""
    if not any(name in row.values or row.has_problem(name) for name in _MEASURE_FIELDS):
        return None
    kind: MeasureKind | None = row.get("measure_kind", MeasureKind)
    ordered_on: date | None = row.get("ordered_on", date)
    for name, value in (("measure_kind", kind), ("ordered_on", ordered_on)):
        if value is None and not row.has_problem(name):
            row.problem(name, MEASURE_NEEDS(field=column(row.kind, name).label()))
    row.ordered("ordered_on", "reported_on")
    if kind is None or ordered_on is None:
        return None
    return MeasureFields(
        kind=kind,
        ordered_on=ordered_on,
        reported_on=row.get("reported_on", date),
        ordered_by=row.text("ordered_by"),
        document_no=row.text("document_no"),
    )


def _visit(row: _Row) -> LedgerRow | None:
    row.ordered("visited_on", "next_contact_on")
    idn, visited_on = row.get("id_number", IdNumber), row.get("visited_on", date)
    if row.problems or idn is None or visited_on is None:
        return None
    visit = VisitInput(
        person_id=PLACEHOLDER_PERSON_ID,
        visited_on=visited_on,
        # A 走访 ledger records home visits unless it says otherwise.
        kind=row.get("kind", VisitKind) or VisitKind.HOME,
        participants=row.get("participants", list) or [],
        employment=row.text("employment"),
        family=row.text("family"),
        health=row.text("health"),
        mental_state=row.text("mental_state"),
        needs=row.text("needs"),
        summary=row.text("summary"),
        next_contact_on=row.get("next_contact_on", date),
    )
    return LedgerRow(row.line, visit, idn.number, row.text("name"))


def _test(row: _Row) -> LedgerRow | None:
    idn, tested_on = row.get("id_number", IdNumber), row.get("tested_on", date)
    result = row.get("result", TestResult)
    if row.problems or idn is None or tested_on is None or result is None:
        return None
    test = DrugTestInput(
        person_id=PLACEHOLDER_PERSON_ID,
        tested_on=tested_on,
        sample=row.get("sample", SampleType) or SampleType.URINE,
        method=row.get("method", TestMethod) or TestMethod.ON_SITE,
        result=result,
        kit_lot=row.text("kit_lot"),
        witness=row.text("witness"),
        notes=row.text("notes"),
    )
    return LedgerRow(row.line, test, idn.number, row.text("name"))


def _assistance(row: _Row) -> LedgerRow | None:
    idn, given_on = row.get("id_number", IdNumber), row.get("given_on", date)
    kind = row.get("kind", AssistanceKind)
    if row.problems or idn is None or given_on is None or kind is None:
        return None
    help_given = AssistanceInput(
        person_id=PLACEHOLDER_PERSON_ID,
        given_on=given_on,
        kind=kind,
        provider=row.text("provider"),
        amount=row.get("amount", Decimal),
        outcome=row.get("outcome", AssistanceOutcome) or AssistanceOutcome.PENDING,
        details=row.text("details"),
    )
    return LedgerRow(row.line, help_given, idn.number, row.text("name"))


_BUILDERS: dict[LedgerKind, Callable[[_Row], LedgerRow | None]] = {
    "persons": _person,
    "visits": _visit,
    "tests": _test,
    "assistance": _assistance,
}


# --- the reader ----------------------------------------------------------------------------------------


def read_ledger(path: Path, kind: LedgerKind, *, today: date) -> LedgerRead:
    """Read a CSV or XLSX ledger of ``kind``; raises LedgerError only when the file is unreadable."""
    sheets = _load(Path(path))
    found = _first_header(sheets, kind)
    if found is None:
        sheet = next(s for s in sheets if s.rows)
        required = "、".join(c.canonical_header for c in COLUMNS[kind] if c.required)
        problem = RowProblem(sheet.rows[0][0], "", NO_HEADER(required=required))
        return LedgerRead([], [problem], sheet=sheet.name)
    sheet, position, header = found
    result = LedgerRead([], [], header.line, sheet.name, header.ignored)
    missing = [c for c in COLUMNS[kind] if c.required and c.field not in header.written]
    if missing:
        names = "、".join(f"{c.canonical_header}（{c.field}）" for c in missing)
        result.problems = [RowProblem(header.line, "", MISSING_COLUMNS(columns=names))]
        return result

    first_line_of_id: dict[str, int] = {}
    for line, cells in sheet.rows[position + 1 :]:
        if all(_is_blank(cells[i]) for i in _read_indexes(header) if i < len(cells)):
            continue  # template rows with only a 序号 filled in
        if _find_header(_Sheet(sheet.name, [(line, cells)]), kind) is not None:
            continue  # the header repeated further down, as ledgers pasted together from pages do
        row = _Row(kind, header, line, cells, today)
        if kind == "persons" and (idn := row.get("id_number", IdNumber)) is not None:
            first = first_line_of_id.setdefault(idn.number, line)
            if first != line:
                row.problem("id_number", DUPLICATE_ID(first=first))
        built = _BUILDERS[kind](row)
        result.problems.extend(row.problems)
        if built is not None:
            result.rows.append(built)
    return result


def _read_indexes(header: _Header) -> Iterable[int]:
    yield from header.columns
    for indexes in header.extra.values():
        yield from indexes


def _first_header(sheets: list[_Sheet], kind: LedgerKind) -> tuple[_Sheet, int, _Header] | None:
    for sheet in sheets:
        found = _find_header(sheet, kind)
        if found is not None:
            return sheet, found[0], found[1]
    return None
