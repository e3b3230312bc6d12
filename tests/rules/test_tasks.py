"""Tasks and warnings for a person on a day: each rule at its edges, named in both languages."""

from __future__ import annotations

from dataclasses import replace

from app.rules.facts import PersonFacts, RiskFlag, RiskFlagKind
from app.rules.tasks import Task, review, tasks_for, warnings_for
from models.enums import PersonStatus, TestResult, ViolationKind

from .builders import (
    PERSON,
    REHAB,
    S,
    agreement,
    d,
    drug_test,
    event,
    leave,
    measure,
    policy,
    under,
    violation,
    visit,
)


def by_rule(person: PersonFacts, today: str, rule: str) -> list[Task]:
    return [t for t in tasks_for(person, d(today), policy()) if t.rule == rule]


def test_reporting_deadline_then_refusal() -> None:
    m = measure(None, ordered="2025-01-01")
    person = PersonFacts(PERSON, S.NOT_REPORTED, measures=(m,))
    (task,) = by_rule(person, "2025-01-10", "report.deadline")
    assert (task.opens, task.due, task.overdue, task.closes) == (
        d("2025-01-01"),
        d("2025-01-16"),
        False,
        None,
    )
    assert by_rule(person, "2025-01-16", "escalation.refusal") == []
    (late,) = by_rule(person, "2025-01-20", "report.deadline")
    assert late.overdue
    (refusal,) = by_rule(person, "2025-01-20", "escalation.refusal")
    assert refusal.due == d("2025-02-01")


def test_agreement_at_reporting_and_its_renewal() -> None:
    m = measure("2025-01-01")
    (sign,) = by_rule(under(m, signed=False), "2025-01-05", "agreement.sign")
    assert (sign.due, sign.overdue) == (d("2025-01-08"), False)
    assert by_rule(under(m, signed=False), "2025-01-09", "agreement.sign")[0].overdue
    short = under(m, signed=False, agreements=(agreement("2025-01-01", m, until="2025-06-30"),))
    assert by_rule(short, "2025-05-30", "agreement.renew") == []
    (renew,) = by_rule(short, "2025-05-31", "agreement.renew")
    assert (renew.due, renew.overdue) == (d("2025-06-30"), False)
    assert by_rule(short, "2025-07-01", "agreement.renew")[0].overdue


def test_leave_running_out_and_overstayed() -> None:
    m = measure("2025-01-01")
    away = leave("2025-03-01", "2025-03-10")
    gone = under(
        m, status=S.ON_LEAVE, leaves=(away,), events=(event("2025-03-01", S.IN_TREATMENT, S.ON_LEAVE),)
    )
    assert by_rule(gone, "2025-03-06", "leave.return") == []
    (ret,) = by_rule(gone, "2025-03-07", "leave.return")
    assert (ret.due, ret.overdue) == (d("2025-03-10"), False)
    assert by_rule(gone, "2025-03-12", "leave.return")[0].overdue
    (overstay,) = by_rule(gone, "2025-03-12", "leave.overstayed")
    assert "not back" in overstay.message.render("en")

    back_late = under(m, leaves=(leave("2025-03-01", "2025-03-10", "2025-03-15"),))
    (overstay,) = by_rule(back_late, "2025-03-16", "leave.overstayed")
    assert "5 days late" in overstay.message.render("en") and "逾期 5 天" in overstay.message.render("zh_CN")
    recorded = replace(back_late, violations=(violation("2025-03-15", ViolationKind.LEAVE_OVERSTAYED, 5),))
    assert by_rule(recorded, "2025-03-16", "leave.overstayed") == []
    on_time = under(m, leaves=(leave("2025-03-01", "2025-03-10", "2025-03-10"),))
    assert by_rule(on_time, "2025-03-16", "leave.overstayed") == []


def test_leave_limits_warn() -> None:
    m = measure("2025-01-01")
    long = under(m, leaves=(leave("2025-02-01", "2025-03-12", "2025-03-12"),))  # 40 days
    assert [w.rule for w in warnings_for(long, d("2025-04-01"), policy())] == ["leave.limit"]
    many = under(m, leaves=tuple(leave(f"2025-0{i}-01", f"2025-0{i}-21", f"2025-0{i}-21") for i in (2, 4, 6)))
    (total,) = warnings_for(many, d("2025-07-01"), policy())
    assert "63 days" in total.message.render("en")


def test_completion_counts_the_suspension() -> None:
    m = measure("2022-01-10")
    person = under(m, tests=(drug_test("2024-12-01"),))
    assert by_rule(person, "2024-12-09", "measure.completion") == []
    (task,) = by_rule(person, "2024-12-10", "measure.completion")
    assert (task.opens, task.due) == (d("2024-12-10"), d("2025-01-16"))
    held = (
        event("2023-05-01", S.IN_TREATMENT, S.SUSPENDED),
        event("2023-05-11", S.SUSPENDED, S.IN_TREATMENT),
    )
    (task,) = by_rule(under(m, events=held), "2024-12-25", "measure.completion")
    assert task.due == d("2025-01-26") and "10 days added" in task.message.render("en")
    done = under(m, status=S.COMPLETED, events=(event("2025-01-12", S.IN_TREATMENT, S.COMPLETED),))
    assert by_rule(done, "2025-01-13", "measure.completion") == []


def test_lost_contact() -> None:
    m = measure("2025-01-01")
    person = under(m, visits=(visit("2025-02-01"),))
    assert [
        w.rule for w in warnings_for(person, d("2025-03-03"), policy())
    ] == []  # 30 days: not more than 30
    (lost,) = warnings_for(person, d("2025-03-04"), policy())
    assert lost.rule == "contact.lost" and "31 days" in lost.message.render("en")
    away = replace(
        person, leaves=(leave("2025-02-10", "2025-03-01", "2025-03-01"),)
    )  # counted from the return
    assert warnings_for(away, d("2025-03-04"), policy()) == []


def test_status_that_does_not_match_the_measures() -> None:
    (warning,) = warnings_for(PersonFacts(PERSON, S.IN_TREATMENT), d("2025-03-04"), policy())
    assert warning.rule == "status.mismatch"
    wrong = replace(under(measure("2025-01-01")), status=PersonStatus.IN_REHAB)
    assert "status.mismatch" in [w.rule for w in warnings_for(wrong, d("2025-01-04"), policy())]
    (warning,) = warnings_for(PersonFacts(PERSON, S.NOT_REPORTED), d("2025-03-04"), policy())
    assert warning.rule == "status.mismatch"


def test_red_tests_every_30_days_on_top_of_a_sparse_schedule() -> None:
    m = measure("2022-01-01", kind=REHAB)
    flag = RiskFlag(m.id, d("2024-02-01"), RiskFlagKind.MENTAL_INSTABILITY)
    person = under(m, tests=(drug_test("2024-01-15"),), risk_flags=(flag,), visits=(visit("2024-02-20"),))
    assert by_rule(person, "2024-02-20", "test.interval") == []
    (task,) = by_rule(person, "2024-02-24", "test.interval")  # 7 days ahead of the 30th day since the flag
    assert (task.due, task.overdue, task.closes) == (d("2024-03-02"), False, None)
    tested = replace(person, tests=(*person.tests, drug_test("2024-02-25")))
    assert by_rule(tested, "2024-03-01", "test.interval") == []


def test_every_task_and_warning_names_its_rule_in_both_languages() -> None:
    m = measure("2025-01-01")
    person = under(
        m,
        signed=False,
        tests=(drug_test("2025-02-03", TestResult.REFUSED),),
        leaves=(leave("2025-03-01", "2025-03-10", "2025-03-15"),),
    )
    result = review(person, d("2025-04-20"), policy())
    assert result.tasks and result.warnings
    for item in (*result.tasks, *result.warnings):
        for lang in ("zh_CN", "en"):
            text = item.message.render(lang)
            assert item.rule_name.render(lang) in text, (item.rule, lang, text)
            assert "{" not in text
    keys = [t.key for t in result.tasks]
    assert len(keys) == len(set(keys))
