"""The child process of the full-disk test: writes that cannot fit, under a file-size limit.

``python _full_disk_child.py ROOT LEDGER`` opens the store, then for each scenario sets RLIMIT_FSIZE a
little above the largest database file (so the WAL cannot grow much: as good as a full disk, for
SQLite) and attempts a write too large for it. SIGXFSZ is ignored, so the write fails with EFBIG
instead of killing the process. It then lifts the limit ("the user freed some space") and saves a
small record, to show the same session still works. One JSON line a scenario on stdout.
"""

from __future__ import annotations

import json
import resource
import signal
import sys
import traceback
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from _store_checks import LOGIN, PASSWORD, id_number, person_input

from app.errors import UserError
from app.services import facts, imports, persons
from app.services.inputs import VisitInput
from app.store.store import Store
from app.store.unlock import open_store
from models.enums import VisitKind

MARGIN = 64 * 1024
BIG_NOTES = 3_000_000  # characters: more than SQLite's page cache, so pages spill mid-transaction

SCENARIOS: dict[str, tuple[date, int]] = {
    # name: (birth date of the people it tries to register, how many)
    "many persons in one transaction": (date(1981, 1, 1), 600),
    "one person with a very long note": (date(1982, 1, 1), 1),
    "a ledger import, one savepoint a row": (date(1983, 1, 1), 30),
}


def write_ledger(path: Path) -> None:
    """The persons ledger the import scenario reads: rows with long notes (a few MB in all)."""
    born, count = SCENARIOS["a ledger import, one savepoint a row"]
    notes = "备注" * (BIG_NOTES // count // 2 // 2)  # ~50 000 characters a cell, under csv's field limit
    rows = [f"测试人员{seq:03d},{id_number(born, seq)},{notes}\n" for seq in range(1, count + 1)]
    path.write_text("姓名,身份证号码,备注\n" + "".join(rows), encoding="utf-8")


def attempt(store: Store, name: str, ledger: Path) -> None:
    born, count = SCENARIOS[name]
    if name == "many persons in one transaction":
        with store.write() as tx:
            for seq in range(1, count + 1):
                persons.add(tx, person_input(born, seq))
    elif name == "one person with a very long note":
        persons.register(store, person_input(born, 1, notes="备注" * (BIG_NOTES // 2)))
    else:
        imports.import_ledger(store, "persons", ledger)


def files_of(store: Store) -> dict[str, int]:
    folder = store.data_dir.database.parent
    return {p.name: p.stat().st_size for p in folder.glob(store.data_dir.database.name + "*")}


def limit_file_size(limit: int) -> None:
    _soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, hard))


def lift_limit() -> None:
    _soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (hard, hard))


def run_scenario(store: Store, name: str, ledger: Path, person_id: Any) -> dict[str, Any]:
    sizes = files_of(store)
    limit = max(sizes.values()) + MARGIN
    result: dict[str, Any] = {"scenario": name, "files_before": sizes, "limit": limit}
    limit_file_size(limit)
    try:
        attempt(store, name, ledger)
        result["outcome"] = "saved"
    except UserError as exc:
        result.update(
            outcome="user_error",
            error_type=type(exc).__name__,
            zh_CN=exc.render("zh_CN"),
            en=exc.render("en"),
            cause=_chain(exc),
        )
    except Exception as exc:  # what the user would get as a crash report
        result.update(outcome="unexpected", error_type=type(exc).__name__, cause=_chain(exc))
        result["traceback"] = traceback.format_exc()
    finally:
        lift_limit()
    result["files_after"] = files_of(store)
    result["attempted_ids"] = [id_number(SCENARIOS[name][0], seq) for seq in range(1, SCENARIOS[name][1] + 1)]
    result["recovery_write"] = _save_small(store, person_id)
    return result


def _save_small(store: Store, person_id: Any) -> dict[str, str]:
    try:
        visit = VisitInput(person_id, date(2024, 6, 1), VisitKind.PHONE, summary="清理磁盘后补录")
        return {"visit": str(facts.record(store, visit).created[0])}
    except Exception as exc:
        return {"error": f"{type(exc).__name__}: {exc}"}


def _chain(exc: BaseException) -> list[str]:
    """The exceptions behind a failure, innermost last (type and first line only)."""
    chain: list[str] = []
    current: BaseException | None = exc.__cause__ or exc.__context__
    while current is not None and len(chain) < 6:
        chain.append(f"{type(current).__name__}: {str(current).splitlines()[0][:160]}")
        current = current.__cause__ or current.__context__
    return chain


def main(root: Path, ledger: Path, emit: Callable[[str], None]) -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    store = open_store(root, LOGIN, PASSWORD)
    try:
        person_id = persons.summaries(store)[0].id
        for name in SCENARIOS:
            emit(json.dumps(run_scenario(store, name, ledger, person_id), ensure_ascii=False))
    finally:
        store.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]), lambda line: print(line, flush=True))
