"""One row per figure: what was measured, the value, its target, and the references beside it.

A row may carry more than one reference (the encrypted store is measured beside plain SQLite and beside
SQLCipher); ``reference`` is the one its target is about, ``also`` holds the others. A row measured on a
demo office of some size names its ``metric`` and ``persons``/``facts``, so growth between sizes can be
worked out from the rows themselves (bench/growth.py).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Reference:
    name: str
    value: float


@dataclass
class Row:
    name: str
    value: float
    unit: str
    target: str = ""
    reference: float | None = None  # the alternative measured in the same run
    reference_name: str = ""
    also: tuple[Reference, ...] = ()  # further alternatives, shown in their own columns
    metric: str = ""  # the same figure at another size has the same metric (growth)
    persons: int = 0
    facts: int = 0

    @property
    def ratio(self) -> float | None:
        return self.value / self.reference if self.reference else None

    def references(self) -> list[tuple[str, float, float | None]]:
        """(name, value, ratio of this row's value to it) for every reference, the target's first."""
        found = [Reference(self.reference_name, self.reference)] if self.reference is not None else []
        return [(r.name, r.value, self.value / r.value if r.value else None) for r in [*found, *self.also]]

    def as_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["also"] = [
            {"name": r.name, "value": r.value, "ratio": self.value / r.value if r.value else None}
            for r in self.also
        ]
        return {**data, "ratio": self.ratio}


@dataclass
class Table:
    """The rows as text cells, for the terminal and for docs/benchmarks.md alike."""

    header: list[str]
    cells: list[list[str]] = field(default_factory=list)


def _num(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.3g}"


def table(rows: list[Row]) -> Table:
    width = max((len(r.references()) for r in rows), default=0)
    header = ["figure", "value", "target"]
    for n in range(width):
        header += ["reference" if n == 0 else f"reference {n + 1}", "ratio"]
    out = Table(header)
    for r in rows:
        line = [r.name, f"{_num(r.value)} {r.unit}", r.target]
        for name, value, ratio in r.references():
            line += [f"{_num(value)} {r.unit} ({name})", f"{ratio:.2f}x" if ratio is not None else ""]
        out.cells.append(line + [""] * (len(header) - len(line)))
    return out


def print_table(rows: list[Row]) -> None:
    t = table(rows)
    widths = [max(len(c) for c in col) for col in zip(t.header, *t.cells, strict=True)]
    for n, line in enumerate([t.header, *t.cells]):
        first = line[0].ljust(widths[0])
        rest = [c.rjust(w) for c, w in zip(line[1:], widths[1:], strict=True)]
        print("  ".join([first, *rest]).rstrip())
        if n == 0:
            print("  ".join("-" * w for w in widths))


def markdown_table(rows: list[Row]) -> str:
    t = table(rows)
    lines = [
        "| " + " | ".join(t.header) + " |",
        "|" + "|".join(["---"] + ["---:"] * (len(t.header) - 1)) + "|",
    ]
    lines += ["| " + " | ".join(c.replace("|", "\\|") for c in line) + " |" for line in t.cells]
    return "\n".join(lines) + "\n"
