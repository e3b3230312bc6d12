"""The op runner: every database call runs on one worker thread, never on the GUI thread.

Like Anki's taskman, an op is a function of the store handed to the runner with a success callback.
Database work is serial on one thread (SQLite has one writer, and a session belongs to one thread);
network work gets a pool of its own so a slow link never queues behind a save. Results and errors
come back to the GUI thread through a queued signal; a slow op shows progress after 600 ms.
When a write commits, ``changed`` tells every view what changed and each decides what to refresh.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QLabel, QProgressDialog, QWidget

from app.store.store import Changes, Store

PROGRESS_AFTER_MS = 600
PROGRESS_WIDTH = 420  # px: short labels keep a steady dialog, long ones wrap within it


class Cancelled(Exception):
    """Raised inside an op that noticed its cancel flag; the user asked for it, so nothing is shown."""


@dataclass
class CancelToken:
    _event: threading.Event = field(default_factory=threading.Event)

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def check(self) -> None:
        if self._event.is_set():
            raise Cancelled()


@dataclass
class _Pending:
    on_done: Callable[[Any], None] | None
    on_error: Callable[[BaseException], None] | None
    progress: QProgressDialog | None = None
    timer: QTimer | None = None


class OpRunner(QObject):
    changed = Signal(object)  # Changes, after any write committed
    _finished = Signal(int, object, object)  # op id, result, error — emitted from worker threads
    busy_changed = Signal(bool)

    def __init__(self, error_presenter: Callable[[QWidget | None, BaseException], None]) -> None:
        super().__init__()
        self._db = ThreadPoolExecutor(max_workers=1, thread_name_prefix="rehabdesk-db")
        self._net = ThreadPoolExecutor(max_workers=2, thread_name_prefix="rehabdesk-net")
        self._store: Store | None = None
        self._ids = itertools.count(1)
        self._pending: dict[int, _Pending] = {}
        self._present_error = error_presenter
        self._finished.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    # ---- the store ------------------------------------------------------------------------------------
    def attach(self, store: Store) -> None:
        """Use ``store`` for all following ops; its commits are announced on ``changed``."""
        self._store = store
        store.listeners.append(self.changed.emit)  # called on the worker thread; Qt queues it to views

    def detach(self) -> Future[None]:
        store, self._store = self._store, None

        def close() -> None:
            if store is not None:
                store.close()

        return self._db.submit(close)

    @property
    def idle(self) -> bool:
        """No op is running or waiting to deliver its result."""
        return not self._pending

    @property
    def attached(self) -> bool:
        return self._store is not None

    # ---- running ops ----------------------------------------------------------------------------------
    def run(
        self,
        work: Callable[[Store], Any],
        *,
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        parent: QWidget | None = None,
        label: str | None = None,
        cancel: CancelToken | None = None,
    ) -> int:
        """Run ``work(store)`` on the database thread; ``on_done(result)`` runs on the GUI thread."""

        def job() -> Any:
            if self._store is None:
                raise RuntimeError("no store is open")
            return work(self._store)

        return self._submit(self._db, job, on_done, on_error, parent, label, cancel)

    def run_unattached(
        self,
        work: Callable[[], Any],
        *,
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        parent: QWidget | None = None,
        label: str | None = None,
    ) -> int:
        """Database-thread work before a store is open (unlocking, first-run setup)."""
        return self._submit(self._db, work, on_done, on_error, parent, label, None)

    def run_network(
        self,
        work: Callable[[], Any],
        *,
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> int:
        return self._submit(self._net, work, on_done, on_error, None, None, None)

    def _submit(
        self,
        pool: ThreadPoolExecutor,
        job: Callable[[], Any],
        on_done: Callable[[Any], None] | None,
        on_error: Callable[[BaseException], None] | None,
        parent: QWidget | None,
        label: str | None,
        cancel: CancelToken | None,
    ) -> int:
        op_id = next(self._ids)
        pending = _Pending(on_done, on_error)
        if label is not None:
            pending.timer = QTimer(self)
            pending.timer.setSingleShot(True)
            pending.timer.timeout.connect(lambda: self._show_progress(op_id, parent, label, cancel))
            pending.timer.start(PROGRESS_AFTER_MS)
        self._pending[op_id] = pending
        if len(self._pending) == 1:
            self.busy_changed.emit(True)

        def done(future: Future[Any]) -> None:
            error = future.exception()
            self._finished.emit(op_id, None if error else future.result(), error)

        pool.submit(job).add_done_callback(done)
        return op_id

    def _show_progress(
        self, op_id: int, parent: QWidget | None, label: str, cancel: CancelToken | None
    ) -> None:
        pending = self._pending.get(op_id)
        if pending is None:
            return
        dialog = QProgressDialog(label, self.tr("Cancel") if cancel else "", 0, 0, parent)
        text = QLabel(label)  # a long label (an upgrade's) wraps instead of stretching the dialog
        text.setWordWrap(True)
        text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        dialog.setLabel(text)
        dialog.setMinimumWidth(PROGRESS_WIDTH)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(0)
        if cancel is None:
            dialog.setCancelButton(None)
        else:
            dialog.canceled.connect(cancel.cancel)
        dialog.show()
        pending.progress = dialog

    @Slot(int, object, object)
    def _deliver(self, op_id: int, result: Any, error: BaseException | None) -> None:
        pending = self._pending.pop(op_id, None)
        if not self._pending:
            self.busy_changed.emit(False)
        if pending is None:
            return
        if pending.timer is not None:
            pending.timer.stop()
        if pending.progress is not None:
            pending.progress.reset()
            pending.progress.deleteLater()
        if not _receiver_alive(pending.on_done) or not _receiver_alive(pending.on_error):
            return  # the widget that asked was closed meanwhile: nobody is left to tell
        if error is None:
            if pending.on_done is not None:
                pending.on_done(result)
        elif isinstance(error, Cancelled):
            pass  # the user cancelled: say nothing
        elif pending.on_error is not None:
            pending.on_error(error)
        else:
            self._present_error(None, error)

    def shutdown(self) -> None:
        self.detach().result(timeout=30)
        self._db.shutdown(wait=True)
        self._net.shutdown(wait=False, cancel_futures=True)


def _receiver_alive(callback: Callable[..., None] | None) -> bool:
    """False when ``callback`` is a method of a Qt object whose C++ side was already deleted."""
    owner = getattr(callback, "__self__", None)
    return not isinstance(owner, QObject) or shiboken6.isValid(owner)


__all__ = ["CancelToken", "Cancelled", "Changes", "OpRunner"]
