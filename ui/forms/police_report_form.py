"""Recording that a relapse, refusal or serious violation was reported to the police.

Today lists each open escalation with its deadline; saving this closes it (the rules match the report to
the incidents of its kind known by its date).
"""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit, QWidget

from app.services.inputs import PoliceReportInput
from models.enums import EscalationKind, FactKind
from ui.forms.fields import DateEdit, EnumCombo, NotesEdit
from ui.forms.reason_dialog import FactForm


class PoliceReportForm(FactForm):
    kind = FactKind.POLICE_REPORT

    def record_title(self) -> str:
        return self.tr("Record a report to the police")

    def correct_title(self) -> str:
        return self.tr("Correct a report to the police")

    def build(self) -> list[QWidget]:
        self.reported_on = DateEdit(self.ctx.today, "reported_on")
        self.report_kind = EnumCombo(EscalationKind)
        self.station = QLineEdit()
        self.station.setPlaceholderText(self.tr("Police station or officer told"))
        self.notes = NotesEdit(2)
        self.add_field("reported_on", self.tr("&Date reported"), self.reported_on)
        self.add_field("kind", self.tr("&What was reported"), self.report_kind)
        self.add_field("station", self.tr("&Reported to"), self.station)
        self.add_field("notes", self.tr("&Notes"), self.notes)
        self.checks.add("reported_on", self.reported_on.problem, self.reported_on.changed)
        return [self.reported_on, self.report_kind, self.station, self.notes]

    def load(self, data: PoliceReportInput) -> None:
        self.reported_on.set_value(data.reported_on)
        self.report_kind.set_value(data.kind)
        self.station.setText(data.station)
        self.notes.setText(data.notes)

    def collect(self) -> PoliceReportInput:
        return PoliceReportInput(
            person_id=self.person_id,
            reported_on=self.reported_on.value(),
            kind=EscalationKind(self.report_kind.value()),
            station=self.station.text().strip(),
            notes=self.notes.text().strip(),
        )
