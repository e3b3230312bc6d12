"""How each figure grows from one office size to the next, against how the data grew.

A figure that reads every fact should grow at most as the facts do; one that reads every person (unlock,
search) at most as the persons do. The demo offices are denser above 1,000 persons (about 100 facts a
person against about 43: app/demo/office.py), so from 1,000 to 10,000 persons the facts grow about 23x
while the persons grow 10x, and each figure is held to the measure of size it depends on.

Each growth row's value is the ratio of the times; its reference is the ratio of the sizes; its ratio
column is the one to read: at most 1.0x is no worse than linear.
"""

from __future__ import annotations

import itertools

from bench.report import Row

# metric → what it reads, so what its time should grow with
GROWS_WITH = {
    "unlock": "persons",
    "search keystroke": "persons",
    "start to Today": "facts",
    "all tasks": "facts",
    "indicators, one month": "facts",
    "XLSX report": "facts",
    "PDF report": "facts",
}


def growth_rows(rows: list[Row]) -> list[Row]:
    out: list[Row] = []
    for metric, driver in GROWS_WITH.items():
        sized = sorted((r for r in rows if r.metric == metric and r.persons), key=lambda r: r.persons)
        for small, large in itertools.pairwise(sized):
            size_ratio = (
                large.persons / small.persons if driver == "persons" else large.facts / max(small.facts, 1)
            )
            out.append(
                Row(
                    f"growth {small.persons:,} → {large.persons:,} persons: {metric}",
                    large.value / small.value,
                    "x",
                    "<= 1.0x",
                    size_ratio,
                    driver,
                )
            )
    return out
