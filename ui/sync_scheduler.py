"""Syncing in the background while the app is open, and saying honestly how it stands.

A sync runs at start, every few minutes, and shortly after local changes (a burst of saves is sent
together); after a failure it waits longer each time (exponential backoff with jitter). Each step of
``sync.client.flow`` goes through the op runner: store work on the database thread, HTTP on the
network pool, so neither the GUI nor a save ever waits for the network. Errors are sorted (STYLE 9):
authentication stops the automatic retries until someone acts (IT enrols again, or "Sync now");
network failures are shown quietly and retried; anything else is shown as a warning and retried.
When the user pressed "Sync now", an authentication or other failure is also told in a message box.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

from app.services.sync_status import SyncStatus, has_unsent, read_status, retry_rejected
from app.store.store import Changes
from sync.client.backoff import AFTER_CHANGE_S, SYNC_EVERY_S, Backoff
from sync.client.errors import SyncError
from sync.client.flow import UNEXPECTED, OnDb, SyncFlow, SyncSummary, sync_flow
from sync.client.transport import DEFAULT_TIMEOUT, Transport
from ui.errors import show_error
from ui.ops import OpRunner


class SyncScheduler(QObject):
    status_changed = Signal(object)  # SyncStatus, after every attempt and every local change
    running_changed = Signal(bool)
    finished = Signal(object, object)  # SyncSummary | None, SyncError | None

    def __init__(
        self,
        runner: OpRunner,
        *,
        transport_factory: Callable[..., Transport] = Transport,
        timeout: float = DEFAULT_TIMEOUT,
        every_s: float = SYNC_EVERY_S,
        after_change_s: float = AFTER_CHANGE_S,
        backoff: Backoff | None = None,
        presenter: Callable[[QWidget | None, BaseException], None] = show_error,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._runner = runner
        self._present = presenter
        self._asked = False  # this sync was asked for by the user ("Sync now"), not by the timer
        self._transport_factory = transport_factory
        self._timeout = timeout
        self._every_s = every_s
        self._backoff = backoff or Backoff()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._start)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(int(after_change_s * 1000))
        self._debounce.timeout.connect(self._after_change)
        self._flow: SyncFlow | None = None
        self._again = False
        self._paused = False  # an authentication failure: no automatic retries until someone acts
        self._closed = False
        self.status: SyncStatus | None = None
        self.last_error: SyncError | None = None
        self.next_attempt_at: datetime | None = None
        runner.changed.connect(self._on_changed)

    # ---- control --------------------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self._flow is not None

    def start(self) -> None:
        """Begin: a sync now (if enrolled), then on schedule."""
        self.refresh_status()
        QTimer.singleShot(0, self._start)

    def stop(self) -> None:
        self._closed = True
        self._timer.stop()
        self._debounce.stop()

    def sync_now(self) -> None:
        """The user asked: try now, even after an authentication failure, and say what went wrong."""
        self._paused = False
        self._start(asked=True)

    def send_refused_again(self) -> None:
        self._runner.run(retry_rejected, on_done=lambda _n: self.sync_now())

    def refresh_status(self) -> None:
        if not self._closed and self._runner.attached:
            self._runner.run(read_status, on_done=self._set_status)

    # ---- one sync, step by step -------------------------------------------------------------------------
    def _start(self, asked: bool = False) -> None:
        if self._closed:
            return
        if self._flow is not None:
            self._again = True  # asked while running: once more when this one ends
            return
        self._asked = asked
        self._timer.stop()
        self.next_attempt_at = None
        self._flow = sync_flow(self._transport_factory, timeout=self._timeout)
        self.running_changed.emit(True)
        self._advance(None, None)

    def _advance(self, value: Any, error: BaseException | None) -> None:
        flow = self._flow
        if flow is None:
            return
        if self._closed:
            flow.close()
            self._flow = None
            return
        try:
            step = flow.send(value) if error is None else flow.throw(error)
        except StopIteration as stop:
            self._end(stop.value, None)
            return
        except Exception as exc:
            self._end(None, exc)
            return
        if not self._runner.attached:
            self._stop_quietly(flow)  # logged out or closing: the store is gone, nothing to report
            return
        try:
            if isinstance(step, OnDb):
                self._runner.run(step.work, on_done=self._done, on_error=self._failed)
            else:
                self._runner.run_network(step.work, on_done=self._done, on_error=self._failed)
        except RuntimeError:  # the runner was shut down (the app is closing)
            self._stop_quietly(flow)

    def _stop_quietly(self, flow: SyncFlow) -> None:
        self._closed = True
        self._timer.stop()
        self._debounce.stop()
        flow.close()
        self._flow = None

    def _done(self, value: Any) -> None:
        self._advance(value, None)

    def _failed(self, error: BaseException) -> None:
        self._advance(None, error)

    def _end(self, summary: SyncSummary | None, error: BaseException | None) -> None:
        self._flow = None
        self.running_changed.emit(False)
        sync_error = error if isinstance(error, SyncError) or error is None else None
        if error is not None and sync_error is None:
            sync_error = SyncError(UNEXPECTED(), "unexpected")
        self.last_error = sync_error
        if sync_error is None:
            self._backoff.reset()
            self._schedule(self._every_s)
        elif sync_error.kind == "auth":
            self._paused = True
        elif sync_error.kind == "not_enrolled":
            self._schedule(self._every_s)  # IT may enrol it meanwhile (rehabdesk enroll)
        else:
            self._schedule(self._backoff.next_delay())
        if self._asked and sync_error is not None and sync_error.kind in ("auth", "other"):
            # The user asked and it did not work: say so now. (A timer's failure is only shown on the
            # status bar and the Sync page; a network failure is never more than that.)
            self._present(None, sync_error)
        self.finished.emit(summary, sync_error)
        self.refresh_status()
        if self._again:
            self._again = False
            self._start()

    def _schedule(self, delay_s: float) -> None:
        if self._closed or self._paused:
            return
        self._timer.start(max(1, int(delay_s * 1000)))
        self.next_attempt_at = datetime.now(UTC) + timedelta(seconds=delay_s)

    # ---- local changes -----------------------------------------------------------------------------------
    def _on_changed(self, changes: Changes) -> None:
        if not changes.entities or self._closed:
            return
        self.refresh_status()
        self._debounce.start()

    def _after_change(self) -> None:
        if self._closed or self._paused or self.running:
            return

        def maybe(unsent: bool) -> None:
            if unsent:
                self._start()

        if self._runner.attached:
            self._runner.run(has_unsent, on_done=maybe)  # changes pulled by a sync leave nothing to send

    def _set_status(self, status: SyncStatus) -> None:
        self.status = status
        self.status_changed.emit(status)

    # ---- words ------------------------------------------------------------------------------------------
    def summary_text(self) -> str:
        """One honest sentence for the status bar."""
        status = self.status
        if status is None:
            return ""
        n = status.pending
        if not status.enrolled:
            if n == 0:
                return self.tr("All changes are saved on this computer; nothing waits to sync.")
            return self.tr(
                "Not connected to a sync server: %n change(s) saved on this computer wait to sync.", "", n
            )
        if status.revoked:
            return self.tr(
                "Sync access was withdrawn by IT staff: %n change(s) are kept on this computer; ask IT staff to "
                "enrol it again.",
                "",
                n,
            )
        if status.last_error_kind == "auth":
            return self.tr(
                "The sync server does not accept this computer: ask IT staff to enrol it again. %n change(s) "
                "wait on this computer.",
                "",
                n,
            )
        if self.running:
            text = self.tr("Syncing… %n change(s) waiting.", "", n)
        elif status.last_error_kind == "network":
            text = self.tr("Offline since %1: %n change(s) wait to sync; trying again automatically.", "", n)
            text = text.replace("%1", local_time(status.failing_since))
        elif status.last_error_kind is not None:
            text = self.tr("Sync problem (see the Sync page): %n change(s) wait to sync.", "", n)
        elif status.last_success_at is None:
            text = self.tr("%n change(s) waiting to sync; not synced yet.", "", n)
        elif n:
            text = self.tr("%n change(s) waiting to sync; last sync at %1.", "", n)
            text = text.replace("%1", local_time(status.last_success_at))
        else:
            text = self.tr("Everything is synced; last sync at %1.").replace(
                "%1", local_time(status.last_success_at)
            )
        if status.rejected:
            text += " " + self.tr(
                "%n change(s) refused by the server: see the Sync page.", "", len(status.rejected)
            )
        return text


def local_time(value: datetime | None) -> str:
    if value is None:
        return "-"
    return value.replace(tzinfo=UTC).astimezone().strftime("%Y-%m-%d %H:%M")
