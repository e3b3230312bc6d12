"""One row per figure: what was measured, the value, its target, and the reference beside it."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass
class Row:
    name: str
    value: float
    unit: str
    target: str = ""
    reference: float | None = None  # the alternative measured in the same run
    reference_name: str = ""

    @property
    def ratio(self) -> float | None:
        return self.value / self.reference if self.reference else None

    def as_dict(self) -> dict[str, object]:
        return {**asdict(self), "ratio": self.ratio}


def print_table(rows: list[Row]) -> None:
    print(f"{'figure':<52} {'value':>12} {'target':>12} {'reference':>22} {'ratio':>7}")
    for r in rows:
        ref = f"{r.reference:.3g} {r.unit} ({r.reference_name})" if r.reference is not None else ""
        ratio = f"{r.ratio:.2f}x" if r.ratio is not None else ""
        print(f"{r.name:<52} {r.value:>9.3g} {r.unit:<2} {r.target:>12} {ref:>22} {ratio:>7}")
