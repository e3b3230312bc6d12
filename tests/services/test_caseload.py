"""The rules over the store: tasks follow the records, escalations close when reported, policy applies."""

from __future__ import annotations

from datetime import date

import pytest

from app.errors import UserError
from app.rules.tasks import TaskKind
from app.services import caseload, facts, measures, persons
from app.services.inputs import (
    DrugTestInput,
    MeasureInput,
    PersonInput,
    PoliceReportInput,
    RiskOverrideInput,
    VisitInput,
)
from models.enums import EscalationKind, MeasureKind, RiskColour, TestResult, VisitKind
from tests.conftest import TODAY, make_id


@pytest.fixture
def person(store):
    pid = persons.register(store, PersonInput(name="张三", id_number=make_id())).created[0]
    measures.order(
        store,
        MeasureInput(
            person_id=pid,
            kind=MeasureKind.COMMUNITY_TREATMENT,
            ordered_on=date(2026, 5, 1),
            reported_on=date(2026, 5, 10),
        ),
    )
    return pid


def kinds(store, pid, overdue=None):
    return {
        t.kind for t in caseload.person_review(store, pid).tasks if overdue is None or t.overdue is overdue
    }


def test_an_untested_month_is_overdue_and_a_test_in_it_clears_it(store, person):
    assert TaskKind.TEST in kinds(store, person, overdue=True)  # 2026-05-10..06-09 had no test
    facts.record(store, DrugTestInput(person_id=person, tested_on=date(2026, 6, 1)))
    assert TaskKind.TEST not in kinds(store, person, overdue=True)


def test_a_positive_test_opens_a_police_report_until_it_is_recorded(store, person):
    facts.record(
        store, DrugTestInput(person_id=person, tested_on=date(2026, 6, 20), result=TestResult.POSITIVE)
    )
    review = caseload.person_review(store, person)
    (report,) = [t for t in review.tasks if t.kind is TaskKind.POLICE_REPORT]
    assert report.due == date(2026, 7, 15)  # 15 days from the day the office learnt of it (recorded today)
    assert "公安" in report.message.render("zh_CN")
    facts.record(
        store,
        PoliceReportInput(
            person_id=person, reported_on=TODAY, kind=EscalationKind.RELAPSE, incident_ids=[report.subject_id]
        ),
    )
    assert TaskKind.POLICE_REPORT not in kinds(store, person)


def test_a_void_fact_no_longer_counts(store, person):
    test_id = facts.record(store, DrugTestInput(person_id=person, tested_on=date(2026, 6, 1))).created[0]
    from models.enums import FactKind

    facts.void(store, FactKind.DRUG_TEST, test_id, "录错人员")
    assert TaskKind.TEST in kinds(store, person, overdue=True)


def test_a_corrected_fact_counts_as_its_newest_version(store, person):
    test_id = facts.record(store, DrugTestInput(person_id=person, tested_on=date(2026, 6, 1))).created[0]
    assert TaskKind.POLICE_REPORT not in kinds(store, person)
    facts.correct(
        store,
        test_id,
        DrugTestInput(person_id=person, tested_on=date(2026, 6, 1), result=TestResult.POSITIVE),
        "化验结果更正",
    )
    assert TaskKind.POLICE_REPORT in kinds(store, person)  # the positive correction, not the first entry
    facts.correct(store, test_id, DrugTestInput(person_id=person, tested_on=date(2026, 6, 1)), "复核为阴性")
    assert TaskKind.POLICE_REPORT not in kinds(store, person)
    assert TaskKind.TEST not in kinds(store, person, overdue=True)  # still one test in the window


def test_an_override_of_the_colour_needs_a_reason_and_changes_visit_frequency(store, person):
    with pytest.raises(UserError):
        facts.record(
            store, RiskOverrideInput(person_id=person, set_on=TODAY, colour=RiskColour.GREEN, reason=" ")
        )
    facts.record(
        store, RiskOverrideInput(person_id=person, set_on=TODAY, colour=RiskColour.RED, reason="家属反映异常")
    )
    assert caseload.person_review(store, person).risk.colour is RiskColour.RED


def test_the_caseload_is_by_worker_and_follows_new_records(store, person):
    everyone = caseload.caseload(store)
    assert person in everyone
    facts.record(store, VisitInput(person_id=person, visited_on=TODAY, kind=VisitKind.HOME))
    assert caseload.caseload(store)[person].tasks != everyone[person].tasks


def test_an_office_policy_file_takes_effect_and_a_broken_one_is_refused(store, person):
    before = caseload.person_review(store, person)
    (store.data_dir.root / "policy.toml").write_text(
        "version = 1\n[tasks]\nmissed_visible_days = 0\n", encoding="utf-8"
    )
    after = caseload.person_review(store, person)
    assert len([t for t in after.tasks if t.overdue]) < len([t for t in before.tasks if t.overdue])
    (store.data_dir.root / "policy.toml").write_text("version = 1\n[taks]\nmissed_visible_days = 0\n")
    with pytest.raises(UserError) as error:
        caseload.person_review(store, person)
    text = error.value.render("zh_CN")
    assert "policy.toml" in text and "tasks" in text  # names the file and suggests the right key
