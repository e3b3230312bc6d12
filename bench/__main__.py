"""``python -m bench [--quick] [--json]``: every benchmark, one table."""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bench import caseload_bench, gui_bench, store_bench
from bench.report import print_table


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--quick", action="store_true", help="smaller sizes, a few minutes on 2 cores")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    sizes = [120, 1_000] if args.quick else [1_000, 10_000]
    rows = store_bench.run(quick=args.quick)
    with tempfile.TemporaryDirectory(prefix="rehabdesk-bench-") as tmp:
        rows += caseload_bench.run(Path(tmp), sizes)
        rows += gui_bench.run(Path(tmp), sizes)
    if args.json:
        print(json.dumps([r.as_dict() for r in rows], ensure_ascii=False, indent=2))
    else:
        print_table(rows)
    return 0


raise SystemExit(main())
