"""Peak memory of a process, measured apart from the bench's own.

- ``gui_peak(data_dir, …)``: the desktop app in a child process (``python -m bench.memory DATA_DIR``)
  unlocks as the worker, opens the main window offscreen the way the app does after login
  (``ui.app.Desktop.open_window``: the op runner, the day's automatic backup, the window), waits until
  Today is filled, shows People filled, opens a person's file, and reports its own peak resident set
  size before it exits.
- For other benchmarks (the sync server under load): ``peak_mb(pid)`` reads a running process's peak
  resident memory; read it before stopping the process.

Why not ``ru_maxrss`` from ``os.wait4``/``RUSAGE_CHILDREN``: on Linux a child's ``ru_maxrss`` keeps the
high-water mark of the memory it was forked with, i.e. the bench process's own (measured here: a child
forked from a 500 MB parent reports 523 MB there, 11 MB in its own ``VmHWM``). The kernel's ``VmHWM``
of the process after it started its program is the figure wanted; elsewhere the child's own
``getrusage(RUSAGE_SELF)`` stands in.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from bench.report import Row

KIB_PER_MB = 1024


def _rss_mb(ru_maxrss: int) -> float:
    # Linux reports KiB, macOS bytes.
    return ru_maxrss / (1024 * 1024) if sys.platform == "darwin" else ru_maxrss / KIB_PER_MB


def peak_mb(pid: int | None = None) -> float | None:
    """The peak resident memory so far of a running process (this one by default), in MB; None where
    the system does not say (not Linux)."""
    try:
        status = Path(f"/proc/{pid or 'self'}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / KIB_PER_MB
    return None


def _own_peak_mb() -> float:
    found = peak_mb()
    if found is not None:
        return found
    import resource  # not on Windows; the benchmarks run on Linux and macOS

    return _rss_mb(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def gui_peak(data_dir: Path, persons: int, facts: int) -> list[Row]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-m", "bench.memory", str(data_dir)],
        capture_output=True,
        text=True,
        env=env,
        cwd=Path(__file__).resolve().parents[1],
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"the GUI memory child failed ({done.returncode}): {done.stderr[-2000:]}")
    shown = json.loads(done.stdout.strip().splitlines()[-1])
    return [
        Row(
            f"peak memory, app with the GUI open ({persons:,} persons, {facts:,} facts; "
            f"Today {shown['today']:,} rows, People {shown['people']:,}, a file)",
            shown["peak_mb"],
            "MB",
            "<= 400 MB",
            metric="peak memory",
            persons=persons,
            facts=facts,
        )
    ]


def _child(data_dir: Path) -> None:
    """In the child: the app's own start after login, then People and a file; prints what was shown."""
    from app.store.unlock import open_store
    from bench.office import TODAY, WORKER
    from ui.app import Desktop, make_application

    app = make_application()

    def wait(condition, timeout: float = 600.0) -> None:  # type: ignore[no-untyped-def]
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise TimeoutError
            app.processEvents()
            time.sleep(0.001)

    desktop = Desktop(data_dir)
    desktop.open_window(open_store(data_dir, *WORKER, today=lambda: TODAY))
    window = desktop.window
    assert window is not None
    today, people, file_page = window.pages["today"], window.pages["people"], window.pages["person"]
    wait(lambda: desktop.runner.idle and today.model.rowCount() > 0)  # type: ignore[attr-defined]
    window.show_page("people")
    wait(lambda: desktop.runner.idle and people.model.rowCount() > 0)  # type: ignore[attr-defined]
    first = people.model.person_id(0)  # type: ignore[attr-defined]
    window.open_person(first)

    def opened() -> bool:
        file = getattr(file_page, "file", None)
        return desktop.runner.idle and file is not None and file.id == first

    wait(opened)
    window.close()
    desktop.stop()
    shown = {"today": today.model.rowCount(), "people": people.model.rowCount()}  # type: ignore[attr-defined]
    print(json.dumps({**shown, "peak_mb": _own_peak_mb()}))


if __name__ == "__main__":
    _child(Path(sys.argv[1]))
