"""``python -m bench [--quick] [--json]``: every benchmark, one table.

The full run measures offices of 1,000 and 10,000 persons and writes docs/benchmarks.md; ``--quick``
measures 120 and 1,000 persons, writes nothing, and finishes within 3 minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bench import caseload_bench, docs, gui_bench, memory, office, store_bench, supervisor_bench, sync_bench
from bench.growth import growth_rows
from bench.office import demo_office, office_rows
from bench.report import print_table


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--quick", action="store_true", help="smaller sizes, within 3 minutes on 2 cores")
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--offices", type=Path, help="keep the demo offices here and reuse them in later runs (made once)"
    )
    args = parser.parse_args()
    if args.offices:
        office.KEPT = args.offices.resolve()
        office.KEPT.mkdir(parents=True, exist_ok=True)
    started, clock, load = datetime.now().astimezone(), time.perf_counter(), docs.load_average()
    sizes = [120, 1_000] if args.quick else [1_000, 10_000]
    rows = store_bench.run(quick=args.quick)
    with tempfile.TemporaryDirectory(prefix="rehabdesk-bench-") as tmp:
        root = Path(tmp)
        rows += office_rows(root, sizes)
        rows += caseload_bench.run(root, sizes)
        rows += gui_bench.run(root, sizes)
        rows += supervisor_bench.run(root, sizes)
        for size in sizes:  # last: the child's daily backup then slows nothing else
            data_dir, _, facts = demo_office(root, size)
            rows += memory.gui_peak(data_dir, size, facts)
    rows += sync_bench.run(quick=args.quick)
    rows += growth_rows(rows)
    seconds = time.perf_counter() - clock
    if args.json:
        print(json.dumps([r.as_dict() for r in rows], ensure_ascii=False, indent=2))
    else:
        print_table(rows)
    print(f"benchmarks took {seconds:.0f} s", file=sys.stderr)
    if not args.quick:
        print(
            f"wrote {docs.write(rows, seconds=seconds, started=started, load_at_start=load)}", file=sys.stderr
        )
    return 0


raise SystemExit(main())
