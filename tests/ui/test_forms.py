"""The record forms: defaults, keyboard, errors beside their fields, and what they hand the services."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QWidget

from app.services import facts, persons
from app.services.persons import StatusEventView
from app.store.store import Store
from models.enums import (
    AssistanceKind,
    Drug,
    FactKind,
    PersonStatus,
    SampleType,
    TestMethod,
    TestResult,
    ViolationKind,
    VisitKind,
)
from tests.ui.conftest import DEMO_TODAY
from ui.context import UiContext
from ui.forms.assistance_form import AssistanceForm
from ui.forms.drug_test_form import HAIR_PANEL, URINE_PANEL, DrugTestForm
from ui.forms.fields import EnumChecks, LiveChecks, OptionalDateEdit
from ui.forms.leave_form import LeaveForm
from ui.forms.measure_form import MeasureForm
from ui.forms.reason_dialog import ReasonDialog
from ui.forms.status_form import StatusForm, status_options
from ui.forms.violation_form import ViolationForm
from ui.forms.visit_form import VisitForm

WAIT = 15_000


def run_op(qtbot: Any, ctx: UiContext, work: Callable[[Store], Any]) -> Any:
    box: list[tuple[bool, Any]] = []
    ctx.runner.run(work, on_done=lambda r: box.append((True, r)), on_error=lambda e: box.append((False, e)))
    qtbot.waitUntil(lambda: bool(box), timeout=WAIT)
    ok, value = box[0]
    if not ok:
        raise value
    return value


@pytest.fixture
def person(qtbot, ui_ctx) -> UUID:
    def work(store: Store) -> UUID:
        return next(p.id for p in persons.summaries(store) if p.status is PersonStatus.IN_TREATMENT)

    return run_op(qtbot, ui_ctx, work)


def shown(qtbot: Any, form: QDialog) -> Any:
    qtbot.addWidget(form)
    form.show()
    return form


def latest(qtbot: Any, ctx: UiContext, person: UUID, kind: FactKind) -> facts.FactHistory:
    return run_op(qtbot, ctx, lambda store: facts.history(store, person, (kind,)))[0]


def tab_walk(form: QDialog, first: QWidget, steps: int) -> list[QWidget]:
    first.setFocus()
    seen = [form.focusWidget()]
    for _ in range(steps):
        form.focusNextChild()
        seen.append(form.focusWidget())
    return seen


def test_a_visit_form_starts_with_todays_home_visit_by_this_worker(qtbot, ui_ctx, person):
    form = shown(qtbot, VisitForm(ui_ctx, person, worker_name="王丽（禁毒专干）"))
    assert form.visited_on.value() == DEMO_TODAY
    assert form.visit_kind.value() is VisitKind.HOME
    assert form.participants.text() == "王丽（禁毒专干）"
    assert form.next_contact_on.value() == DEMO_TODAY + timedelta(days=30)
    form.visited_on.set_value(DEMO_TODAY - timedelta(days=2))  # the next contact follows the visit
    assert form.next_contact_on.value() == DEMO_TODAY + timedelta(days=28)
    walk = tab_walk(form, form.visited_on, 5)
    assert walk == [
        form.visited_on,
        form.visit_kind,
        form.participants,
        form.summary,
        form.employment,
        form.family,
    ]


def test_enter_saves_and_esc_cancels(qtbot, ui_ctx, person):
    form = shown(qtbot, VisitForm(ui_ctx, person))
    form.participants.setText("王丽、李强")
    form.summary.setText("本人在家，情况稳定")
    with qtbot.waitSignal(form.saved, timeout=WAIT):
        qtbot.keyClick(form.participants, Qt.Key.Key_Return)
    assert form.result() == QDialog.DialogCode.Accepted
    saved = latest(qtbot, ui_ctx, person, FactKind.VISIT).current.data
    assert saved.participants == ["王丽", "李强"] and saved.summary == "本人在家，情况稳定"

    other = shown(qtbot, VisitForm(ui_ctx, person))
    qtbot.keyClick(other.summary, Qt.Key.Key_Escape)
    assert other.result() == QDialog.DialogCode.Rejected and not other.isVisible()


def test_a_refusal_from_the_service_shows_beside_its_field(qtbot, ui_ctx, person):
    form = shown(qtbot, VisitForm(ui_ctx, person))
    form.checks = LiveChecks(lambda field, text: None)  # let the future date through to the service
    form.visited_on.set_value(DEMO_TODAY + timedelta(days=3))
    form.submit()
    error = form.errors["visited_on"]
    qtbot.waitUntil(error.isVisible, timeout=WAIT)
    assert (DEMO_TODAY + timedelta(days=3)).isoformat() in error.text()
    assert form.isVisible() and form.buttons.isEnabled()


def test_a_drug_test_starts_with_the_usual_urine_panel_and_derives_its_result(qtbot, ui_ctx, person):
    form = shown(qtbot, DrugTestForm(ui_ctx, person))
    assert form.tested_on.value() == DEMO_TODAY
    assert form.sample.value() is SampleType.URINE and form.method.value() is TestMethod.ON_SITE
    assert form.result.value() is TestResult.NEGATIVE
    assert form.substances.results() == dict.fromkeys(URINE_PANEL, TestResult.NEGATIVE)
    form.sample.set_value(SampleType.HAIR)  # an untouched panel follows the sample
    assert set(form.substances.results()) == set(HAIR_PANEL)
    form.sample.set_value(SampleType.URINE)

    form.substances.set_result(Drug.METH, TestResult.POSITIVE)
    assert form.result.value() is TestResult.POSITIVE
    form.substances.set_result(Drug.METH, TestResult.NEGATIVE)
    assert form.result.value() is TestResult.NEGATIVE
    # The worker may override the derived result; a refusal stands and needs no substances.
    form.result.set_value(TestResult.REFUSED)
    form.result.activated.emit(form.result.currentIndex())
    form.substances.set_result(Drug.KETAMINE, TestResult.POSITIVE)
    assert form.result.value() is TestResult.REFUSED
    assert not form.substances.isEnabled()
    assert form.collect().substance_results == {}
    with qtbot.waitSignal(form.saved, timeout=WAIT):
        form.submit()
    saved = latest(qtbot, ui_ctx, person, FactKind.DRUG_TEST).current.data
    assert saved.result is TestResult.REFUSED and saved.substance_results == {}


def test_ticking_a_substance_in_the_table_marks_it_tested_and_positive(qtbot, ui_ctx, person):
    form = shown(qtbot, DrugTestForm(ui_ctx, person))
    row = list(Drug).index(Drug.HEROIN)
    form.substances.item(row, 1).setCheckState(Qt.CheckState.Checked)  # as a click on "positive" does
    assert form.substances.results()[Drug.HEROIN] is TestResult.POSITIVE
    assert form.substances.item(row, 0).checkState() == Qt.CheckState.Checked
    assert form.result.value() is TestResult.POSITIVE
    form.sample.set_value(SampleType.HAIR)  # the worker's own panel is kept
    assert Drug.HEROIN in form.substances.results() and Drug.MDMA not in form.substances.results()


def test_a_leave_cannot_end_before_it_starts(qtbot, ui_ctx, person):
    form = shown(qtbot, LeaveForm(ui_ctx, person))
    assert form.ends_on.value() > form.starts_on.value()
    form.ends_on.set_value(DEMO_TODAY - timedelta(days=1))
    assert form.errors["ends_on"].isVisible()
    form.ends_on.set_value(DEMO_TODAY + timedelta(days=5))
    assert not form.errors["ends_on"].isVisible()
    form.returned_on.set_value(DEMO_TODAY - timedelta(days=1))
    assert form.errors["returned_on"].isVisible()
    form.returned_on.set_value(None)
    assert not form.errors["returned_on"].isVisible()
    form.destination.setText("银川市")
    with qtbot.waitSignal(form.saved, timeout=WAIT):
        form.submit()
    saved = latest(qtbot, ui_ctx, person, FactKind.LEAVE).current.data
    assert saved.ends_on == DEMO_TODAY + timedelta(days=5) and saved.returned_on is None


def test_an_amount_keeps_two_decimals_and_cannot_be_negative(qtbot, ui_ctx, person):
    form = shown(qtbot, AssistanceForm(ui_ctx, person))
    form.assistance_kind.set_value(AssistanceKind.TEMPORARY_RELIEF)
    qtbot.keyClicks(form.amount, "-5")
    assert form.errors["amount"].isVisible()
    form.submit()
    assert form.isVisible()
    form.amount.clear()
    qtbot.keyClicks(form.amount, "1200.505")  # a third decimal cannot be typed
    assert form.amount.text() == "1200.50" and not form.errors["amount"].isVisible()
    form.amount.setText("1200.5")
    assert form.amount.value() == Decimal("1200.50")
    with qtbot.waitSignal(form.saved, timeout=WAIT):
        qtbot.keyClick(form.provider, Qt.Key.Key_Return)
    saved = latest(qtbot, ui_ctx, person, FactKind.ASSISTANCE).current.data
    assert saved.amount == Decimal("1200.50") and saved.kind is AssistanceKind.TEMPORARY_RELIEF


def test_a_violation_reported_to_the_police(qtbot, ui_ctx, person):
    form = shown(qtbot, ViolationForm(ui_ctx, person))
    assert form.reported_on.value() is None
    form.reported_on.set_value(DEMO_TODAY + timedelta(days=1))
    assert form.errors["reported_to_police_on"].isVisible()
    form.reported_on.set_value(DEMO_TODAY)
    assert not form.days.isEnabled()  # days count only for an absence
    form.violation_kind.set_value(ViolationKind.ABSENT_WITHOUT_LEAVE)
    assert form.days.isEnabled()
    form.days.setValue(5)
    form.description.setText("未经批准外出")
    with qtbot.waitSignal(form.saved, timeout=WAIT):
        form.submit()
    saved = latest(qtbot, ui_ctx, person, FactKind.VIOLATION).current.data
    assert saved.reported_to_police_on == DEMO_TODAY
    assert saved.kind is ViolationKind.ABSENT_WITHOUT_LEAVE and saved.days == 5


def test_a_reason_is_required(qtbot, ui_ctx):
    dialog = shown(qtbot, ReasonDialog(ui_ctx.runner, "Why?"))
    qtbot.keyClick(dialog.reason_edit, Qt.Key.Key_Return)
    assert dialog.errors["reason"].isVisible() and dialog.result() != QDialog.DialogCode.Accepted
    dialog.reason_edit.setText("  日期填错  ")
    qtbot.keyClick(dialog.reason_edit, Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted and dialog.reason() == "日期填错"


def test_a_correction_with_nothing_changed_is_not_saved(qtbot, ui_ctx, person):
    history = latest(qtbot, ui_ctx, person, FactKind.VISIT)
    form = shown(qtbot, VisitForm(ui_ctx, person, correcting=history.current))
    form.submit()
    assert form.form_error.isVisible() and form.reason_dialog is None


def _event(on_days_ago: int, from_status: PersonStatus | None, to_status: PersonStatus) -> StatusEventView:
    on = DEMO_TODAY - timedelta(days=on_days_ago)
    return StatusEventView(uuid4(), from_status, to_status, on, "", None, None)  # type: ignore[arg-type]


def test_status_options_follow_the_lifecycle():
    treated = [_event(300, PersonStatus.NOT_REPORTED, PersonStatus.IN_TREATMENT)]
    options = status_options(PersonStatus.IN_TREATMENT, treated, None, DEMO_TODAY)
    assert PersonStatus.ON_LEAVE in options and PersonStatus.TRANSFERRED_OUT in options
    assert PersonStatus.IN_TREATMENT not in options
    on_leave = [*treated, _event(10, PersonStatus.IN_TREATMENT, PersonStatus.ON_LEAVE)]
    back = status_options(PersonStatus.ON_LEAVE, on_leave, None, DEMO_TODAY)
    assert PersonStatus.IN_TREATMENT in back and PersonStatus.IN_REHAB not in back  # back to what they were
    assert status_options(PersonStatus.DECEASED, [], None, DEMO_TODAY) == []


def test_a_final_status_cannot_be_changed(qtbot, ui_ctx, person):
    form = shown(qtbot, StatusForm(ui_ctx, person, PersonStatus.DECEASED))
    assert form.options() == [] and form.form_error.isVisible()
    assert not form.buttons.button(form.buttons.StandardButton.Save).isEnabled()


def test_a_status_change_needs_a_reason_and_a_date_after_the_last_change(qtbot, ui_ctx, person):
    history = [_event(5, PersonStatus.NOT_REPORTED, PersonStatus.IN_TREATMENT)]
    form = shown(qtbot, StatusForm(ui_ctx, person, PersonStatus.IN_TREATMENT, history=history))
    form.on.set_value(DEMO_TODAY - timedelta(days=6))
    assert form.errors["on"].isVisible()
    form.on.set_value(DEMO_TODAY)
    form.submit()
    assert form.errors["reason"].isVisible() and form.isVisible()


def test_ordering_a_measure_checks_its_dates(qtbot, ui_ctx, person):
    form = shown(qtbot, MeasureForm(ui_ctx, person))
    form.ordered_on.set_value(DEMO_TODAY - timedelta(days=3))
    form.reported_on.set_value(DEMO_TODAY - timedelta(days=5))
    assert form.errors["reported_on"].isVisible()
    form.reported_on.set_value(None)
    assert not form.errors["reported_on"].isVisible()
    with qtbot.waitSignal(form.saved, timeout=WAIT):
        form.submit()


def test_shared_fields(qtbot, ui_ctx):
    checks = EnumChecks(Drug)
    qtbot.addWidget(checks)
    checks.set_values([Drug.HEROIN, Drug.KETAMINE])
    assert checks.values() == [Drug.HEROIN, Drug.KETAMINE]
    optional = OptionalDateEdit(ui_ctx.today, "returned_on")
    qtbot.addWidget(optional)
    assert optional.value() is None and optional.problem() == ""
    optional.set_value(DEMO_TODAY + timedelta(days=1))
    assert optional.value() == DEMO_TODAY + timedelta(days=1) and optional.problem()


def test_a_report_to_the_police_is_recorded_and_closes_the_escalation(qtbot, ui_ctx, person):
    from app.rules.tasks import TaskKind
    from app.services import caseload
    from app.services.inputs import DrugTestInput
    from models.enums import EscalationKind, TestResult
    from ui.forms.police_report_form import PoliceReportForm

    run_op(
        qtbot,
        ui_ctx,
        lambda store: facts.record(
            store, DrugTestInput(person_id=person, tested_on=DEMO_TODAY, result=TestResult.POSITIVE)
        ),
    )

    def open_reports(store: Store) -> int:
        return sum(t.kind is TaskKind.POLICE_REPORT for t in caseload.person_review(store, person).tasks)

    assert run_op(qtbot, ui_ctx, open_reports) >= 1
    form = shown(qtbot, PoliceReportForm(ui_ctx, person))
    form.report_kind.set_value(EscalationKind.RELAPSE)
    form.station.setText("胜利派出所")
    with qtbot.waitSignal(form.saved, timeout=WAIT):
        form.submit()
    saved = latest(qtbot, ui_ctx, person, FactKind.POLICE_REPORT).current.data
    assert saved.kind is EscalationKind.RELAPSE and saved.station == "胜利派出所"
    assert run_op(qtbot, ui_ctx, open_reports) == 0
