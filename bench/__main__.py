"""``python -m bench [--quick] [--json]``: every benchmark, one table."""

from __future__ import annotations

import argparse
import json
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bench import store_bench
from bench.report import print_table


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--quick", action="store_true", help="smaller sizes, a few minutes on 2 cores")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    rows = store_bench.run(quick=args.quick)
    if args.json:
        print(json.dumps([r.as_dict() for r in rows], ensure_ascii=False, indent=2))
    else:
        print_table(rows)
    return 0


raise SystemExit(main())
