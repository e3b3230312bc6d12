"""Recording a violation of the agreement, and when it was reported to the police."""

from __future__ import annotations

from PySide6.QtWidgets import QSpinBox, QWidget

from app.services.inputs import ViolationInput
from models.enums import FactKind, ViolationKind
from ui.forms.fields import DateEdit, EnumCombo, NotesEdit, OptionalDateEdit
from ui.forms.reason_dialog import FactForm

# The kinds that are an absence, counted in days (the default policy's absence_kinds).
ABSENCES = frozenset({ViolationKind.ABSENT_WITHOUT_LEAVE, ViolationKind.LEAVE_OVERSTAYED})


class ViolationForm(FactForm):
    kind = FactKind.VIOLATION

    def record_title(self) -> str:
        return self.tr("Record a violation")

    def correct_title(self) -> str:
        return self.tr("Correct a violation")

    def build(self) -> list[QWidget]:
        today = self.ctx.today
        self.occurred_on = DateEdit(today, "occurred_on")
        self.violation_kind = EnumCombo(ViolationKind)
        self.days = QSpinBox()
        self.days.setRange(0, 3650)
        self.days.setSpecialValueText(self.tr("not known"))
        self.days.setSuffix(self.tr(" day(s)"))
        self.description = NotesEdit(2)
        self.reported_on = OptionalDateEdit(
            today, "reported_to_police_on", label=self.tr("Date reported to the police")
        )
        self.add_field("occurred_on", self.tr("&Date"), self.occurred_on)
        self.add_field("kind", self.tr("&Kind"), self.violation_kind)
        self.add_field("days", self.tr("Days &away"), self.days)
        self.add_field("description", self.tr("&What happened"), self.description)
        self.add_field("reported_to_police_on", self.tr("&Reported to police"), self.reported_on)
        self.checks.add("occurred_on", self.occurred_on.problem, self.occurred_on.changed)
        self.checks.add("reported_to_police_on", self.reported_on.problem, self.reported_on.changed)
        self.violation_kind.currentIndexChanged.connect(self._kind_changed)
        self._kind_changed()
        return [self.occurred_on, self.violation_kind, self.days, self.description, self.reported_on]

    def _kind_changed(self, _index: int = 0) -> None:
        self.days.setEnabled(self.violation_kind.value() in ABSENCES)

    def load(self, data: ViolationInput) -> None:
        self.occurred_on.set_value(data.occurred_on)
        self.violation_kind.set_value(data.kind)
        self.days.setValue(data.days)
        self.description.setText(data.description)
        self.reported_on.set_value(data.reported_to_police_on)

    def collect(self) -> ViolationInput:
        return ViolationInput(
            person_id=self.person_id,
            occurred_on=self.occurred_on.value(),
            kind=self.violation_kind.value(),
            description=self.description.text().strip(),
            days=self.days.value() if self.violation_kind.value() in ABSENCES else 0,
            reported_to_police_on=self.reported_on.value(),
        )
