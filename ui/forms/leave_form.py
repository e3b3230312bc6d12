"""Recording a leave request (a written report before leaving the county for 3 days or more) and the return."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtWidgets import QLineEdit, QWidget

from app.services.facts import LEAVE_ENDS_BEFORE_START, RETURN_BEFORE_START
from app.services.inputs import LeaveInput
from models.enums import FactKind
from ui.forms.fields import DateEdit, OptionalDateEdit
from ui.forms.reason_dialog import FactForm

DEFAULT_DAYS = 7  # a week away is the common request; the worker changes it as needed


class LeaveForm(FactForm):
    kind = FactKind.LEAVE

    def record_title(self) -> str:
        return self.tr("Record a leave")

    def correct_title(self) -> str:
        return self.tr("Correct a leave")

    def build(self) -> list[QWidget]:
        today = self.ctx.today
        self.starts_on = DateEdit(today, "starts_on")
        self.ends_on = DateEdit(
            today, "ends_on", value=today() + timedelta(days=DEFAULT_DAYS), allow_future=True
        )
        self.destination = QLineEdit()
        self.reason = QLineEdit()
        self.approved_by = QLineEdit()
        self.returned_on = OptionalDateEdit(today, "returned_on")
        self.add_field("starts_on", self.tr("&From"), self.starts_on)
        self.add_field("ends_on", self.tr("&Until"), self.ends_on)
        self.add_field("destination", self.tr("&Destination"), self.destination)
        self.add_field("reason", self.tr("&Reason"), self.reason)
        self.add_field("approved_by", self.tr("&Approved by"), self.approved_by)
        self.add_field("returned_on", self.tr("Re&turned on"), self.returned_on)
        self.checks.add("starts_on", self.starts_on.problem, self.starts_on.changed)
        self.checks.add("ends_on", self._ends_problem, self.starts_on.changed, self.ends_on.changed)
        self.checks.add("returned_on", self._return_problem, self.starts_on.changed, self.returned_on.changed)
        self.checks.add("returned_on", self.returned_on.problem)
        return [
            self.starts_on,
            self.ends_on,
            self.destination,
            self.reason,
            self.approved_by,
            self.returned_on,
        ]

    def _ends_problem(self) -> str:
        if self.ends_on.value() < self.starts_on.value():
            return LEAVE_ENDS_BEFORE_START().render()
        return ""

    def _return_problem(self) -> str:
        returned = self.returned_on.value()
        if returned is not None and returned < self.starts_on.value():
            return RETURN_BEFORE_START().render()
        return ""

    def load(self, data: LeaveInput) -> None:
        self.starts_on.set_value(data.starts_on)
        self.ends_on.set_value(data.ends_on)
        self.destination.setText(data.destination)
        self.reason.setText(data.reason)
        self.approved_by.setText(data.approved_by)
        self.returned_on.set_value(data.returned_on)

    def collect(self) -> LeaveInput:
        return LeaveInput(
            person_id=self.person_id,
            starts_on=self.starts_on.value(),
            ends_on=self.ends_on.value(),
            destination=self.destination.text().strip(),
            reason=self.reason.text().strip(),
            approved_by=self.approved_by.text().strip(),
            returned_on=self.returned_on.value(),
        )
