"""Risk colour (score, triggers, override) and three years clean."""

from __future__ import annotations

import uuid
from dataclasses import replace
from pathlib import Path

import pytest

from app.rules.clean import clean_status
from app.rules.facts import PersonFacts, RiskAssessment, RiskFlag, RiskFlagKind, RiskOverride
from app.rules.policy import DEFAULT_POLICY_PATH, RiskTrigger, load_policy
from app.rules.risk import RiskError, RiskSource, make_override, risk_colour
from app.rules.tasks import tasks_for
from models.enums import RiskColour, TestResult

from .builders import PERSON, REHAB, S, d, drug_test, event, measure, new_id, policy, reported, under

R, Y, B, G = RiskColour.RED, RiskColour.YELLOW, RiskColour.BLUE, RiskColour.GREEN


@pytest.mark.parametrize(
    ("drivers", "score", "colour"),
    [
        (
            dict(
                drug_type="heroin",
                severity="dependent",
                behaviour="compliant",
                past_treatments=2,
                months_clean=6,
                family="none",
                employment="unemployed",
            ),
            16,
            R,
        ),
        (
            dict(
                drug_type="methamphetamine",
                severity="regular",
                behaviour="compliant",
                past_treatments=0,
                months_clean=12,
                family="strained",
                employment="employed",
            ),
            8,
            Y,
        ),
        (
            dict(
                drug_type="ketamine",
                severity="occasional",
                behaviour="compliant",
                past_treatments=0,
                months_clean=24,
                family="strained",
                employment="employed",
            ),
            4,
            B,
        ),
        (
            dict(
                drug_type="cannabis",
                severity="occasional",
                behaviour="compliant",
                past_treatments=0,
                months_clean=40,
                family="supportive",
                employment="employed",
            ),
            1,
            G,
        ),
        (
            dict(
                drug_type="heroin",
                severity="regular",
                behaviour="minor_breaches",
                past_treatments=0,
                months_clean=36,
                family="supportive",
                employment="employed",
            ),
            7,
            B,
        ),  # one short of yellow
        (
            dict(
                drug_type="glue",
                severity="occasional",
                behaviour="compliant",
                past_treatments=0,
                months_clean=36,
                family="supportive",
                employment="employed",
            ),
            2,
            G,
        ),  # unknown drug: its default
    ],
)
def test_colour_from_the_drivers(drivers: dict[str, str | int], score: int, colour: RiskColour) -> None:
    person = under(
        measure("2025-01-01"), risk_assessment=RiskAssessment.of(new_id(), d("2025-01-05"), **drivers)
    )
    result = risk_colour(person, d("2025-02-01"), policy())
    assert (result.score, result.colour, result.source) == (score, colour, RiskSource.ASSESSMENT)


def test_drivers_left_out_are_derived_from_the_facts() -> None:
    first, second, third = measure("2018-01-01"), measure("2021-06-01"), measure("2025-01-01")
    events = (
        reported(first),
        event("2019-01-01", S.IN_TREATMENT, S.IN_COMPULSORY),
        event("2021-05-20", S.IN_COMPULSORY, S.NOT_REPORTED),
        reported(second),
        event("2022-01-01", S.IN_TREATMENT, S.IN_COMPULSORY),
        event("2024-12-20", S.IN_COMPULSORY, S.NOT_REPORTED),
        reported(third),
    )
    assessment = RiskAssessment.of(
        new_id(),
        d("2025-01-05"),
        drug_type="cannabis",
        severity="occasional",
        behaviour="compliant",
        family="supportive",
        employment="employed",
    )
    person = PersonFacts(
        PERSON,
        S.IN_TREATMENT,
        measures=(first, second, third),
        status_events=events,
        tests=(drug_test("2024-06-01", TestResult.POSITIVE),),
        risk_assessment=assessment,
    )
    # cannabis 1 + two past measures 2 + 8 months clean since the positive test 3
    assert risk_colour(person, d("2025-02-01"), policy()).score == 6


def test_no_assessment_uses_the_colour_on_file_then_the_default() -> None:
    person = under(measure("2025-01-01"))
    assert risk_colour(person, d("2025-02-01"), policy()).source is RiskSource.DEFAULT
    assert risk_colour(person, d("2025-02-01"), policy()).colour is B
    on_file = replace(person, risk_colour=G)
    assert (
        risk_colour(on_file, d("2025-02-01"), policy()).colour,
        risk_colour(on_file, d("2025-02-01"), policy()).source,
    ) == (G, RiskSource.ON_FILE)


@pytest.mark.parametrize(
    ("case", "today", "colour", "trigger"),
    [
        ("refusal", "2025-03-02", R, RiskTrigger.REFUSAL),
        ("refusal", "2025-05-29", R, RiskTrigger.REFUSAL),  # the 90th day
        ("refusal", "2025-05-30", G, None),  # the hold is over
        ("self_harm", "2025-03-02", R, RiskTrigger.SELF_HARM),
        ("self_harm_resolved", "2025-03-12", G, None),  # the worker closed the flag on the 10th
        ("mental", "2025-03-02", R, RiskTrigger.MENTAL_INSTABILITY),
        ("serious", "2025-04-02", R, RiskTrigger.SERIOUS_VIOLATION),
    ],
)
def test_top_colour_triggers(case: str, today: str, colour: RiskColour, trigger: RiskTrigger | None) -> None:
    person = replace(under(measure("2025-01-01")), risk_colour=G)
    if case == "refusal":
        person = replace(person, tests=(drug_test("2025-03-01", TestResult.REFUSED),))
    elif case.startswith("self_harm"):
        until = d("2025-03-10") if case.endswith("resolved") else None
        person = replace(
            person, risk_flags=(RiskFlag(new_id(), d("2025-03-01"), RiskFlagKind.SELF_HARM, until),)
        )
    elif case == "mental":
        person = replace(
            person, risk_flags=(RiskFlag(new_id(), d("2025-03-01"), RiskFlagKind.MENTAL_INSTABILITY),)
        )
    else:
        refused = tuple(
            drug_test(day, TestResult.REFUSED) for day in ("2025-01-10", "2025-02-10", "2025-04-01")
        )
        person = replace(person, tests=refused)
    result = risk_colour(person, d(today), policy())
    assert (result.colour, result.trigger) == (colour, trigger)
    if trigger is not None:
        assert (
            result.source is RiskSource.TRIGGER
            and "raised to the top risk colour" in result.reason.render("en")
        )


def test_an_override_after_the_trigger_wins_one_before_it_does_not() -> None:
    refused = replace(under(measure("2025-01-01")), tests=(drug_test("2025-03-01", TestResult.REFUSED),))
    before = RiskOverride(new_id(), d("2025-02-01"), G, reason="stable")
    after = RiskOverride(new_id(), d("2025-03-05"), Y, reason="the refusal was a misunderstanding")
    assert risk_colour(replace(refused, risk_override=before), d("2025-03-10"), policy()).colour is R
    result = risk_colour(replace(refused, risk_override=after), d("2025-03-10"), policy())
    assert (result.colour, result.source, result.since) == (Y, RiskSource.OVERRIDE, d("2025-03-05"))
    expired = replace(after, until=d("2025-03-08"))
    assert risk_colour(replace(refused, risk_override=expired), d("2025-03-10"), policy()).colour is R


def test_an_override_needs_a_reason() -> None:
    with pytest.raises(RiskError) as caught:
        make_override(Y, on=d("2025-03-01"), reason=" ", by=uuid.UUID(int=1), policy=policy())
    assert "reason" in caught.value.message.render("en") and "理由" in caught.value.message.render("zh_CN")
    made = make_override(
        Y, on=d("2025-03-01"), reason=" family support ", by=uuid.UUID(int=1), policy=policy()
    )
    assert (made.colour, made.reason) == (Y, "family support")


# --- three years clean ------------------------------------------------------------------------------------


def completed(*tests: object, extra: tuple[object, ...] = ()) -> PersonFacts:
    m = measure("2020-01-10")
    done = event("2023-01-12", S.IN_TREATMENT, S.COMPLETED)
    return replace(under(m, status=S.COMPLETED, events=(done,)), tests=tests, measures=(m, *extra))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("today", "qualifies"),
    [("2026-01-09", False), ("2026-01-10", True)],  # the term ended 2023-01-09: counted from the 10th
)
def test_three_years_clean_from_the_end_of_the_measure(today: str, qualifies: bool) -> None:
    status = clean_status(completed(), d(today), policy())
    assert (status.counted_from, status.qualifies_on, status.qualifies) == (
        d("2023-01-10"),
        d("2026-01-10"),
        qualifies,
    )
    rules = [t.rule for t in tasks_for(completed(), d(today), policy())]
    assert ("clean.three_years" in rules) is qualifies


def test_a_positive_test_restarts_the_count() -> None:
    status = clean_status(completed(drug_test("2024-05-01", TestResult.POSITIVE)), d("2026-06-01"), policy())
    assert (status.counted_from, status.qualifies_on, status.qualifies) == (
        d("2024-05-02"),
        d("2027-05-02"),
        False,
    )


def test_a_new_order_stops_the_count() -> None:
    pending = measure(None, kind=REHAB, ordered="2025-01-01")
    assert not clean_status(completed(extra=(pending,)), d("2026-06-01"), policy()).qualifies


def test_counting_from_the_last_positive_test(tmp_path: Path) -> None:
    office = tmp_path / "office.toml"
    office.write_text('[clean]\ncounted_from = "last_positive"\n', encoding="utf-8")
    p = load_policy(DEFAULT_POLICY_PATH, override=office)
    status = clean_status(completed(drug_test("2020-06-01", TestResult.POSITIVE)), d("2023-06-02"), p)
    assert (status.counted_from, status.qualifies) == (d("2020-06-02"), True)
    assert clean_status(completed(), d("2023-01-12"), p).counted_from == d("2020-01-10")  # never positive


def test_under_measure_is_not_counted() -> None:
    assert not clean_status(under(measure("2020-01-10")), d("2026-01-10"), policy()).qualifies
