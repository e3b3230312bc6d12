"""Recording a drug test: the sample, the method, a result per substance, and the overall result.

The overall result follows the substances (positive if any is positive) until the worker picks one
by hand; a refusal stands on its own and needs no substances.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from app.services.inputs import DrugTestInput
from models.enums import Drug, FactKind, SampleType, TestMethod, TestResult
from ui.forms.fields import DateEdit, EnumCombo, NotesEdit
from ui.forms.reason_dialog import FactForm

# The usual panels (one practice; an on-site urine cassette covers these three, a hair lab test more).
URINE_PANEL = (Drug.METH, Drug.MORPHINE, Drug.KETAMINE)
HAIR_PANEL = (Drug.METH, Drug.HEROIN, Drug.MORPHINE, Drug.KETAMINE, Drug.MDMA, Drug.COCAINE)
SUBSTANCE_RESULTS = (TestResult.NEGATIVE, TestResult.POSITIVE)

TESTED, POSITIVE = 0, 1  # the table's columns


class SubstanceTable(QTableWidget):
    """One row per substance: tick it when it was tested, tick "positive" when it showed.

    Arrow keys move, Space ticks; Tab leaves the table.
    """

    changed = Signal()  # any change of the results
    edited = Signal()  # a change the worker made (not set_results)

    def __init__(self) -> None:
        super().__init__(len(Drug), 2)
        self.setHorizontalHeaderLabels([self.tr("Substance tested"), self.tr("Positive")])
        self.verticalHeader().hide()
        self.horizontalHeader().setSectionResizeMode(TESTED, QHeaderView.ResizeMode.Stretch)
        self.horizontalHeader().setSectionResizeMode(POSITIVE, QHeaderView.ResizeMode.ResizeToContents)
        self.setTabKeyNavigation(False)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self._updating = False
        for row, drug in enumerate(Drug):
            tested = QTableWidgetItem(drug.label.render())
            tested.setData(Qt.ItemDataRole.UserRole, drug.value)
            tested.setFlags(
                Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsSelectable
            )
            tested.setCheckState(Qt.CheckState.Unchecked)
            positive = QTableWidgetItem()
            positive.setFlags(
                Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsSelectable
            )
            positive.setCheckState(Qt.CheckState.Unchecked)
            self.setItem(row, TESTED, tested)
            self.setItem(row, POSITIVE, positive)
        self.resizeRowsToContents()
        rows = 7  # enough to see a panel; the rest scrolls
        self.setFixedHeight(
            self.horizontalHeader().height() + self.rowHeight(0) * rows + 2 * self.frameWidth()
        )
        self.itemChanged.connect(self._item_changed)
        self._show_texts()

    def _item_changed(self, item: QTableWidgetItem) -> None:
        if self._updating:
            return
        self._updating = True
        row = item.row()
        if item.column() == POSITIVE and item.checkState() == Qt.CheckState.Checked:
            self.item(row, TESTED).setCheckState(Qt.CheckState.Checked)  # a positive was tested
        if item.column() == TESTED and item.checkState() == Qt.CheckState.Unchecked:
            self.item(row, POSITIVE).setCheckState(Qt.CheckState.Unchecked)
        self._show_texts()
        self._updating = False
        self.edited.emit()
        self.changed.emit()

    def _show_texts(self) -> None:
        for row in range(self.rowCount()):
            tested = self.item(row, TESTED).checkState() == Qt.CheckState.Checked
            positive = self.item(row, POSITIVE).checkState() == Qt.CheckState.Checked
            result = TestResult.POSITIVE if positive else TestResult.NEGATIVE
            self.item(row, POSITIVE).setText(result.label.render() if tested else "")

    def results(self) -> dict[Drug, TestResult]:
        found: dict[Drug, TestResult] = {}
        for row in range(self.rowCount()):
            if self.item(row, TESTED).checkState() == Qt.CheckState.Checked:
                drug = Drug(self.item(row, TESTED).data(Qt.ItemDataRole.UserRole))
                positive = self.item(row, POSITIVE).checkState() == Qt.CheckState.Checked
                found[drug] = TestResult.POSITIVE if positive else TestResult.NEGATIVE
        return found

    def set_results(self, results: dict[Drug, TestResult]) -> None:
        self._updating = True
        for row in range(self.rowCount()):
            drug = Drug(self.item(row, TESTED).data(Qt.ItemDataRole.UserRole))
            result = results.get(drug)
            checked, unchecked = Qt.CheckState.Checked, Qt.CheckState.Unchecked
            self.item(row, TESTED).setCheckState(checked if result is not None else unchecked)
            self.item(row, POSITIVE).setCheckState(checked if result is TestResult.POSITIVE else unchecked)
        self._show_texts()
        self._updating = False
        self.changed.emit()

    def set_result(self, drug: Drug, result: TestResult | None) -> None:
        """One substance's result (None: not tested)."""
        results = self.results()
        if result is None:
            results.pop(drug, None)
        else:
            results[drug] = result
        self.set_results(results)


class DrugTestForm(FactForm):
    kind = FactKind.DRUG_TEST

    def record_title(self) -> str:
        return self.tr("Record a drug test")

    def correct_title(self) -> str:
        return self.tr("Correct a drug test")

    def build(self) -> list[QWidget]:
        self.tested_on = DateEdit(self.ctx.today, "tested_on")
        self.sample = EnumCombo(SampleType)
        self.method = EnumCombo(TestMethod)
        self.substances = SubstanceTable()
        self.substances.set_results(dict.fromkeys(URINE_PANEL, TestResult.NEGATIVE))
        self.result = EnumCombo(TestResult)
        self.kit_lot = QLineEdit()
        self.witness = QLineEdit()
        self.notes = NotesEdit(2)
        self.add_field("tested_on", self.tr("&Date"), self.tested_on)
        self.add_field("sample", self.tr("S&ample"), self.sample)
        self.add_field("method", self.tr("&Method"), self.method)
        self.add_field("substance_results", self.tr("Su&bstances"), self.substances)
        self.add_field("result", self.tr("&Result"), self.result)
        self.add_field("kit_lot", self.tr("&Kit lot"), self.kit_lot)
        self.add_field("witness", self.tr("&Witness"), self.witness)
        self.add_field("notes", self.tr("&Notes"), self.notes)
        self.checks.add("tested_on", self.tested_on.problem, self.tested_on.changed)
        self._panel_touched = False  # the worker's own substance choice is never replaced
        self._result_by_hand = False
        self.sample.currentIndexChanged.connect(self._sample_changed)
        self.substances.edited.connect(self._touch_panel)
        self.substances.changed.connect(self._derive_result)
        self.result.activated.connect(self._result_picked)
        self.result.currentIndexChanged.connect(self._result_changed)
        return [
            self.tested_on,
            self.sample,
            self.method,
            self.substances,
            self.result,
            self.kit_lot,
            self.witness,
            self.notes,
        ]

    # ---- the overall result ------------------------------------------------------------------------------
    def derived_result(self) -> TestResult:
        positive = TestResult.POSITIVE in self.substances.results().values()
        return TestResult.POSITIVE if positive else TestResult.NEGATIVE

    def _derive_result(self) -> None:
        if self._result_by_hand or self.result.value() in (TestResult.REFUSED, TestResult.INVALID):
            return
        self.result.set_value(self.derived_result())

    def _result_picked(self, _index: int) -> None:
        """The worker chose the overall result: it stays, unless it is what the substances say anyway."""
        picked = self.result.value()
        self._result_by_hand = picked in SUBSTANCE_RESULTS and picked is not self.derived_result()

    def _result_changed(self, _index: int) -> None:
        self.substances.setEnabled(self.result.value() is not TestResult.REFUSED)

    # ---- the panel ---------------------------------------------------------------------------------------
    def _touch_panel(self) -> None:
        self._panel_touched = True

    def _sample_changed(self, _index: int) -> None:
        if self._panel_touched:
            return
        panel = HAIR_PANEL if self.sample.value() is SampleType.HAIR else URINE_PANEL
        self.substances.set_results(dict.fromkeys(panel, TestResult.NEGATIVE))

    # ---- in and out --------------------------------------------------------------------------------------
    def load(self, data: DrugTestInput) -> None:
        self._panel_touched = True
        self.tested_on.set_value(data.tested_on)
        self.sample.set_value(data.sample)
        self.method.set_value(data.method)
        self.substances.set_results(data.substance_results)
        self.result.set_value(data.result)
        self._result_by_hand = data.result in SUBSTANCE_RESULTS and data.result is not self.derived_result()
        self.kit_lot.setText(data.kit_lot)
        self.witness.setText(data.witness)
        self.notes.setText(data.notes)

    def collect(self) -> DrugTestInput:
        result = self.result.value()
        return DrugTestInput(
            person_id=self.person_id,
            tested_on=self.tested_on.value(),
            sample=self.sample.value(),
            method=self.method.value(),
            result=result,
            substance_results={} if result is TestResult.REFUSED else self.substances.results(),
            kit_lot=self.kit_lot.text().strip(),
            witness=self.witness.text().strip(),
            notes=self.notes.text().strip(),
        )
