"""Refusals, relapses, serious violations and the police reports they call for."""

from __future__ import annotations

from dataclasses import replace

import pytest

from app.rules.facts import EscalationKind, PersonFacts, PoliceReportFact
from app.rules.tasks import tasks_for
from app.rules.violations import SeriousGround, escalations_for, relapsed_during_measure, serious_violation
from models.enums import TestResult, ViolationKind

from .builders import PERSON, S, d, drug_test, measure, new_id, policy, under, violation

REFUSED = TestResult.REFUSED
AWOL = ViolationKind.ABSENT_WITHOUT_LEAVE


def refusing(*days: str) -> PersonFacts:
    return under(measure("2025-01-01"), tests=tuple(drug_test(day, REFUSED) for day in days))


@pytest.mark.parametrize(
    ("tests", "violations", "serious_on"),
    [
        (["2025-02-01", "2025-03-01"], [], None),  # two refusals: not yet
        (["2025-02-01", "2025-03-01", "2025-04-01"], [], "2025-04-01"),  # the third crosses the line
        (
            ["2025-02-01", "2025-03-01"],
            [("2025-03-01", ViolationKind.TEST_REFUSED)],
            None,
        ),  # one refusal, two records
        (
            ["2025-02-01"],
            [("2025-03-01", ViolationKind.TEST_REFUSED), ("2025-05-01", ViolationKind.TEST_REFUSED)],
            "2025-05-01",
        ),
        (["2024-12-20", "2025-02-01", "2025-03-01"], [], None),  # the first was before the measure began
    ],
)
def test_serious_violation_by_refusals(
    tests: list[str], violations: list[tuple[str, ViolationKind]], serious_on: str | None
) -> None:
    person = under(
        measure("2025-01-01"),
        tests=tuple(drug_test(day, REFUSED) for day in tests),
        violations=tuple(violation(day, kind) for day, kind in violations),
    )
    found = serious_violation(person, d("2025-06-01"), policy())
    assert (found.on.isoformat() if found else None) == serious_on
    if found:
        assert found.ground is SeriousGround.REFUSALS


@pytest.mark.parametrize(
    ("absences", "serious_on"),
    [
        ([("2025-02-01", 5), ("2025-03-01", 5)], None),
        ([("2025-02-01", 5), ("2025-03-01", 5), ("2025-04-01", 1)], "2025-04-01"),  # three times
        ([("2025-02-01", 20), ("2025-03-01", 10)], None),  # 30 days in total: not more than 30
        ([("2025-02-01", 20), ("2025-03-01", 11)], "2025-03-01"),  # 31 days
        ([("2025-02-01", 31)], "2025-02-01"),
    ],
)
def test_serious_violation_by_absence(absences: list[tuple[str, int]], serious_on: str | None) -> None:
    person = under(
        measure("2025-01-01"), violations=tuple(violation(day, AWOL, days) for day, days in absences)
    )
    found = serious_violation(person, d("2025-06-01"), policy())
    assert (found.on.isoformat() if found else None) == serious_on
    if found:
        assert found.ground is SeriousGround.ABSENCES


def test_relapse_is_a_positive_test_during_the_term() -> None:
    m = measure("2025-01-01")
    person = under(
        m,
        tests=(
            drug_test("2024-12-01", TestResult.POSITIVE),
            drug_test("2025-03-01", TestResult.POSITIVE),
            drug_test("2025-03-01", TestResult.POSITIVE),
        ),
    )
    relapses = relapsed_during_measure(person, d("2025-06-01"), policy())
    assert [r.on for r in relapses] == [d("2025-03-01")]  # an on-site test and its re-test: one relapse


def test_each_escalation_stays_open_until_reported() -> None:
    person = refusing("2025-02-01", "2025-03-01", "2025-04-01")
    found = escalations_for(person, d("2025-06-01"), policy())
    kinds = [(e.kind, e.occurred_on) for e in found]
    assert kinds == [
        (EscalationKind.REFUSAL, d("2025-02-01")),
        (EscalationKind.REFUSAL, d("2025-03-01")),
        (EscalationKind.REFUSAL, d("2025-04-01")),
        (EscalationKind.SERIOUS_VIOLATION, d("2025-04-01")),
    ]
    assert all(e.open and e.deadline == e.learnt_on + (d("2025-01-16") - d("2025-01-01")) for e in found)
    tasks = [t for t in tasks_for(person, d("2025-06-01"), policy()) if t.kind.value == "police_report"]
    assert len(tasks) == 4 and all(t.overdue and t.closes is None for t in tasks)
    assert "serious violation" in tasks[-1].rule_name.render("en")

    # One report naming the serious violation closes that item only.
    serious = found[-1]
    named = PoliceReportFact(
        new_id(), d("2025-04-05"), EscalationKind.SERIOUS_VIOLATION, frozenset({serious.incident_id})
    )
    # A report without ids (a ledger import) closes every refusal known by its day.
    ledger = PoliceReportFact(new_id(), d("2025-03-10"), EscalationKind.REFUSAL)
    reported = replace(person, police_reports=(named, ledger))
    still_open = [e for e in escalations_for(reported, d("2025-06-01"), policy()) if e.open]
    assert [(e.kind, e.occurred_on) for e in still_open] == [(EscalationKind.REFUSAL, d("2025-04-01"))]


def test_the_deadline_runs_from_when_the_office_learnt() -> None:
    late = drug_test("2025-03-01", TestResult.POSITIVE, recorded="2025-03-20")  # a lab result, entered later
    person = under(measure("2025-01-01"), tests=(late,))
    (relapse,) = escalations_for(person, d("2025-03-21"), policy())
    assert (relapse.kind, relapse.occurred_on, relapse.learnt_on) == (
        EscalationKind.RELAPSE,
        d("2025-03-01"),
        d("2025-03-20"),
    )
    assert relapse.deadline == d("2025-04-04")
    (task,) = [t for t in tasks_for(person, d("2025-03-21"), policy()) if t.rule == "escalation.relapse"]
    assert not task.overdue


@pytest.mark.parametrize(
    ("reported_on", "today", "refusal_on"),
    [
        ("2025-01-16", "2025-03-01", None),  # the 15th day after the order: on time
        ("2025-01-17", "2025-03-01", "2025-01-17"),  # a day late: counts as refusal
        (None, "2025-01-16", None),  # not yet, still within the deadline
        (None, "2025-01-17", "2025-01-17"),
    ],
)
def test_reporting_late_counts_as_refusal(
    reported_on: str | None, today: str, refusal_on: str | None
) -> None:
    m = measure(reported_on, ordered="2025-01-01")
    person = under(m) if reported_on else PersonFacts(PERSON, S.NOT_REPORTED, measures=(m,))
    found = [e for e in escalations_for(person, d(today), policy()) if e.incident_id == m.id]
    assert (found[0].occurred_on.isoformat() if found else None) == refusal_on
