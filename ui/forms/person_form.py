"""Registering a person, or editing a profile: checked as it is typed, saved in one op.

The ID number is checked the moment it is complete (15 or 18 characters): a wrong check character is
named beside the field, and a good number fills the birth date and sex, which are never typed. A new
person may be registered together with the measure the police decided, in the same transaction.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.errors import UserError
from app.services import people_query, persons
from app.services.inputs import PersonInput
from app.services.measures import REPORT_BEFORE_ORDER
from app.services.people_query import FirstMeasure, WorkerChoice
from app.store.store import Changes, Store
from models.enums import Drug, MeasureKind, RiskColour
from models.labels import field_label
from models.values import IdNumber, ValueRuleError, normalise_phone, parse_id_number, require
from ui.context import UiContext
from ui.forms.base import FormDialog
from ui.forms.fields import (
    DateEdit,
    EnumChecks,
    LiveChecks,
    NotesEdit,
    OptionalDateEdit,
    chain_tabs,
    split_names,
)
from ui.people_model import alive, risk_dot


class ChoiceCombo(QComboBox):
    """A combo box whose values stay Python objects.

    Item data goes through QVariant, which turns a str enum into a plain str and compares other objects
    by identity (a UUID read again from the database is not found); the values are kept here instead.
    """

    def __init__(self) -> None:
        super().__init__()
        self._values: list[Any] = []

    def add(self, text: str, value: Any, icon: QIcon | None = None) -> None:
        if icon is None:
            self.addItem(text)
        else:
            self.addItem(icon, text)
        self._values.append(value)

    def insert(self, row: int, text: str, value: Any) -> None:
        self.insertItem(row, text)
        self._values.insert(row, value)

    def remove_from(self, row: int) -> None:
        """Remove the items from ``row`` on."""
        while self.count() > row:
            self.removeItem(self.count() - 1)
        del self._values[row:]

    def clear(self) -> None:
        super().clear()
        self._values.clear()

    def value(self) -> Any:
        row = self.currentIndex()
        return self._values[row] if 0 <= row < len(self._values) else None

    def values(self) -> list[Any]:
        return list(self._values)

    def select(self, value: Any) -> bool:
        """Make ``value`` current; False (and nothing changed) when it is not offered."""
        if value not in self._values:
            return False
        self.setCurrentIndex(self._values.index(value))
        return True


@dataclass(frozen=True)
class NewPerson:
    person: PersonInput
    measure: FirstMeasure | None


class PersonForm(FormDialog):
    """Register a person (no ``person_id``) or edit the profile of one (``person_id`` and ``profile``)."""

    def __init__(
        self,
        ctx: UiContext,
        parent: QWidget | None = None,
        *,
        person_id: UUID | None = None,
        profile: PersonInput | None = None,
    ) -> None:
        super().__init__(ctx.runner, "", parent)
        self.ctx = ctx
        self.person_id = person_id
        self.profile = profile
        self.editing = person_id is not None and profile is not None
        self.setWindowTitle(self.tr("Edit profile") if self.editing else self.tr("Register a person"))
        self.setMinimumWidth(920)
        self.id_number: IdNumber | None = None  # the parsed number, while the field holds a good one
        self.checks = LiveChecks(self.set_error)
        today = ctx.today
        start = profile or PersonInput(name="", id_number="", first_found_on=today())

        self.side = QFormLayout()
        self.side.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self._two_columns()

        # ---- who the person is (left) ----
        self.name_field = QLineEdit(start.name)
        self.name_field.setMaxLength(50)
        self.add_field("name", self.tr("&Name"), self.name_field)
        self.id_field = QLineEdit(start.id_number)
        self.id_field.setMaxLength(24)
        self.id_field.setPlaceholderText(self.tr("18 characters; birth date and sex follow from it"))
        self.add_field("id_number", self.tr("&ID number"), self.id_field)
        self.birth_field = self._derived()
        self.add_field("birth_date", self.tr("Date of birth"), self.birth_field)
        self.sex_field = self._derived()
        self.add_field("gender", self.tr("Sex"), self.sex_field)
        self.aliases_field = QLineEdit("、".join(start.aliases))
        self.aliases_field.setPlaceholderText(self.tr("Separate several with commas"))
        self.add_field("aliases", self.tr("&Aliases"), self.aliases_field)
        self.phone_field = QLineEdit(start.phone)
        self.phone_field.setMaxLength(30)
        self.add_field("phone", self.tr("&Phone"), self.phone_field)
        self.household_field = QLineEdit(start.household_address)
        self.add_field("household_address", self.tr("&Household address"), self.household_field)
        self.residence_field = QLineEdit(start.residence_address)
        self.add_field("residence_address", self.tr("Re&sidence address"), self.residence_field)
        self.first_found_field = OptionalDateEdit(today, "first_found_on", value=start.first_found_on)
        self.add_field("first_found_on", self.tr("&First found on"), self.first_found_field)
        self.notes_field = NotesEdit(lines=3)
        self.notes_field.setText(start.notes)
        self.add_field("notes", self.tr("No&tes"), self.notes_field)

        # ---- how the office looks after them (right) ----
        self.drugs_list = EnumChecks(Drug, visible_rows=5)
        self.drugs_list.set_values(start.drug_types)
        self.drugs_list.setCurrentRow(0)
        self._add_to(self.side, "drug_types", self.tr("&Drugs used"), self.drugs_list)
        self.risk_combo = ChoiceCombo()
        for colour in RiskColour:
            self.risk_combo.add(colour.label.render(), colour, risk_dot(colour))
        self.risk_combo.select(start.risk_colour)
        self._add_to(self.side, "risk_colour", self.tr("Ris&k colour"), self.risk_combo)
        self.worker_combo = ChoiceCombo()
        wanted = start.assigned_worker_id or ctx.actor.user_id
        mine = wanted == ctx.actor.user_id
        self.worker_combo.add(ctx.actor.login if mine else "…", wanted)  # until the list arrives
        self._add_to(self.side, "assigned_worker_id", self.tr("Assigned &worker"), self.worker_combo)
        self.measure_box: QGroupBox | None = None
        if not self.editing:
            self._build_measure()

        self.id_field.textChanged.connect(self._check_id)
        self.phone_field.textEdited.connect(lambda: self.set_error("phone", ""))
        self.phone_field.editingFinished.connect(self._check_phone)
        self.checks.add("first_found_on", self.first_found_field.problem, self.first_found_field.changed)
        self._check_id(self.id_field.text())
        self._chain_tabs()
        self.name_field.setFocus()
        ctx.runner.run(
            lambda store: people_query.workers(store, active_only=True), on_done=self._fill_workers
        )

    # ---- layout --------------------------------------------------------------------------------------------
    def _two_columns(self) -> None:
        """Who the person is on the left, how the office looks after them on the right (fits 768 px)."""
        outer = self.layout()
        assert isinstance(outer, QVBoxLayout)
        outer.removeItem(self.form)
        self.form.setParent(None)
        columns = QHBoxLayout()  # its spacing is inherited by the forms: a gap is added instead
        for form in (self.form, self.side):
            if columns.count():
                columns.addSpacing(24)
            column = QVBoxLayout()
            column.addLayout(form)
            column.addStretch(1)  # rows keep their height; the shorter column ends early
            columns.addLayout(column, 1)
        outer.insertLayout(0, columns)

    def _add_to(self, form: QFormLayout, name: str, label: str, widget: QWidget) -> QWidget:
        """``add_field`` into another column or box (the base form adds to ``self.form``)."""
        main, self.form = self.form, form
        try:
            return self.add_field(name, label, widget)
        finally:
            self.form = main

    def _derived(self) -> QLineEdit:
        field = QLineEdit()
        field.setReadOnly(True)
        field.setPlaceholderText(self.tr("From the ID number"))
        field.setFocusPolicy(Qt.FocusPolicy.ClickFocus)  # read-only: not a stop on the way through the form
        return field

    def _build_measure(self) -> None:
        title = self.tr("Register with the measure already decided")
        box = QGroupBox(title)
        box.setAccessibleName(title)
        box.setCheckable(True)
        box.setChecked(False)
        inner = QFormLayout(box)
        self.kind_combo = ChoiceCombo()
        for kind in MeasureKind:
            self.kind_combo.add(kind.label.render(), kind)
        self._add_to(inner, "kind", self.tr("&Measure"), self.kind_combo)
        self.ordered_on_field = DateEdit(self.ctx.today, "ordered_on")
        self._add_to(inner, "ordered_on", self.tr("&Ordered on"), self.ordered_on_field)
        self.ordered_by_field = QLineEdit()
        self.ordered_by_field.setPlaceholderText(self.tr("e.g. the county public security bureau"))
        self._add_to(inner, "ordered_by", self.tr("Ordered &by"), self.ordered_by_field)
        self.document_no_field = QLineEdit()
        self._add_to(inner, "document_no", self.tr("Doc&ument no."), self.document_no_field)
        self.reported_on_field = OptionalDateEdit(self.ctx.today, "reported_on")
        self._add_to(inner, "reported_on", self.tr("R&eported on"), self.reported_on_field)
        self.side.addRow(box)
        self.measure_box = box
        dates = (self.ordered_on_field.changed, self.reported_on_field.changed, box.toggled)
        self.checks.add("ordered_on", lambda: self._if_measure(self.ordered_on_field.problem), *dates)
        self.checks.add("reported_on", lambda: self._if_measure(self.reported_on_field.problem), *dates)
        self.checks.add("reported_on", lambda: self._if_measure(self._report_before_order))

    def _chain_tabs(self) -> None:
        chain: list[QWidget] = [
            self.name_field,
            self.id_field,
            self.aliases_field,
            self.phone_field,
            self.household_field,
            self.residence_field,
            self.first_found_field,
            self.notes_field,
            self.drugs_list,
            self.risk_combo,
            self.worker_combo,
        ]
        if self.measure_box is not None:
            chain += [
                self.measure_box,
                self.kind_combo,
                self.ordered_on_field,
                self.ordered_by_field,
                self.document_no_field,
                self.reported_on_field,
            ]
        chain += [
            self.buttons.button(QDialogButtonBox.StandardButton.Save),
            self.buttons.button(QDialogButtonBox.StandardButton.Cancel),
        ]
        chain_tabs(chain)

    # ---- checking as it is typed -----------------------------------------------------------------------
    def _check_id(self, text: str) -> None:
        """Judge the number once it is complete (or plainly wrong); fill the birth date and sex from it."""
        compact = "".join(unicodedata.normalize("NFKC", text).split()).upper()
        complete = len(compact) in (15, 18) or len(compact) > 18
        foreign = any(c not in "0123456789X" for c in compact)
        self.id_number = None
        message = ""
        if complete or foreign:
            try:
                self.id_number = parse_id_number(compact, today=self.ctx.today())
            except ValueRuleError as exc:
                message = exc.message.render()
        self.set_error("id_number", message)  # while it is still being typed: no verdict yet
        if self.id_number is None:
            self.birth_field.clear()
            self.sex_field.clear()
        else:
            self.birth_field.setText(self.id_number.birth_date.isoformat())
            self.sex_field.setText(self.id_number.gender.label.render())

    def _check_phone(self) -> None:
        text = self.phone_field.text().strip()
        if not text:
            return
        try:
            self.phone_field.setText(normalise_phone(text))
        except ValueRuleError as exc:
            self.set_error("phone", exc.message.render())

    def _if_measure(self, problem: Callable[[], str]) -> str:
        return problem() if self.measure_box is not None and self.measure_box.isChecked() else ""

    def _report_before_order(self) -> str:
        reported = self.reported_on_field.value()
        if reported is not None and reported < self.ordered_on_field.value():
            return REPORT_BEFORE_ORDER().render()
        return ""

    # ---- the workers --------------------------------------------------------------------------------------
    def _fill_workers(self, choices: list[WorkerChoice]) -> None:
        if not alive(self):  # closed before the list arrived
            return
        wanted = self.worker_combo.value()
        self.worker_combo.clear()
        for choice in choices:
            self.worker_combo.add(choice.shown, choice.id)
        if wanted not in [c.id for c in choices]:  # kept as it was; the service says if it may stay
            self.worker_combo.insert(0, self.tr("(no longer active)"), wanted)
        self.worker_combo.select(wanted)

    # ---- submitting ---------------------------------------------------------------------------------------
    def submit(self) -> None:
        if self.checks.run():
            super().submit()

    def collect(self) -> Any:
        try:
            person = self._person()
        except ValueRuleError as exc:
            raise UserError(exc.message, exc.field) from None
        if not self.editing:
            return NewPerson(person, self._measure())
        assert self.profile is not None
        changes = {
            name: getattr(person, name)
            for name in sorted(persons.EDITABLE)
            if getattr(person, name) != getattr(self.profile, name)
        }
        if "id_number" in changes:  # the number decides the birth date and sex
            changes |= {"birth_date": person.birth_date, "gender": person.gender}
        return changes

    def _person(self) -> PersonInput:
        name = require(self.name_field.text(), "name", field_label("name"))
        idn = parse_id_number(self.id_field.text(), today=self.ctx.today())
        phone = self.phone_field.text().strip()
        return PersonInput(
            name=name,
            id_number=idn.number,
            gender=idn.gender,
            birth_date=idn.birth_date,
            aliases=split_names(self.aliases_field.text()),
            phone=normalise_phone(phone) if phone else "",
            household_address=self.household_field.text().strip(),
            residence_address=self.residence_field.text().strip(),
            drug_types=[Drug(d) for d in self.drugs_list.values()],  # QVariant hands back plain str
            first_found_on=self.first_found_field.value(),
            risk_colour=self.risk_combo.value(),
            assigned_worker_id=self.worker_combo.value(),
            notes=self.notes_field.text().strip(),
            work_group=list(self.profile.work_group) if self.profile else [],
        )

    def _measure(self) -> FirstMeasure | None:
        if self.measure_box is None or not self.measure_box.isChecked():
            return None
        return FirstMeasure(
            kind=self.kind_combo.value(),
            ordered_on=self.ordered_on_field.value(),
            ordered_by=self.ordered_by_field.text().strip(),
            document_no=self.document_no_field.text().strip(),
            reported_on=self.reported_on_field.value(),
        )

    def submit_work(self, data: Any) -> Callable[[Store], Changes]:
        if isinstance(data, NewPerson):
            return lambda store: people_query.register(store, data.person, data.measure)
        person_id = self.person_id
        assert person_id is not None
        return lambda store: persons.update_profile(store, person_id, **data)
