"""Indicators: the month's figures with definitions; a figure drills down to the people behind it; the
charts draw the office's series."""

from __future__ import annotations

import pytest
from PySide6.QtCharts import QStackedBarSeries

from app.demo.office import SUPERVISOR_LOGIN, SUPERVISOR_PASSWORD
from models.enums import PersonStatus
from ui.charts import IndicatorCharts, month_label
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


# ---- charts --------------------------------------------------------------------------------------------


def bar_values(card) -> dict[str, list[float]]:  # type: ignore[no-untyped-def]
    """What a chart's bars say: each legend entry with its bar heights, in category order."""
    series = card.bar_series()
    return {s.label(): [s.at(i) for i in range(s.count())] for s in series.barSets()}


def expected_series(demo_dir, periods):  # type: ignore[no-untyped-def]
    """The demo office's series worked out here, apart from the page and its op: the latest of
    ``periods`` in which assistance was given (so that every chart has something to draw)."""
    from app.indicators.compute import Frame
    from app.indicators.load import load_dataset
    from app.indicators.period import Period, Scope
    from app.indicators.series import (
        assistance_by_kind,
        chart_months,
        compliance_by_worker,
        consolidation_by_month,
        status_by_month,
        tests_by_month,
    )
    from app.store.unlock import open_store
    from tests.ui.conftest import DEMO_TODAY

    store = open_store(demo_dir, SUPERVISOR_LOGIN, SUPERVISOR_PASSWORD, today=lambda: DEMO_TODAY)
    try:
        data = load_dataset(store)
        scope = Scope(store.office_code)
    finally:
        store.close()
    for code in periods:
        period = Period.parse(code)
        frame = Frame(data, period, scope)
        assistance = assistance_by_kind(frame)
        if any(r.people for r in assistance):
            months = chart_months(data, period)
            return {
                "period": code,
                "months": [m.code for m in months],
                "tests": tests_by_month(data, months, scope),
                "workers": compliance_by_worker(frame),
                "status": status_by_month(data, months, scope),
                "assistance": assistance,
                "consolidation": consolidation_by_month(data, months, scope),
            }
    raise AssertionError("the demo office gave no assistance in a year")


def test_the_charts_draw_the_demo_offices_series(qtbot, supervisor_ctx, demo_dir):
    page = IndicatorsPage(supervisor_ctx, Nav())
    qtbot.addWidget(page)
    page.resize(1280, 720)
    page.show()
    page.activate()
    qtbot.waitUntil(lambda: page.data is not None, timeout=30_000)
    want = expected_series(demo_dir, [page.period.itemData(i) for i in range(page.period.count())])
    page.period.setCurrentIndex(page.period.findData(want["period"]))
    qtbot.waitUntil(lambda: page.data.period.code == want["period"], timeout=30_000)
    page.tabs.setCurrentWidget(page.charts)
    charts = page.charts
    assert len(want["months"]) == 12 and want["months"][-1] == want["period"]

    # Tests per month: twelve months, the tests taken and the positives as two sets of bars.
    assert charts.tests.has_data and charts.tests.view.isVisible()
    assert charts.tests.categories() == [month_label(m) for m in want["months"]]
    assert bar_values(charts.tests) == {
        "Tests taken": [float(m.taken) for m in want["tests"]],
        "Positive": [float(m.positive) for m in want["tests"]],
    }
    assert sum(m.taken for m in want["tests"]) > 0  # the demo's year has tests to draw

    # Compliance: one bar per worker with windows due, top-down in the series' order, in percent.
    workers = [w for w in want["workers"] if w.value is not None]
    assert len(workers) >= 2
    names = charts.compliance.categories()
    assert [n.split(" (")[0] for n in reversed(names)] == [w.worker or "no worker assigned" for w in workers]
    assert f"({workers[0].met}/{workers[0].due} windows)" in names[-1]
    (rates,) = bar_values(charts.compliance).values()
    assert rates == [pytest.approx(round(w.value * 100, 1)) for w in reversed(workers)]

    # Status composition: a stacked set per status present, its people at each month's end.
    present = [s for s in PersonStatus if any(m.counts.get(s) for m in want["status"])]
    assert len(present) >= 2
    assert isinstance(charts.status.bar_series(), QStackedBarSeries)
    assert bar_values(charts.status) == {
        s.label.render(): [float(m.counts.get(s, 0)) for m in want["status"]] for s in present
    }

    # Assistance: the kinds given this period, people helped per kind, first kind on top.
    given = [r for r in want["assistance"] if r.people or r.records]
    assert charts.assistance.has_data
    assert list(reversed(charts.assistance.categories())) == [r.kind.label.render() for r in given]
    (people,) = bar_values(charts.assistance).values()
    assert people == [float(r.people) for r in reversed(given)]

    # Consolidation: a point per month the rate can be computed, at its percentage.
    line = charts.consolidation.line_series()
    points = [(p.x(), p.y()) for p in line.points()]
    assert points == [
        (float(i), pytest.approx(round(c.figure.value * 100, 1)))
        for i, c in enumerate(want["consolidation"])
        if c.figure.value is not None
    ]
    assert len(points) == 12  # every month has people under measure


def test_a_period_with_nothing_to_draw_says_so_instead_of_empty_axes(qtbot):
    from app.indicators.series import Series

    charts = IndicatorCharts()
    qtbot.addWidget(charts)
    charts.show()
    charts.show_series(Series((), (), (), (), (), (), ()))
    for card in charts.cards():
        assert not card.has_data
        assert card.stack.currentWidget() is card.empty and card.empty.isVisible()
        assert "Nothing to draw" in card.empty.text()
        assert card.chart.series() == []
