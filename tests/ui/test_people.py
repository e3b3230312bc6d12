"""The People page over the demo office: search as you type, filters, orders, opening, registering."""

from __future__ import annotations

from collections import Counter
from datetime import date
from uuid import UUID

import pytest
from PySide6.QtCore import QPoint, Qt

from app.search import make_entry
from app.services import people_query, persons
from app.services.persons import PersonSummary
from models.enums import Gender, MeasureKind, PersonStatus, RiskColour
from models.values import id_check_char
from tests.ui.conftest import DEMO_PERSONS
from ui.forms.person_form import PersonForm
from ui.pages.people import PeoplePage
from ui.people_model import PLACEHOLDER, Column, mask_id_number

WAIT = 10_000


class StubNavigator:
    def __init__(self) -> None:
        self.opened: list[tuple[UUID, str | None]] = []
        self.shown: list[str] = []

    def open_person(self, person_id: UUID, action: str | None = None) -> None:
        self.opened.append((person_id, action))

    def show_page(self, key: str) -> None:
        self.shown.append(key)


def run(qtbot, ctx, work):
    """Run an op on the database thread and wait for its result."""
    results: list = []
    ctx.runner.run(work, on_done=results.append)
    qtbot.waitUntil(lambda: bool(results), timeout=WAIT)
    return results[0]


def synthetic_id(birth: str, seq: int, region: str = "110101") -> str:
    first17 = f"{region}{birth}{seq:03d}"
    return first17 + id_check_char(first17)


@pytest.fixture
def nav():
    return StubNavigator()


@pytest.fixture
def page(qtbot, ui_ctx, nav):
    shown = PeoplePage(ui_ctx, nav)
    qtbot.addWidget(shown)
    shown.resize(1200, 700)
    shown.show()
    shown.activate()
    qtbot.waitUntil(lambda: shown.model.rowCount() == DEMO_PERSONS, timeout=WAIT)
    return shown


@pytest.fixture
def everyone(qtbot, ui_ctx) -> list[PersonSummary]:
    return run(qtbot, ui_ctx, persons.summaries)


def shown_text(page: PeoplePage, row: int, column: Column) -> str:
    return page.model.index(row, column).data()


def test_the_table_lists_everyone_with_masked_id_numbers(qtbot, page, everyone):
    first = everyone[0]
    assert page.model.person_id(0) == first.id  # by record number until a header is clicked
    qtbot.waitUntil(lambda: shown_text(page, 0, Column.NAME) != PLACEHOLDER, timeout=WAIT)
    assert shown_text(page, 0, Column.RECORD_NO) == first.record_no
    assert shown_text(page, 0, Column.NAME) == first.name
    masked = shown_text(page, 0, Column.ID_NUMBER)
    assert (
        masked == mask_id_number(first.id_number) == first.id_number[:6] + "********" + first.id_number[-4:]
    )
    assert shown_text(page, 0, Column.STATUS) == first.status.label.render()
    assert page.model.index(0, Column.RISK).data(Qt.ItemDataRole.DecorationRole) is not None
    assert str(DEMO_PERSONS) in page.count_label.text()


def test_searching_by_pinyin_initials_narrows_the_table(qtbot, page, ui_ctx, everyone):
    initials = Counter(make_entry(p.id, p.name, [], p.id_number).initials[0] for p in everyone)
    target = next(p for p in everyone if initials[make_entry(p.id, p.name, [], p.id_number).initials[0]] == 1)
    typed = make_entry(target.id, target.name, [], target.id_number).initials[0]
    expected = run(qtbot, ui_ctx, lambda store: people_query.query_ids(store, search=typed, sort="relevance"))
    assert target.id in expected and len(expected) < DEMO_PERSONS  # aliases may match too

    qtbot.keyClicks(page.search, typed)
    qtbot.waitUntil(lambda: page.model.ids() == expected, timeout=WAIT)
    row = page.model.row_of(target.id)
    qtbot.waitUntil(lambda: shown_text(page, row, Column.NAME) == target.name, timeout=WAIT)

    page.search.clear()
    qtbot.waitUntil(lambda: page.model.rowCount() == DEMO_PERSONS, timeout=WAIT)


def test_a_status_filter_keeps_only_that_status(qtbot, page, everyone):
    status, count = Counter(p.status for p in everyone).most_common(1)[0]
    assert count < DEMO_PERSONS
    assert page.status_filter.select(status)
    wanted = {p.id for p in everyone if p.status is status}
    qtbot.waitUntil(lambda: set(page.model.ids()) == wanted, timeout=WAIT)
    assert str(count) in page.count_label.text()
    page.status_filter.setCurrentIndex(0)
    qtbot.waitUntil(lambda: page.model.rowCount() == DEMO_PERSONS, timeout=WAIT)


def test_the_worker_filter_lists_the_workers(qtbot, page, ui_ctx, everyone):
    qtbot.waitUntil(lambda: page.worker_filter.count() > 1, timeout=WAIT)
    assert page.worker_filter.select(ui_ctx.actor.user_id)
    wanted = {p.id for p in everyone if p.assigned_worker == ui_ctx.actor.login}
    qtbot.waitUntil(lambda: set(page.model.ids()) == wanted, timeout=WAIT)


def test_sorting_by_a_header(qtbot, page, everyone):
    by_record = [p.id for p in sorted(everyone, key=lambda p: p.record_no, reverse=True)]
    page.table.sortByColumn(Column.RECORD_NO, Qt.SortOrder.DescendingOrder)
    qtbot.waitUntil(lambda: page.model.ids() == by_record, timeout=WAIT)

    birth = {p.id: p.birth_date for p in everyone}
    page.table.sortByColumn(Column.AGE, Qt.SortOrder.AscendingOrder)  # the youngest first
    youngest_first = sorted(birth.values(), reverse=True)
    qtbot.waitUntil(lambda: [birth[i] for i in page.model.ids()] == youngest_first, timeout=WAIT)

    header = page.table.horizontalHeader()
    x = header.sectionViewportPosition(Column.RISK) + header.sectionSize(Column.RISK) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    order = list(RiskColour)
    risk = {p.id: order.index(p.risk_colour) for p in everyone}
    qtbot.waitUntil(lambda: [risk[i] for i in page.model.ids()] == sorted(risk.values()), timeout=WAIT)
    assert page.model.query.sort == "risk_colour"


def test_enter_or_a_double_click_opens_the_file(qtbot, page, nav):
    page.select_row(2)
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert nav.opened == [(page.model.person_id(2), None)]

    rect = page.table.visualRect(page.model.index(4, Column.NAME))
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert nav.opened[-1] == (page.model.person_id(4), None)


def test_enter_in_the_search_opens_the_only_match(qtbot, page, nav, everyone):
    target = everyone[5]
    qtbot.keyClicks(page.search, target.id_number)
    qtbot.keyClick(page.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: nav.opened == [(target.id, None)], timeout=WAIT)


def test_keyboard_ctrl_f_and_down(qtbot, page):
    page.activateWindow()
    page.table.setFocus()
    qtbot.waitUntil(lambda: page.table.hasFocus(), timeout=WAIT)
    qtbot.keyClick(page.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: page.search.hasFocus(), timeout=WAIT)
    qtbot.keyClick(page.search, Qt.Key.Key_Down)
    assert page.table.hasFocus()
    assert page.table.currentIndex().row() == 0


def test_every_control_has_an_accessible_name(page):
    for widget in (
        page.search,
        page.register_button,
        page.measure_filter,
        page.status_filter,
        page.risk_filter,
        page.worker_filter,
        page.count_label,
        page.table,
    ):
        assert widget.accessibleName(), widget


def test_a_change_elsewhere_refreshes_that_row(qtbot, page, ui_ctx, everyone):
    target = everyone[0]
    new = RiskColour.RED if target.risk_colour is not RiskColour.RED else RiskColour.GREEN
    qtbot.waitUntil(
        lambda: shown_text(page, 0, Column.RISK) == target.risk_colour.label.render(), timeout=WAIT
    )
    run(qtbot, ui_ctx, lambda store: persons.update_profile(store, target.id, risk_colour=new))
    qtbot.waitUntil(lambda: shown_text(page, 0, Column.RISK) == new.label.render(), timeout=WAIT)


def test_registering_through_the_form_adds_a_row(qtbot, page, ui_ctx):
    qtbot.mouseClick(page.register_button, Qt.MouseButton.LeftButton)
    form = page.form
    assert form is not None and form.isVisible()
    form.name_field.setText("欧阳测试")  # keyClicks types ASCII only
    number = synthetic_id("19900307", 246)
    qtbot.keyClicks(form.id_field, number)
    assert form.birth_field.text() == "1990-03-07"
    assert form.sex_field.text() == Gender.FEMALE.label.render()
    qtbot.waitUntil(lambda: form.worker_combo.count() > 1, timeout=WAIT)
    assert form.worker_combo.value() == ui_ctx.actor.user_id
    with qtbot.waitSignal(form.saved, timeout=WAIT):
        qtbot.keyClick(form.id_field, Qt.Key.Key_Return)  # Enter saves
    assert not form.isVisible()
    qtbot.waitUntil(lambda: page.model.rowCount() == DEMO_PERSONS + 1, timeout=WAIT)
    qtbot.waitUntil(lambda: page.table.currentIndex().isValid(), timeout=WAIT)
    row = page.table.currentIndex().row()
    qtbot.waitUntil(lambda: shown_text(page, row, Column.NAME) == "欧阳测试", timeout=WAIT)
    assert shown_text(page, row, Column.STATUS) == PersonStatus.NOT_REPORTED.label.render()


def test_registering_with_the_measure_in_the_same_save(qtbot, ui_ctx):
    form = PersonForm(ui_ctx)
    qtbot.addWidget(form)
    form.show()
    form.name_field.setText("司马测试")  # keyClicks types ASCII only
    qtbot.keyClicks(form.id_field, synthetic_id("19881212", 135))
    form.measure_box.setChecked(True)
    assert form.kind_combo.select(MeasureKind.COMMUNITY_REHAB)
    form.ordered_on_field.set_value(date(2026, 6, 1))
    form.reported_on_field.set_value(date(2026, 6, 8))
    form.document_no_field.setText("社康决字〔2026〕9号")
    with qtbot.waitSignal(form.saved, timeout=WAIT) as saved:
        form.submit()
    person_id = saved.args[0].created[0]
    file = run(qtbot, ui_ctx, lambda store: persons.read_file(store, person_id))
    assert file.status is PersonStatus.IN_REHAB
    assert [m.document_no for m in file.measures] == ["社康决字〔2026〕9号"]


def test_a_wrong_check_character_is_shown_as_typed_and_nothing_is_saved(qtbot, ui_ctx):
    form = PersonForm(ui_ctx)
    qtbot.addWidget(form)
    form.show()
    good = synthetic_id("19850615", 357)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    form.name_field.setText("错号测试")  # keyClicks types ASCII only
    qtbot.keyClicks(form.id_field, bad[:-1])
    assert not form.errors["id_number"].isVisible()  # 17 characters: still being typed
    qtbot.keyClicks(form.id_field, bad[-1])
    error = form.errors["id_number"]
    assert error.isVisible() and f"“{good[-1]}”" in error.text()
    assert form.birth_field.text() == "" and form.sex_field.text() == ""

    form.submit()
    assert error.isVisible() and form.isVisible()
    assert form.buttons.isEnabled()  # nothing was sent to the database
    assert len(run(qtbot, ui_ctx, persons.summaries)) == DEMO_PERSONS

    qtbot.keyClick(form.id_field, Qt.Key.Key_Backspace)
    qtbot.keyClicks(form.id_field, good[-1])
    assert not error.isVisible()
    assert form.birth_field.text() == "1985-06-15"
    assert form.sex_field.text() == Gender.MALE.label.render()


def test_a_bad_phone_is_refused_beside_its_field(qtbot, ui_ctx):
    form = PersonForm(ui_ctx)
    qtbot.addWidget(form)
    form.show()
    form.name_field.setText("电话测试")  # keyClicks types ASCII only
    qtbot.keyClicks(form.id_field, synthetic_id("19700101", 111))
    form.phone_field.setText("12345")
    form.submit()
    assert form.errors["phone"].isVisible()
    form.phone_field.setText("+86 139 0000 1234")
    form.phone_field.editingFinished.emit()
    assert form.phone_field.text() == "13900001234"


def test_editing_a_profile_saves_only_what_changed(qtbot, ui_ctx, everyone):
    target = everyone[1]
    file = run(qtbot, ui_ctx, lambda store: persons.read_file(store, target.id))
    form = PersonForm(ui_ctx, person_id=target.id, profile=file.profile)
    qtbot.addWidget(form)
    assert form.measure_box is None
    assert form.birth_field.text() == target.birth_date.isoformat()
    assert form.collect() == {}
    form.residence_field.setText("新华街道1号")
    assert form.collect() == {"residence_address": "新华街道1号"}
    with qtbot.waitSignal(form.saved, timeout=WAIT):
        form.submit()
    after = run(qtbot, ui_ctx, lambda store: persons.read_file(store, target.id))
    assert after.profile.residence_address == "新华街道1号"
    assert after.profile.name == file.profile.name


def test_escape_cancels_without_saving(qtbot, page, ui_ctx):
    form = page.register_person()
    form.name_field.setText("取消测试")  # keyClicks types ASCII only
    qtbot.keyClicks(form.id_field, synthetic_id("19700101", 111))
    qtbot.keyClick(form.id_field, Qt.Key.Key_Escape)
    assert not form.isVisible()
    assert len(run(qtbot, ui_ctx, persons.summaries)) == DEMO_PERSONS


def test_the_selected_person_stays_selected_when_a_change_reorders_the_list(qtbot, page, ui_ctx, everyone):
    page.table.sortByColumn(Column.RISK, Qt.SortOrder.AscendingOrder)
    qtbot.waitUntil(lambda: page.model.query.sort == "risk_colour" and not page.model.loading, timeout=WAIT)
    target = next(p for p in everyone if p.risk_colour is not RiskColour.RED)
    page.select_row(page.model.row_of(target.id))
    run(qtbot, ui_ctx, lambda store: persons.update_profile(store, target.id, risk_colour=RiskColour.RED))
    qtbot.waitUntil(
        lambda: page.model.row_of(target.id) == 0 or shown_text(page, 0, Column.RISK) == "", timeout=WAIT
    )
    qtbot.waitUntil(lambda: page.model.person_id(page.table.currentIndex().row()) == target.id, timeout=WAIT)
    row = page.table.currentIndex().row()
    qtbot.waitUntil(lambda: shown_text(page, row, Column.RISK) == RiskColour.RED.label.render(), timeout=WAIT)


def test_overdue_only_keeps_the_people_the_rules_find_overdue(qtbot, ui_ctx, page):
    expected = run(qtbot, ui_ctx, people_query.overdue_people)
    assert expected
    page.overdue_filter.setChecked(True)
    qtbot.waitUntil(lambda: set(page.model.ids()) == expected, timeout=WAIT)
