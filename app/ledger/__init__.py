"""The offices' ledgers (台账): reading their CSV and Excel files, and the names of their columns."""

from app.ledger.columns import LEDGER_KINDS, LedgerKind, canonical_headers
from app.ledger.read import (
    PLACEHOLDER_PERSON_ID,
    LedgerError,
    LedgerRead,
    LedgerRecord,
    LedgerRow,
    MeasureFields,
    RowProblem,
    read_ledger,
)

__all__ = [
    "LEDGER_KINDS",
    "PLACEHOLDER_PERSON_ID",
    "LedgerError",
    "LedgerKind",
    "LedgerRead",
    "LedgerRecord",
    "LedgerRow",
    "MeasureFields",
    "RowProblem",
    "canonical_headers",
    "read_ledger",
]
