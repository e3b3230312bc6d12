"""Recording assistance: training, a job, an allowance, counselling; who gave it, how much, and the outcome."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit, QWidget

from app.services.inputs import AssistanceInput
from models.enums import AssistanceKind, AssistanceOutcome, FactKind
from ui.forms.fields import AmountEdit, DateEdit, EnumCombo, NotesEdit
from ui.forms.reason_dialog import FactForm


class AssistanceForm(FactForm):
    kind = FactKind.ASSISTANCE

    def record_title(self) -> str:
        return self.tr("Record assistance")

    def correct_title(self) -> str:
        return self.tr("Correct assistance")

    def build(self) -> list[QWidget]:
        self.given_on = DateEdit(self.ctx.today, "given_on")
        self.assistance_kind = EnumCombo(AssistanceKind)
        self.provider = QLineEdit()
        self.provider.setPlaceholderText(self.tr("e.g. the township social affairs office"))
        self.amount = AmountEdit()
        self.outcome = EnumCombo(AssistanceOutcome)
        self.details = NotesEdit(2)
        self.add_field("given_on", self.tr("&Date"), self.given_on)
        self.add_field("kind", self.tr("&Kind"), self.assistance_kind)
        self.add_field("provider", self.tr("&Provider"), self.provider)
        self.add_field("amount", self.tr("&Amount (yuan)"), self.amount)
        self.add_field("outcome", self.tr("&Outcome"), self.outcome)
        self.add_field("details", self.tr("D&etails"), self.details)
        self.checks.add("given_on", self.given_on.problem, self.given_on.changed)
        self.checks.add("amount", self.amount.problem, self.amount.changed)
        return [self.given_on, self.assistance_kind, self.provider, self.amount, self.outcome, self.details]

    def load(self, data: AssistanceInput) -> None:
        self.given_on.set_value(data.given_on)
        self.assistance_kind.set_value(data.kind)
        self.provider.setText(data.provider)
        self.amount.set_value(data.amount)
        self.outcome.set_value(data.outcome)
        self.details.setText(data.details)

    def collect(self) -> AssistanceInput:
        return AssistanceInput(
            person_id=self.person_id,
            given_on=self.given_on.value(),
            kind=self.assistance_kind.value(),
            provider=self.provider.text().strip(),
            amount=self.amount.value(),
            outcome=self.outcome.value(),
            details=self.details.text().strip(),
        )
