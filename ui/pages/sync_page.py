"""Sync: how this computer stands with the server, said honestly, and what the worker can do about it.

Not enrolled / offline since … / N changes waiting / last sync at … / each change the server refused,
with its reason and what to do; "Sync now" and "Send refused changes again".
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from app.services.sync_status import SyncStatus, read_status, waiting_by_entity
from app.store.store import Changes
from models.enums import FactKind
from ui.pages.base import Page
from ui.sync_scheduler import SyncScheduler, local_time


class SyncPage(Page):
    key = "sync"

    def __init__(self, ctx, nav) -> None:  # type: ignore[no-untyped-def]
        super().__init__(ctx, nav)
        self.scheduler: SyncScheduler | None = None
        layout = QVBoxLayout(self)
        self.heading = QLabel(f"<h2>{self.title()}</h2>")
        self.state = QLabel()
        self.state.setWordWrap(True)
        self.state.setAccessibleName(self.tr("Sync state"))
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.details.setAccessibleName(self.tr("Sync details"))
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setAccessibleName(self.tr("Last sync problem"))
        self.sync_button = QPushButton(self.tr("Sync now"))
        self.sync_button.setAccessibleName(self.tr("Sync now"))
        self.sync_button.clicked.connect(self._sync_now)
        self.retry_button = QPushButton(self.tr("Send refused changes again"))
        self.retry_button.setAccessibleName(self.tr("Send refused changes again"))
        self.retry_button.clicked.connect(self._retry)
        buttons = QHBoxLayout()
        buttons.addWidget(self.sync_button)
        buttons.addWidget(self.retry_button)
        buttons.addStretch(1)

        self.refused_label = QLabel()
        self.refused = QTableWidget(0, 5)
        self.refused.setHorizontalHeaderLabels(
            [
                self.tr("Record"),
                self.tr("Kind of record"),
                self.tr("Saved at"),
                self.tr("Reason"),
                self.tr("What to do"),
            ]
        )
        header = self.refused.horizontalHeader()
        for column in range(3):  # record number, kind and time in full; reason and advice share the rest
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.refused.setWordWrap(True)
        self.refused.setAccessibleName(self.tr("Changes refused by the server"))
        self.table = QTableWidget(0, 2)
        self.table.setHorizontalHeaderLabels([self.tr("Kind of record"), self.tr("Changes waiting")])
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setAccessibleName(self.tr("Changes waiting by kind"))
        layout.addWidget(self.heading)
        layout.addWidget(self.state)
        layout.addWidget(self.details)
        layout.addWidget(self.problem)
        layout.addLayout(buttons)
        layout.addWidget(self.refused_label)
        layout.addWidget(self.refused, 1)
        layout.addWidget(self.table, 1)
        self._status: SyncStatus | None = None
        self._show_status(None)

    def title(self) -> str:
        return self.tr("Sync")

    def attach_scheduler(self, scheduler: SyncScheduler) -> None:
        self.scheduler = scheduler
        scheduler.status_changed.connect(self._show_status)
        scheduler.running_changed.connect(lambda _running: self._show_status(self._status))

    def affected_by(self, changes: Changes) -> bool:
        return bool(changes.entities)

    def refresh(self) -> None:
        self.ctx.runner.run(waiting_by_entity, on_done=self._show_counts)
        self.ctx.runner.run(read_status, on_done=self._show_status)

    # ---- actions ----------------------------------------------------------------------------------------
    def _sync_now(self) -> None:
        if self.scheduler is not None:
            self.scheduler.sync_now()
            self._show_status(self._status)

    def _retry(self) -> None:
        if self.scheduler is not None:
            self.scheduler.send_refused_again()

    # ---- showing ----------------------------------------------------------------------------------------
    def _show_status(self, status: SyncStatus | None) -> None:
        self._status = status
        scheduler = self.scheduler
        running = scheduler is not None and scheduler.running
        enrolled = status is not None and status.enrolled
        self.sync_button.setEnabled(enrolled and not running)
        self.sync_button.setText(self.tr("Syncing…") if running else self.tr("Sync now"))
        self.retry_button.setVisible(bool(status and status.rejected))
        if status is None:
            self.state.setText("")
            self.details.setText("")
            self.problem.setText("")
            self._show_refused(None)
            return
        if not enrolled:
            self.state.setText(
                self.tr(
                    "This computer is not enrolled with a sync server yet. Every change is saved safely here; "
                    "%n change(s) will be sent once IT staff enrol it.",
                    "",
                    status.pending,
                )
            )
            self.details.setText("")
            self.problem.setText("")
            self._show_refused(status)
            return
        self.state.setText(scheduler.summary_text() if scheduler is not None else "")
        lines = [
            self.tr("Server: %1 (this computer: %2, scope %3)")
            .replace("%1", status.server_url or "")
            .replace("%2", (status.device_id or "")[:8])
            .replace("%3", status.scope or ""),
            self.tr("Last successful sync: %1").replace("%1", local_time(status.last_success_at))
            if status.last_success_at
            else self.tr("Not synced successfully yet."),
            self.tr("%n change(s) wait to be sent.", "", status.pending),
        ]
        if scheduler is not None and scheduler.next_attempt_at is not None and not running:
            lines.append(
                self.tr("Next attempt at %1.").replace(
                    "%1", scheduler.next_attempt_at.astimezone().strftime("%H:%M")
                )
            )
        if status.ahead and status.ahead_until is not None:
            lines.append(
                self.tr(
                    "%n of them were saved while this computer's clock ran fast and are stamped later than now; "
                    "the server takes them once its clock reaches their time (the last at about %1). Nothing is "
                    "lost and nothing needs to be entered again.",
                    "",
                    status.ahead,
                ).replace("%1", local_time(status.ahead_until))
            )
        if status.open_conflicts:
            lines.append(
                self.tr(
                    "%n conflict(s) between offices wait for a supervisor's decision.",
                    "",
                    status.open_conflicts,
                )
            )
        if status.parked:
            lines.append(
                self.tr(
                    "%n received change(s) wait for the record they belong to; they are applied when it arrives.",
                    "",
                    status.parked,
                )
            )
        self.details.setText("\n".join(lines))
        self.problem.setText(self._problem_text(status))
        self._show_refused(status)

    def _problem_text(self, status: SyncStatus) -> str:
        if status.revoked:
            return self.tr(
                "IT staff withdrew this computer's sync access. Nothing is lost: the records and the changes "
                "waiting to sync stay on this computer. To sync again, ask IT staff to enrol it again."
            )
        if status.last_error is None:
            return ""
        message = status.last_error.render()
        if status.last_error_kind == "auth":
            return message  # it says what to do: ask IT staff to enrol this computer again
        if status.last_error_kind == "network":
            return (
                self.tr("Offline since %1. %2")
                .replace("%1", local_time(status.failing_since))
                .replace("%2", message)
            )
        return self.tr("Warning: %1").replace("%1", message)

    def _show_refused(self, status: SyncStatus | None) -> None:
        rows = status.rejected if status else ()
        self.refused_label.setText(
            self.tr(
                "%n change(s) were refused by the server. They stay on this computer and no longer hold up the "
                "others:",
                "",
                len(rows),
            )
            if rows
            else ""
        )
        self.refused.setVisible(bool(rows))
        names = self._entity_names()
        self.refused.setRowCount(len(rows))
        for row, change in enumerate(rows):
            record = change.record_no or str(change.entity_id)[:8]
            for column, text in enumerate(
                (
                    record,
                    names.get(change.entity, change.entity),
                    local_time(change.created_at),
                    change.reason.render(),
                    change.advice.render(),
                )
            ):
                self.refused.setItem(row, column, QTableWidgetItem(text))
        self.refused.resizeRowsToContents()

    def _show_counts(self, counts: dict[str, int]) -> None:
        names = self._entity_names()
        self.table.setRowCount(len(counts))
        for row, (entity, count) in enumerate(sorted(counts.items())):
            self.table.setItem(row, 0, QTableWidgetItem(names.get(entity, entity)))
            self.table.setItem(row, 1, QTableWidgetItem(str(count)))

    def _entity_names(self) -> dict[str, str]:
        return {
            "person": self.tr("People"),
            "work_group_member": self.tr("Work group members"),
            "measure": self.tr("Measures"),
            "status_event": self.tr("Status changes"),
            "review": self.tr("Reviews"),
            **{kind.value: kind.label.render() for kind in FactKind},  # the facts' own bilingual labels
        }
