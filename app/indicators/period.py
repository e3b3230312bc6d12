"""Reporting periods (a month, a quarter, a year) and scopes (an office, a county, a city, a province).

A period is written as supervisors write it: ``2026-10`` (a month), ``2026-Q4`` (a quarter), ``2026`` (a
year). A scope is an administrative code: a 9-digit office code is one township office; a 6-digit county
code (GB/T 2260) is every office whose code starts with it, and so on for 4-digit cities and 2-digit
provinces.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from app.errors import UserError
from models.enums import LabelledEnum
from models.text import Text

BAD_PERIOD = Text(
    "无法识别统计期间“{text}”。请写成月份 2026-10、季度 2026-Q4 或年份 2026。",
    "“{text}” is not a period. Write a month (2026-10), a quarter (2026-Q4) or a year (2026).",
)
BAD_SCOPE = Text(
    "无法识别统计范围“{text}”。请写 9 位乡镇（街道）代码，或 6 位区县代码（如 640104），或 4 位市、2 位省代码。",
    "“{text}” is not a scope. Give a 9-digit office code, or a 6-digit county code (e.g. 640104), or a "
    "4-digit city or 2-digit province code.",
)
PERIOD_LABEL = {
    "month": Text("{year}年{month}月", "{year}-{month:02d}"),
    "quarter": Text("{year}年第{quarter}季度", "Q{quarter} {year}"),
    "year": Text("{year}年", "year {year}"),
}

_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_QUARTER = re.compile(r"^(\d{4})-?[Qq]([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")
ONE_DAY = timedelta(days=1)


class PeriodKind(LabelledEnum):
    MONTH = ("month", "月", "month")
    QUARTER = ("quarter", "季度", "quarter")
    YEAR = ("year", "年", "year")


def month_end(year: int, month: int) -> date:
    return (date(year + month // 12, month % 12 + 1, 1)) - ONE_DAY


def shift_year(day: date, years: int) -> date:
    """The same day `years` later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True, slots=True)
class Period:
    kind: PeriodKind
    start: date  # first day
    end: date  # last day

    @classmethod
    def parse(cls, text: str) -> Period:
        value = text.strip()
        if m := _MONTH.match(value):
            year, month = int(m[1]), int(m[2])
            if 1 <= month <= 12:
                return cls.month(year, month)
        elif m := _QUARTER.match(value):
            year, quarter = int(m[1]), int(m[2])
            return cls(PeriodKind.QUARTER, date(year, 3 * quarter - 2, 1), month_end(year, 3 * quarter))
        elif m := _YEAR.match(value):
            year = int(m[1])
            return cls(PeriodKind.YEAR, date(year, 1, 1), date(year, 12, 31))
        raise UserError(BAD_PERIOD(text=text))

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        return cls(PeriodKind.MONTH, date(year, month, 1), month_end(year, month))

    @property
    def code(self) -> str:
        """The period as it is written on the command line: 2026-10, 2026-Q4, 2026."""
        if self.kind is PeriodKind.MONTH:
            return f"{self.start.year}-{self.start.month:02d}"
        if self.kind is PeriodKind.QUARTER:
            return f"{self.start.year}-Q{(self.start.month + 2) // 3}"
        return str(self.start.year)

    def label(self, lang: str | None = None) -> str:
        text = PERIOD_LABEL[self.kind.value]
        return text.render(
            lang, year=self.start.year, month=self.start.month, quarter=(self.start.month + 2) // 3
        )

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def last_year(self) -> Period:
        """The same period one year earlier (for growth against the same period last year)."""
        return Period(self.kind, shift_year(self.start, -1), month_end(self.end.year - 1, self.end.month))

    def months(self) -> Iterator[Period]:
        year, month = self.start.year, self.start.month
        while date(year, month, 1) <= self.end:
            yield Period.month(year, month)
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def trailing_months(last: date, count: int = 12) -> list[Period]:
    """The `count` months ending with the month of `last`, oldest first."""
    index = last.year * 12 + last.month - 1
    return [Period.month(i // 12, i % 12 + 1) for i in range(index - count + 1, index + 1)]


@dataclass(frozen=True, slots=True)
class Scope:
    """Offices whose code starts with `code`: one office (9 digits), a county (6), a city (4), a province (2)."""

    code: str

    @classmethod
    def parse(cls, text: str) -> Scope:
        value = text.strip()
        if not value.isdigit() or len(value) not in (2, 4, 6, 9):
            raise UserError(BAD_SCOPE(text=text))
        return cls(value)

    def contains(self, office_code: str | None) -> bool:
        return office_code is not None and office_code.startswith(self.code)
