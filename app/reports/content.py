"""A report as plain data: tables of cells and bar charts, already in the reader's language.

The writers (XLSX here in app/reports, PDF in ui/reports_pdf.py through Qt) only lay this out; nothing
in a writer decides what a figure is or who is named.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from uuid import UUID

from app.indicators import Indicators


class Fmt(StrEnum):
    TEXT = "text"
    INT = "int"
    PERCENT = "percent"  # a fraction: 0.6667 shows as 66.67%
    DATE = "date"
    MONEY = "money"  # yuan


@dataclass(frozen=True, slots=True)
class Cell:
    value: str | int | float | date | Decimal | None
    fmt: Fmt = Fmt.TEXT

    def text(self) -> str:
        """The cell as printed: "—" for a value that cannot be computed."""
        v = self.value
        if v is None:
            return "—"
        if self.fmt is Fmt.PERCENT:
            return f"{float(v) * 100:.2f}%"
        if self.fmt is Fmt.MONEY:
            return f"{Decimal(str(v)):,.2f}"
        if isinstance(v, date):
            return v.isoformat()
        return str(v)


@dataclass(frozen=True)
class Column:
    header: str
    width: int = 12  # characters, for the spreadsheet
    nowrap: bool = False  # record numbers and dates stay on one line


@dataclass(frozen=True)
class Table:
    key: str  # stable: the sheet's identity
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]
    empty: str = ""  # what to print when there are no rows


@dataclass(frozen=True)
class Chart:
    """Bars by category; several series side by side. Percent charts hold fractions."""

    key: str
    title: str
    categories: tuple[str, ...]
    series: tuple[tuple[str, tuple[float, ...]], ...]
    percent: bool = False
    horizontal: bool = False


@dataclass(frozen=True)
class Report:
    lang: str
    title: str
    meta: tuple[tuple[str, str], ...]  # (label, value) lines under the title
    notice: str  # confidentiality and de-identification
    indicators: Indicators
    tables: tuple[Table, ...]  # the indicator table first, then the case lists
    data_tables: tuple[Table, ...]  # the series behind the charts (spreadsheet only)
    charts: tuple[Chart, ...]
    full_names: bool
    named: tuple[UUID, ...] = field(default=())  # the people the lists name, for the audit
    charts_title: str = ""  # the heading above the charts
    page_label: str = "{page}/{pages}"  # the page footer, with {page} and {pages}

    def table(self, key: str) -> Table:
        return next(t for t in (*self.tables, *self.data_tables) if t.key == key)
