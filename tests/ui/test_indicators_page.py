"""Indicators: the month's figures with definitions; a figure drills down to the people behind it."""

from __future__ import annotations

from ui.pages.indicators import IndicatorsPage


class Nav:
    def __init__(self) -> None:
        self.opened = []

    def open_person(self, person_id, action=None):  # type: ignore[no-untyped-def]
        self.opened.append(person_id)

    def show_page(self, key):  # type: ignore[no-untyped-def]
        pass


def test_figures_show_with_definitions_and_drill_down(qtbot, supervisor_ctx):
    nav = Nav()
    page = IndicatorsPage(supervisor_ctx, nav)
    qtbot.addWidget(page)
    page.show()
    page.activate()
    qtbot.waitUntil(lambda: page.table.rowCount() >= 7, timeout=30_000)
    names = [page.table.item(r, 0).text() for r in range(page.table.rowCount())]
    assert any("检测率" in n for n in names) and any("巩固率" in n for n in names)
    assert all(page.table.item(r, 3).text() for r in range(page.table.rowCount()))  # every figure is defined
    row = next(r for r, f in enumerate(page.data.figures) if f.numerator_ids)
    page.table.selectRow(row)
    qtbot.waitUntil(lambda: page.people.count() == len(page.data.figures[row].numerator_ids), timeout=30_000)
    page.people.itemActivated.emit(page.people.item(0))
    assert nav.opened
