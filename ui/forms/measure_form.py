"""Ordering a measure (the police decision), and recording the day the person reported.

Reporting starts the term: the service sets the end date (three years unless the order says otherwise)
and moves the person under the measure.
"""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

from PySide6.QtWidgets import QDialogButtonBox, QLabel, QLineEdit, QWidget

from app.services import measures
from app.services.inputs import MeasureInput
from app.services.measures import END_BEFORE_REPORT, REPORT_BEFORE_ORDER
from app.services.persons import MeasureView
from app.store.store import Changes, Store
from models.enums import MeasureKind
from ui.context import UiContext
from ui.forms.base import FormDialog
from ui.forms.fields import DateEdit, EnumCombo, LiveChecks, OptionalDateEdit, chain_tabs

Work = Callable[[Store], Changes]


class MeasureForm(FormDialog):
    """Record a measure the police ordered, and the report if the person has already come."""

    def __init__(self, ctx: UiContext, person_id: UUID, *, parent: QWidget | None = None) -> None:
        super().__init__(ctx.runner, "", parent)
        self.setWindowTitle(self.tr("Order a measure"))
        self.ctx = ctx
        self.person_id = person_id
        self.checks = LiveChecks(self.set_error)
        today = ctx.today
        self.measure_kind = EnumCombo(MeasureKind)
        self.ordered_on = DateEdit(today, "ordered_on")
        self.ordered_by = QLineEdit()
        self.ordered_by.setPlaceholderText(self.tr("e.g. the county public security bureau"))
        self.document_no = QLineEdit()
        self.reported_on = OptionalDateEdit(today, "reported_on")
        self.ends_on = OptionalDateEdit(today, "ends_on", allow_future=True)
        self.ends_on.setToolTip(self.tr("Leave it out for the usual term from the report date."))
        self.add_field("kind", self.tr("&Measure"), self.measure_kind)
        self.add_field("ordered_on", self.tr("&Ordered on"), self.ordered_on)
        self.add_field("ordered_by", self.tr("Ordered &by"), self.ordered_by)
        self.add_field("document_no", self.tr("&Document no."), self.document_no)
        self.add_field("reported_on", self.tr("&Reported on"), self.reported_on)
        self.add_field("ends_on", self.tr("&Ends on"), self.ends_on)
        dates = (self.ordered_on.changed, self.reported_on.changed, self.ends_on.changed)
        self.checks.add("ordered_on", self.ordered_on.problem, *dates)
        self.checks.add("reported_on", self.reported_on.problem, *dates)
        self.checks.add("reported_on", self._report_before_order)
        self.checks.add("ends_on", self._end_before_report, *dates)
        chain_tabs(
            [
                self.measure_kind,
                self.ordered_on,
                self.ordered_by,
                self.document_no,
                self.reported_on,
                self.ends_on,
                self.buttons.button(QDialogButtonBox.StandardButton.Save),
                self.buttons.button(QDialogButtonBox.StandardButton.Cancel),
            ]
        )
        self.measure_kind.setFocus()

    def _report_before_order(self) -> str:
        reported = self.reported_on.value()
        if reported is not None and reported < self.ordered_on.value():
            return REPORT_BEFORE_ORDER().render()
        return ""

    def _end_before_report(self) -> str:
        reported, ends = self.reported_on.value(), self.ends_on.value()
        if reported is not None and ends is not None and ends < reported:
            return END_BEFORE_REPORT().render()
        return ""

    def collect(self) -> MeasureInput:
        return MeasureInput(
            person_id=self.person_id,
            kind=self.measure_kind.value(),
            ordered_on=self.ordered_on.value(),
            ordered_by=self.ordered_by.text().strip(),
            document_no=self.document_no.text().strip(),
            reported_on=self.reported_on.value(),
            ends_on=self.ends_on.value(),
        )

    def submit_work(self, data: MeasureInput) -> Work:
        return lambda store: measures.order(store, data)

    def submit(self) -> None:
        if self.checks.run():
            super().submit()


class ReportForm(FormDialog):
    """The person reported to the office for a measure: its term starts that day."""

    def __init__(self, ctx: UiContext, measure: MeasureView, *, parent: QWidget | None = None) -> None:
        super().__init__(ctx.runner, "", parent)
        self.setWindowTitle(self.tr("Record the report"))
        self.measure = measure
        self.checks = LiveChecks(self.set_error)
        about = QLabel(
            self.tr("%1, ordered on %2")
            .replace("%1", measure.kind.label.render())
            .replace("%2", measure.ordered_on.isoformat())
        )
        self.form.addRow(self.tr("Measure"), about)
        self.reported_on = DateEdit(ctx.today, "reported_on")
        self.add_field("reported_on", self.tr("&Reported on"), self.reported_on)
        self.checks.add("reported_on", self.reported_on.problem, self.reported_on.changed)
        self.checks.add("reported_on", self._before_order, self.reported_on.changed)
        chain_tabs(
            [
                self.reported_on,
                self.buttons.button(QDialogButtonBox.StandardButton.Save),
                self.buttons.button(QDialogButtonBox.StandardButton.Cancel),
            ]
        )
        self.reported_on.setFocus()

    def _before_order(self) -> str:
        if self.reported_on.value() < self.measure.ordered_on:
            return REPORT_BEFORE_ORDER().render()
        return ""

    def collect(self) -> UUID:
        return self.measure.id

    def submit_work(self, data: UUID) -> Work:
        reported_on = self.reported_on.value()
        return lambda store: measures.record_report(store, data, reported_on)

    def submit(self) -> None:
        if self.checks.run():
            super().submit()
