"""Recording a visit or talk: how the person was found, and when to get in touch next."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from PySide6.QtWidgets import QLineEdit, QWidget

from app.services.facts import FactVersionView
from app.services.inputs import VisitInput
from models.enums import FactKind, VisitKind
from ui.context import UiContext
from ui.forms.fields import DateEdit, EnumCombo, NotesEdit, OptionalDateEdit, split_names
from ui.forms.reason_dialog import FactForm

NEXT_CONTACT_DAYS = 30  # no national frequency; monthly is the usual default (DOMAIN.md)


class VisitForm(FactForm):
    kind = FactKind.VISIT

    def __init__(
        self,
        ctx: UiContext,
        person_id: UUID,
        *,
        worker_name: str = "",
        correcting: FactVersionView | None = None,
        parent: QWidget | None = None,
    ) -> None:
        self.worker_name = worker_name
        super().__init__(ctx, person_id, correcting=correcting, parent=parent)

    def record_title(self) -> str:
        return self.tr("Record a visit")

    def correct_title(self) -> str:
        return self.tr("Correct a visit")

    def build(self) -> list[QWidget]:
        today = self.ctx.today
        self.visited_on = DateEdit(today, "visited_on")
        self.visit_kind = EnumCombo(VisitKind)
        self.visit_kind.set_value(VisitKind.HOME)
        self.participants = QLineEdit(self.worker_name)
        self.participants.setPlaceholderText(self.tr("Names, separated by 、"))
        self.summary = NotesEdit(2)
        self.summary.setPlaceholderText(self.tr("What was found, in a sentence"))
        self.employment = QLineEdit()
        self.family = QLineEdit()
        self.health = QLineEdit()
        self.mental_state = QLineEdit()
        self.needs = QLineEdit()
        self.next_contact_on = OptionalDateEdit(
            today, "next_contact_on", value=today() + timedelta(days=NEXT_CONTACT_DAYS), allow_future=True
        )
        self.add_field("visited_on", self.tr("&Date"), self.visited_on)
        self.add_field("kind", self.tr("&Kind"), self.visit_kind)
        self.add_field("participants", self.tr("&Present"), self.participants)
        self.add_field("summary", self.tr("&Summary"), self.summary)
        self.add_field("employment", self.tr("&Work"), self.employment)
        self.add_field("family", self.tr("&Family"), self.family)
        self.add_field("health", self.tr("&Health"), self.health)
        self.add_field("mental_state", self.tr("&Mental state"), self.mental_state)
        self.add_field("needs", self.tr("N&eeds"), self.needs)
        self.add_field("next_contact_on", self.tr("&Next contact"), self.next_contact_on)
        self.checks.add("visited_on", self.visited_on.problem, self.visited_on.changed)
        # The next contact follows the visit date until the worker sets it.
        self._next_touched = False
        self.visited_on.changed.connect(self._follow_visit_date)
        self.next_contact_on.date.editingFinished.connect(self._touch_next_contact)
        self.next_contact_on.given.clicked.connect(self._touch_next_contact)
        return [
            self.visited_on,
            self.visit_kind,
            self.participants,
            self.summary,
            self.employment,
            self.family,
            self.health,
            self.mental_state,
            self.needs,
            self.next_contact_on,
        ]

    def _touch_next_contact(self) -> None:
        self._next_touched = True

    def _follow_visit_date(self) -> None:
        if not self._next_touched and self.next_contact_on.value() is not None:
            self.next_contact_on.set_value(self.visited_on.value() + timedelta(days=NEXT_CONTACT_DAYS))

    def load(self, data: VisitInput) -> None:
        self._next_touched = True
        self.visited_on.set_value(data.visited_on)
        self.visit_kind.set_value(data.kind)
        self.participants.setText("、".join(data.participants))
        self.summary.setText(data.summary)
        self.employment.setText(data.employment)
        self.family.setText(data.family)
        self.health.setText(data.health)
        self.mental_state.setText(data.mental_state)
        self.needs.setText(data.needs)
        self.next_contact_on.set_value(data.next_contact_on)

    def collect(self) -> VisitInput:
        return VisitInput(
            person_id=self.person_id,
            visited_on=self.visited_on.value(),
            kind=self.visit_kind.value(),
            participants=split_names(self.participants.text()),
            employment=self.employment.text().strip(),
            family=self.family.text().strip(),
            health=self.health.text().strip(),
            mental_state=self.mental_state.text().strip(),
            needs=self.needs.text().strip(),
            summary=self.summary.text().strip(),
            next_contact_on=self.next_contact_on.value(),
        )
