"""Scopes (an office, a county, a province), a transfer between offices, periods, and empty figures.

A store holds one office today, so the county cases build the Dataset by hand from the rules' facts, the
way county data synced later will arrive: records of several offices, one moved between two of them.
"""

from __future__ import annotations

from datetime import date

import pytest

from app.errors import UserError
from app.indicators import Dataset, Period, PersonRecord, Scope, compute, for_store
from app.indicators import definitions as d
from app.rules.facts import PersonFacts, StatusEvent
from models.enums import PersonStatus
from tests.rules import builders as b

S = PersonStatus
TODAY = date(2026, 6, 30)
OFFICE_1, OFFICE_2, OTHER_COUNTY = "640104001", "640104002", "640105001"


def record(office: str, *tests: str, events=(), offices=(), status=S.IN_TREATMENT) -> PersonRecord:
    m = b.measure("2026-01-01")
    facts = PersonFacts(
        b.new_id(),
        status,
        measures=(m,),
        status_events=(b.reported(m), *events),
        tests=tuple(b.drug_test(t) for t in tests),
    )
    return PersonRecord(facts, office, offices=offices)


@pytest.fixture
def county() -> tuple[Dataset, dict[str, PersonRecord]]:
    p = {
        "x": record(OFFICE_1, "2026-05-10"),
        "y": record(OFFICE_2),
        "z": record(OTHER_COUNTY, "2026-05-05"),
    }
    # Moved from office 1 (05-10) and arrived at office 2 (05-20), tested there on 05-25.
    first = b.measure("2026-01-01")
    events = (
        b.reported(first),
        StatusEvent(b.new_id(), date(2026, 5, 10), S.IN_TREATMENT, S.TRANSFERRED_OUT),
        StatusEvent(b.new_id(), date(2026, 5, 20), S.TRANSFERRED_OUT, S.IN_TREATMENT),
    )
    p["moved"] = PersonRecord(
        PersonFacts(b.new_id(), S.IN_TREATMENT, measures=(first,), status_events=events,
                    tests=(b.drug_test("2026-04-10"), b.drug_test("2026-05-25"))),
        OFFICE_2,
        offices=((date(2026, 1, 1), OFFICE_1), (date(2026, 5, 10), OFFICE_1), (date(2026, 5, 20), OFFICE_2)),
    )  # fmt: skip
    return Dataset(tuple(p.values()), b.policy(), TODAY), p


def ids(*people: PersonRecord):
    return tuple(sorted(p.id for p in people))


@pytest.mark.parametrize(
    ("scope", "met", "due"),
    [
        (OFFICE_1, ["x"], ["x"]),  # the moved person's May window ends at office 2
        (OFFICE_2, ["moved"], ["y", "moved"]),
        ("640104", ["x", "moved"], ["x", "y", "moved"]),  # the county: every office starting with it
        ("640105", ["z"], ["z"]),
        ("64", ["x", "z", "moved"], ["x", "y", "z", "moved"]),  # the province
    ],
)
def test_a_scope_is_every_office_whose_code_starts_with_it(county, scope, met, due):
    data, p = county
    f = compute(data, Period.parse("2026-05"), Scope.parse(scope)).figure(d.TEST_COMPLIANCE)
    assert f.numerator_ids == ids(*(p[k] for k in met))
    assert f.denominator_ids == ids(*(p[k] for k in due))


def test_before_the_move_the_windows_were_the_old_offices(county):
    data, p = county
    april = Period.parse("2026-04")
    old = compute(data, april, Scope(OFFICE_1)).figure(d.TEST_COMPLIANCE)
    assert (old.numerator_ids, old.denominator_ids) == (ids(p["moved"]), ids(p["x"], p["moved"]))
    new = compute(data, april, Scope(OFFICE_2)).figure(d.TEST_COMPLIANCE)
    assert (new.numerator, new.denominator_ids) == (0, ids(p["y"]))


def test_a_person_moved_within_the_county_is_under_measure_at_both_offices_for_their_days(county):
    data, p = county
    may = Period.parse("2026-05")
    for scope, people in (
        (OFFICE_1, ["x", "moved"]),
        (OFFICE_2, ["y", "moved"]),
        ("640104", ["x", "y", "moved"]),
    ):
        f = compute(data, may, Scope(scope)).figure(d.LOST_RATE)
        assert f.denominator_ids == ids(*(p[k] for k in people)), scope
        assert f.value == 0.0
    # In June the person is office 2's only.
    june = compute(data, Period.parse("2026-06"), Scope(OFFICE_1)).figure(d.LOST_RATE)
    assert june.denominator_ids == ids(p["x"])


def test_an_empty_scope_or_period_gives_none_for_rates_and_zero_for_counts(county):
    data, _ = county
    for period, scope in (("2026-05", "640199"), ("2027-01", "640104"), ("2020", "640104")):
        ind = compute(data, Period.parse(period), Scope.parse(scope))
        for f in ind.figures:
            assert f.numerator == 0, (period, scope, f.key)
            if f.denominator is not None:
                assert f.denominator == 0 and f.value is None, (period, scope, f.key)
            else:
                assert f.value == 0.0


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2026-10", date(2026, 10, 1), date(2026, 10, 31)),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29)),
        ("2026-Q4", date(2026, 10, 1), date(2026, 12, 31)),
        ("2026q1", date(2026, 1, 1), date(2026, 3, 31)),
        ("2026", date(2026, 1, 1), date(2026, 12, 31)),
    ],
)
def test_periods_are_months_quarters_and_years(text, start, end):
    period = Period.parse(text)
    assert (period.start, period.end) == (start, end)
    assert Period.parse(period.code) == period


def test_the_same_period_last_year_and_the_months_of_a_period():
    assert Period.parse("2024-02").last_year() == Period.parse("2023-02")
    assert Period.parse("2026-Q2").last_year() == Period.parse("2025-Q2")
    assert [m.code for m in Period.parse("2026-Q3").months()] == ["2026-07", "2026-08", "2026-09"]
    assert Period.parse("2026-10").label("zh_CN") == "2026年10月"
    assert Period.parse("2026-Q4").label("en") == "Q4 2026"


@pytest.mark.parametrize("text", ["2026-13", "2026-Q5", "26-10", "十月", "2026-10-01", ""])
def test_a_malformed_period_is_a_user_error_in_both_languages(text):
    with pytest.raises(UserError) as error:
        Period.parse(text)
    assert "2026-Q4" in error.value.render("zh_CN") and "quarter" in error.value.render("en")


@pytest.mark.parametrize("text", ["64010", "6401040011", "abcdef", ""])
def test_a_malformed_scope_is_a_user_error(text):
    with pytest.raises(UserError):
        Scope.parse(text)


def test_the_store_refuses_a_scope_without_its_office_and_a_period_not_begun(store):
    with pytest.raises(UserError) as error:
        for_store(store, "2026-05", "640105")
    assert "640105" in error.value.render("zh_CN")
    with pytest.raises(UserError) as error:
        for_store(store, "2026-07")  # today is 2026-06-30
    assert "尚未开始" in error.value.render("zh_CN")
    assert for_store(store, "2026-05", "640104").scope == Scope("640104")
    assert for_store(store, "2026-05").scope == Scope("640104001")  # the store's own office by default
