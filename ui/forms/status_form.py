"""Changing a person's status, a transfer out included: only the changes the lifecycle allows are offered.

The lifecycle (app.rules.lifecycle) is pure, so the form asks it directly which changes would pass
for this person's history and measure; the service asks it again when saving.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from uuid import UUID

from PySide6.QtWidgets import QDialogButtonBox, QLabel, QLineEdit, QWidget

from app.errors import Refused
from app.rules import lifecycle
from app.rules.facts import StatusEvent
from app.services import measures
from app.services.inputs import StatusChangeInput
from app.services.persons import StatusEventView
from app.store.store import Changes, Store
from models.enums import MeasureKind, PersonStatus
from ui.context import UiContext
from ui.forms.base import FormDialog
from ui.forms.fields import DateEdit, EnumCombo, LiveChecks, chain_tabs


def rule_events(history: Sequence[StatusEventView]) -> list[StatusEvent]:
    return [
        StatusEvent(
            id=e.id, on=e.on, from_status=e.from_status or PersonStatus.NOT_REPORTED, to_status=e.to_status
        )
        for e in history
    ]


def status_options(
    current: PersonStatus,
    history: Sequence[StatusEventView],
    measure_kind: MeasureKind | None,
    on: date,
) -> list[PersonStatus]:
    """The statuses the person may change to now, in the lifecycle's order."""
    events = rule_events(history)
    day = max([on, *(e.on for e in events)])  # the date is checked apart, beside its field
    options = []
    for status in PersonStatus:
        if status not in lifecycle.allowed_next(current):
            continue
        try:
            lifecycle.transition(
                current,
                status,
                on=day,
                reason="-",
                by=lifecycle.NOBODY,
                history=events,
                measure_kind=measure_kind,
            )
        except lifecycle.TransitionError:
            continue
        options.append(status)
    return options


class StatusForm(FormDialog):
    def __init__(
        self,
        ctx: UiContext,
        person_id: UUID,
        current: PersonStatus,
        *,
        history: Sequence[StatusEventView] = (),
        measure_kind: MeasureKind | None = None,
        to_status: PersonStatus | None = None,
        parent: QWidget | None = None,
    ) -> None:
        transfer = to_status is PersonStatus.TRANSFERRED_OUT
        super().__init__(ctx.runner, "", parent)
        self.setWindowTitle(self.tr("Transfer out") if transfer else self.tr("Change status"))
        self.ctx = ctx
        self.person_id = person_id
        self.current = current
        self._last_change = max((e.on for e in history), default=None)
        self.checks = LiveChecks(self.set_error)
        options = status_options(current, history, measure_kind, ctx.today())

        self.current_label = QLabel(current.label.render())
        self.to_status = EnumCombo(PersonStatus, options)
        if to_status is not None:
            self.to_status.set_value(to_status)
        self.on = DateEdit(ctx.today, "on")
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(
            self.tr("The new office, and why the person moved")
            if transfer
            else self.tr("Why, in a few words")
        )
        self.form.addRow(self.tr("Current status"), self.current_label)
        self.add_field("to_status", self.tr("&New status"), self.to_status)
        self.add_field("on", self.tr("&Date"), self.on)
        self.add_field("reason", self.tr("&Reason"), self.reason)
        self.checks.add("on", self.on.problem, self.on.changed)
        self.checks.add("on", self._before_last_change, self.on.changed)
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        if not options:
            final = not lifecycle.allowed_next(current)
            self.set_error(
                "",
                lifecycle.TRANSITION_FINAL(current=current.label()).render()
                if final
                else self.tr("No change of status is possible now."),
            )
            self.to_status.setEnabled(False)
            save.setEnabled(False)
        elif to_status is not None and to_status not in options:
            self.set_error(
                "to_status",
                self.tr("“%1” is not possible from the current status.").replace(
                    "%1", to_status.label.render()
                ),
            )
        chain_tabs([self.to_status, self.on, self.reason, save, cancel])
        (self.reason if to_status is not None else self.to_status).setFocus()

    def options(self) -> list[PersonStatus]:
        return self.to_status.members()

    def _before_last_change(self) -> str:
        if self._last_change is not None and self.on.value() < self._last_change:
            return lifecycle.TRANSITION_BEFORE_LAST(on=self.on.value(), last=self._last_change).render()
        return ""

    def collect(self) -> StatusChangeInput:
        to_status = self.to_status.value()
        if to_status is None:
            raise Refused(lifecycle.TRANSITION_FINAL(current=self.current.label()), "to_status")
        reason = self.reason.text().strip()
        if not reason:
            raise Refused(lifecycle.TRANSITION_NO_REASON(), "reason")
        return StatusChangeInput(
            person_id=self.person_id, to_status=to_status, on=self.on.value(), reason=reason
        )

    def submit_work(self, data: StatusChangeInput) -> Callable[[Store], Changes]:
        return lambda store: measures.change_status(store, data)

    def submit(self) -> None:
        if self.checks.run():
            super().submit()
