"""Which offices a device sees: its token's scope, never a request parameter.

A township device's scope is its 9-digit office code; a county supervisor's is the county's 6 digits,
which covers every township whose code starts with them.
"""

from __future__ import annotations

import re
from typing import Any

OFFICE_PATTERN = re.compile(r"^\d{9}$")
COUNTY_PATTERN = re.compile(r"^\d{6}$")


def is_office_code(value: object) -> bool:
    return isinstance(value, str) and OFFICE_PATTERN.match(value) is not None


def county_of(office_code: str) -> str:
    return office_code[:6]


def covers(scope: str, office_code: str) -> bool:
    if len(scope) == 6:
        return office_code.startswith(scope)
    return office_code == scope


def clause(scope: str, office_column: Any, county_column: Any) -> Any:
    """The WHERE clause for rows in ``scope`` (an index range on the county or the office code)."""
    if len(scope) == 6:
        return county_column == scope
    return office_column == scope
