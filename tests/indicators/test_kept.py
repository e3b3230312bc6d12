"""The last indicators worked out are kept for the report of the same figures, and never outlive a write."""

from __future__ import annotations

from datetime import date, timedelta

from app.indicators import for_store, summary
from app.reports import report_for_store
from app.store.store import Changes
from models.enums import TestResult
from tests.indicators.helpers import drug_test, under_treatment


def test_the_report_of_the_figures_on_screen_reuses_them(store):
    pid = under_treatment(store, date(2026, 1, 1))
    drug_test(store, pid, date(2026, 5, 10))
    shown = for_store(store, "2026-05")
    # the same period and scope, written another way
    assert for_store(store, " 2026-5 ", store.office_code) is shown
    assert report_for_store(store, "2026-05").indicators is shown
    assert for_store(store, "2026-04") is not shown
    assert for_store(store, "2026-05") is not shown  # only the last ones are kept


def test_a_write_or_another_day_works_them_out_again(store):
    pid = under_treatment(store, date(2026, 1, 1))
    before = for_store(store, "2026-05")
    assert before.series.tests[-1].taken == 0
    drug_test(store, pid, date(2026, 5, 10), TestResult.POSITIVE)
    after = for_store(store, "2026-05")
    assert (after.series.tests[-1].taken, after.series.tests[-1].positive) == (1, 1)
    assert for_store(store, "2026-05") is after

    today = store.today()
    store.today = lambda: today + timedelta(days=1)
    assert for_store(store, "2026-05") is not after
    assert for_store(store, "2026-05").today == today + timedelta(days=1)


def test_figures_worked_out_while_the_store_was_written_are_not_kept(store, monkeypatch):
    under_treatment(store, date(2026, 1, 1))
    prepare = summary.prepare

    def written_meanwhile(*args, **kwargs):
        found = prepare(*args, **kwargs)
        for listener in list(store.listeners):  # as a write on another thread tells of itself
            listener(Changes(entities={"drug_test"}))
        return found

    monkeypatch.setattr(summary, "prepare", written_meanwhile)
    first = for_store(store, "2026-05")
    monkeypatch.setattr(summary, "prepare", prepare)
    assert for_store(store, "2026-05") is not first
