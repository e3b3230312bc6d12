"""The demo office generator: deterministic, valid identities, a coherent chronology, and the scale."""

from __future__ import annotations

import itertools
from collections import Counter
from datetime import date, timedelta
from uuid import UUID

import pytest

from app.demo import office as demo
from app.demo.identities import id_birth_date, id_gender, id_number_is_valid, is_synthetic_phone
from app.demo.office import DemoOffice, DemoPerson, generate_office, generate_staff, iter_people
from app.rules.lifecycle import NOBODY, transition
from app.services.inputs import MeasureInput, StatusChangeInput
from models.enums import (
    AssistanceKind,
    MeasureKind,
    PersonStatus,
    RiskColour,
    Role,
    TestResult,
    ViolationKind,
    VisitKind,
)
from models.values import check_id_matches, normalise_phone, parse_id_number

TODAY = date(2026, 6, 30)
COMMUNITY = (MeasureKind.COMMUNITY_TREATMENT, MeasureKind.COMMUNITY_REHAB)
UNDER = {
    MeasureKind.COMMUNITY_TREATMENT: PersonStatus.IN_TREATMENT,
    MeasureKind.COMMUNITY_REHAB: PersonStatus.IN_REHAB,
    MeasureKind.COMPULSORY: PersonStatus.IN_COMPULSORY,
}
S = PersonStatus
# The edges the generator uses: a narrower set than app.rules.lifecycle allows (checked separately below).
ALLOWED = {
    S.NOT_REPORTED: {S.IN_TREATMENT, S.IN_REHAB, S.IN_COMPULSORY},
    S.IN_TREATMENT: {
        S.ON_LEAVE, S.SUSPENDED, S.COMPLETED, S.TERMINATED, S.IN_COMPULSORY,
        S.LOST, S.TRANSFERRED_OUT, S.DECEASED,
    },
    S.ON_LEAVE: {S.IN_TREATMENT, S.IN_REHAB},
    S.SUSPENDED: {S.IN_TREATMENT, S.IN_REHAB},
    S.IN_COMPULSORY: {S.NOT_REPORTED},
    S.COMPLETED: {S.CLEAN_THREE_YEARS},
}  # fmt: skip
ALLOWED[S.IN_REHAB] = ALLOWED[S.IN_TREATMENT]


@pytest.fixture(scope="module")
def office() -> DemoOffice:
    return generate_office(today=TODAY)


@pytest.fixture(scope="module")
def people(office: DemoOffice) -> list[DemoPerson]:
    return office.people


def _anniversary(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28) + timedelta(days=1)


def _community(person: DemoPerson) -> list[MeasureInput]:
    return [m for m in person.measures if m.kind in COMMUNITY]


def _first_report(person: DemoPerson) -> date | None:
    reports = [m.reported_on for m in _community(person) if m.reported_on is not None]
    return min(reports) if reports else None


def _compulsory_spans(person: DemoPerson) -> list[tuple[date, date]]:
    return [
        (m.ordered_on, m.ends_on or date.max) for m in person.measures if m.kind is MeasureKind.COMPULSORY
    ]


# --- determinism and shape -----------------------------------------------------------------------------


def test_same_seed_and_today_give_identical_output(office: DemoOffice) -> None:
    again = generate_office(today=TODAY)
    assert again == office
    assert generate_office(today=TODAY, seed=2) != office
    assert generate_office(today=TODAY + timedelta(days=1)) != office


def test_iter_people_streams_the_same_people(office: DemoOffice) -> None:
    assert list(iter_people(today=TODAY)) == office.people
    # A generator: the first person comes without building the rest.
    first = next(iter_people(persons=10_000, today=TODAY, facts_per_person=None))
    assert isinstance(first, DemoPerson)


def test_default_office_shape(office: DemoOffice) -> None:
    assert (office.office_code, office.office_name) == ("640104001", "胜利街道")
    assert len(office.people) == 120
    roles = Counter(s.role for s in office.staff)
    assert roles == {Role.ADMIN: 1, Role.SUPERVISOR: 1, Role.WORKER: 2}
    logins = {s.login: s for s in office.staff}
    assert logins[demo.ADMIN_LOGIN].password == demo.ADMIN_PASSWORD == "demo-admin-2026"
    assert logins["wangli"].password == demo.WORKER_PASSWORD == "demo-worker-2026"
    assert logins[demo.SUPERVISOR_LOGIN].role is Role.SUPERVISOR
    workers = {s.login for s in office.staff if s.role is Role.WORKER}
    caseloads = Counter(p.worker_login for p in office.people)
    assert set(caseloads) == workers
    assert all(is_synthetic_phone(s.phone) for s in office.staff)
    # Realistic density: several thousand facts, a few dozen a person.
    assert 3_000 <= office.fact_count <= 8_000


def test_more_workers_get_generated_logins() -> None:
    staff = generate_staff(4)
    assert [s.login for s in staff if s.role is Role.WORKER] == ["wangli", "mahui", "worker03", "worker04"]
    with pytest.raises(ValueError):
        generate_staff(0)


def test_person_ids_are_placeholders(people: list[DemoPerson]) -> None:
    for p in people:
        for group in (p.measures, p.status_changes, p.agreements, p.visits, p.tests, p.assistance,
                      p.leaves, p.violations):  # fmt: skip
            assert all(item.person_id == demo.PLACEHOLDER_ID for item in group)
        assert all(a.measure_id is None for a in p.agreements)
        assert p.person.assigned_worker_id is None


def test_unknown_county_is_refused() -> None:
    with pytest.raises(ValueError, match="no demo region"):
        generate_office(today=TODAY, persons=1, office_code="110101001")
    with pytest.raises(ValueError, match="9 digits"):
        generate_office(today=TODAY, persons=1, office_code="640104")


def test_other_known_county() -> None:
    office = generate_office(today=TODAY, persons=20, office_code="640221003", office_name="城关镇")
    assert all(p.person.id_number.startswith("640221") for p in office.people)
    assert all("平罗县城关镇" in p.person.household_address for p in office.people)
    assert all(m.ordered_by == "平罗县公安局" for p in office.people for m in p.measures)


# --- identities ----------------------------------------------------------------------------------------


def test_every_id_number_is_valid_and_agrees_with_the_record(people: list[DemoPerson]) -> None:
    numbers = [p.person.id_number for p in people]
    assert len(set(numbers)) == len(numbers)
    for p in people:
        person = p.person
        assert id_number_is_valid(person.id_number)
        parsed = parse_id_number(person.id_number, today=TODAY)  # the services' own rule
        assert parsed.number == person.id_number
        check_id_matches(parsed, birth_date=person.birth_date, gender=person.gender)
        assert id_birth_date(person.id_number) == person.birth_date
        assert id_gender(person.id_number) is person.gender
        assert person.id_number[:6] == "640104"
        assert person.birth_date is not None
        # 18 at the first order at least, and at most 60 today.
        first_order = min(m.ordered_on for m in p.measures)
        assert _anniversary(person.birth_date, 18) <= first_order
        assert _anniversary(person.birth_date, 61) > TODAY


def test_names_phones_and_addresses_look_real_but_are_synthetic(people: list[DemoPerson]) -> None:
    for p in people:
        person = p.person
        assert 2 <= len(person.name) <= 3
        assert person.phone == "" or (is_synthetic_phone(person.phone) and person.phone.startswith("19900"))
        if person.phone:
            assert normalise_phone(person.phone) == person.phone
        assert person.household_address.startswith("宁夏回族自治区银川市兴庆区胜利街道")
        assert person.residence_address
        assert person.drug_types
        roles = {m.role for m in person.work_group}
        assert {"worker", "police", "family"} <= {r.value for r in roles}
        for member in person.work_group:
            assert 2 <= len(member.name) <= 4
            assert is_synthetic_phone(member.phone)
    assert sum(1 for p in people if p.person.phone) > 100
    assert sum(1 for p in people if p.person.household_address != p.person.residence_address) > 10


# --- dates and chronology ------------------------------------------------------------------------------


def _event_dates(p: DemoPerson) -> list[date]:
    """Every date that records something that happened (planned dates may lie ahead)."""
    dates: list[date | None] = [p.person.birth_date, p.person.first_found_on]
    dates += [d for m in p.measures for d in (m.ordered_on, m.reported_on)]
    dates += [c.on for c in p.status_changes]
    dates += [a.signed_on for a in p.agreements]
    dates += [v.visited_on for v in p.visits]
    dates += [t.tested_on for t in p.tests]
    dates += [a.given_on for a in p.assistance]
    dates += [d for leave in p.leaves for d in (leave.starts_on, leave.returned_on)]
    dates += [d for v in p.violations for d in (v.occurred_on, v.reported_to_police_on)]
    return [d for d in dates if d is not None]


def test_nothing_happens_after_today(people: list[DemoPerson]) -> None:
    for p in people:
        assert max(_event_dates(p)) <= TODAY


def test_history_spans_three_years(people: list[DemoPerson]) -> None:
    visits = [v.visited_on for p in people for v in p.visits]
    assert min(visits) < TODAY - timedelta(days=3 * 365 - 60)
    assert max(visits) > TODAY - timedelta(days=30)
    orders = [m.ordered_on for p in people for m in p.measures]
    # Orders cover the three years, plus the caseload carried in from up to a year before.
    assert min(orders) >= TODAY - timedelta(days=4 * 366)
    assert sum(1 for d in orders if d >= TODAY - timedelta(days=3 * 366)) > 0.8 * len(orders)


def test_report_within_fifteen_days_and_agreement_at_report(people: list[DemoPerson]) -> None:
    never = 0
    for p in people:
        reports = []
        for m in _community(p):
            if m.reported_on is None:
                never += 1
                continue
            assert 0 <= (m.reported_on - m.ordered_on).days <= demo.REPORT_DAYS
            reports.append(m.reported_on)
        assert sorted(a.signed_on for a in p.agreements) == sorted(reports)
        for a in p.agreements:
            assert a.valid_until is not None and a.valid_until > a.signed_on
    assert 1 <= never <= 12  # a few never report (or have not yet)


def test_status_changes_follow_the_measures_and_the_lifecycle(people: list[DemoPerson]) -> None:
    for p in people:
        changes = p.status_changes
        assert [c.on for c in changes] == sorted(c.on for c in changes)
        assert all(c.reason for c in changes)
        status = S.NOT_REPORTED
        for c in changes:
            assert c.to_status in ALLOWED.get(status, set()), (status, c)
            status = c.to_status
        for m in p.measures:
            if m.reported_on is not None:
                assert any(c.on == m.reported_on and c.to_status is UNDER[m.kind] for c in changes)
        if not any(m.reported_on for m in p.measures):
            assert p.status is S.NOT_REPORTED


def test_histories_pass_the_app_lifecycle(people: list[DemoPerson]) -> None:
    """Replayed as the loader does: measures and changes by date, a report moving the person under its
    measure, and a change to the status already held skipped."""
    for p in people:
        events: list[tuple[date, int, MeasureInput | StatusChangeInput]] = [
            (m.reported_on or m.ordered_on, 0, m) for m in p.measures
        ]
        events += [(c.on, 1, c) for c in p.status_changes]
        current, history = S.NOT_REPORTED, []
        for on, _, item in sorted(events, key=lambda e: (e[0], e[1])):
            if isinstance(item, MeasureInput):
                if item.reported_on is None:
                    continue
                to, reason, kind = UNDER[item.kind], "报到", item.kind
            else:
                to, reason, kind = item.to_status, item.reason, None
                if to is current:
                    continue
            event = transition(
                current, to, on=on, reason=reason, by=NOBODY, history=history, measure_kind=kind,
                today=TODAY, event_id=UUID(int=len(history) + 1),
            )  # fmt: skip
            history.append(event)
            current = to
        assert current is p.status


def test_visits_and_tests_only_under_a_community_measure(people: list[DemoPerson]) -> None:
    for p in people:
        first = _first_report(p)
        if first is None:
            assert not p.visits and not p.tests and not p.assistance and not p.leaves
            continue
        spans = _compulsory_spans(p)
        for day in [v.visited_on for v in p.visits] + [t.tested_on for t in p.tests]:
            assert day >= first
            assert not any(start <= day <= end for start, end in spans)
        for v in p.visits:
            assert v.next_contact_on is None or v.next_contact_on > v.visited_on
            assert v.participants and v.summary
        assert [v.visited_on for v in p.visits] == sorted(v.visited_on for v in p.visits)
        assert [t.tested_on for t in p.tests] == sorted(t.tested_on for t in p.tests)


def test_leaves_return_after_they_start(people: list[DemoPerson]) -> None:
    returned = away_now = 0
    for p in people:
        previous_end: date | None = None
        for leave in p.leaves:
            assert leave.ends_on > leave.starts_on
            assert leave.destination and leave.reason and leave.approved_by
            if leave.returned_on is None:
                away_now += 1
                assert p.status is S.ON_LEAVE
            else:
                returned += 1
                assert leave.returned_on > leave.starts_on
            if previous_end is not None:
                assert leave.starts_on > previous_end  # leaves never overlap
            previous_end = leave.returned_on or TODAY
            # Nobody is tested while away.
            last = leave.returned_on or TODAY
            assert not any(leave.starts_on <= t.tested_on <= last for t in p.tests)
    assert returned > 50


def test_violations_are_reported_after_they_occur(people: list[DemoPerson]) -> None:
    for p in people:
        for v in p.violations:
            assert v.description
            if v.reported_to_police_on is not None:
                assert v.reported_to_police_on >= v.occurred_on


# --- realism -------------------------------------------------------------------------------------------


def test_a_mix_of_statuses_measures_and_colours(people: list[DemoPerson]) -> None:
    statuses = Counter(p.status for p in people)
    assert statuses[S.IN_TREATMENT] > statuses[S.IN_REHAB] > 10
    assert statuses[S.NOT_REPORTED] >= 1
    assert statuses[S.IN_COMPULSORY] >= 1
    assert statuses[S.COMPLETED] + statuses[S.CLEAN_THREE_YEARS] >= 5
    ended = {S.TERMINATED, S.LOST, S.TRANSFERRED_OUT, S.DECEASED, S.SUSPENDED}
    assert len(ended & set(statuses)) >= 2
    ever = {c.to_status for p in people for c in p.status_changes}
    assert {S.ON_LEAVE, S.COMPLETED, S.CLEAN_THREE_YEARS, S.IN_COMPULSORY} <= ever
    kinds = Counter(m.kind for p in people for m in p.measures)
    assert set(kinds) == set(MeasureKind)
    assert kinds[MeasureKind.COMMUNITY_TREATMENT] > kinds[MeasureKind.COMMUNITY_REHAB]
    assert len({p.person.risk_colour for p in people}) >= 3
    assert {v.kind for p in people for v in p.visits} == set(VisitKind)


def test_a_few_relapses_and_refusals(people: list[DemoPerson]) -> None:
    relapsed = [p for p in people if any(t.result is TestResult.POSITIVE for t in p.tests)]
    assert 2 <= len(relapsed) <= 25
    # Some relapses lead to compulsory treatment, ordered after the positive test.
    to_compulsory = 0
    for p in relapsed:
        positive = min(t.tested_on for t in p.tests if t.result is TestResult.POSITIVE)
        if any(c.to_status is S.IN_COMPULSORY and c.on > positive for c in p.status_changes):
            to_compulsory += 1
        latest = max(t.tested_on for t in p.tests if t.result is TestResult.POSITIVE)
        if p.status in (S.IN_TREATMENT, S.IN_REHAB) and (TODAY - latest).days < 150:
            assert p.person.risk_colour is RiskColour.RED  # a recent relapse makes a person red
    assert to_compulsory >= 1
    refusals = [(p, t) for p in people for t in p.tests if t.result is TestResult.REFUSED]
    assert refusals
    for p, t in refusals:
        assert any(
            v.kind is ViolationKind.TEST_REFUSED and v.occurred_on == t.tested_on for v in p.violations
        )


def test_most_test_windows_are_met(people: list[DemoPerson]) -> None:
    """Windows of the default schedule, for people under their only measure all along."""
    due = met = 0
    for p in people:
        if len(p.measures) != 1 or p.status not in (S.IN_TREATMENT, S.IN_REHAB):
            continue
        if any(c.to_status is S.SUSPENDED for c in p.status_changes):
            continue
        m = p.measures[0]
        assert m.reported_on is not None
        schedule = demo.TEST_SCHEDULE[m.kind]
        tested = [t.tested_on for t in p.tests]
        for year, per_year in enumerate(schedule):
            start, end = _anniversary(m.reported_on, year), _anniversary(m.reported_on, year + 1)
            bounds = [start + (end - start) * i / per_year for i in range(per_year + 1)]
            for a, b in itertools.pairwise(bounds):
                if b > TODAY:
                    break
                due += 1
                met += any(a <= d < b for d in tested)
    assert due > 500
    assert 0.8 < met / due < 0.99


def test_assistance_kinds_and_amounts(people: list[DemoPerson]) -> None:
    given = [a for p in people for a in p.assistance]
    assert len({a.kind for a in given}) >= 7
    money = {AssistanceKind.MINIMUM_ALLOWANCE, AssistanceKind.TEMPORARY_RELIEF, AssistanceKind.MEDICAL}
    for a in given:
        assert a.provider and a.details
        if a.kind in money:
            assert a.amount is not None and a.amount > 0
        if a.kind in (AssistanceKind.COUNSELLING, AssistanceKind.LEGAL_AID, AssistanceKind.TRAINING):
            assert a.amount is None
    assert any(a.outcome.value.startswith("employed") for a in given)


# --- scale ---------------------------------------------------------------------------------------------


def test_density_follows_the_target() -> None:
    people = list(iter_people(persons=300, today=TODAY, facts_per_person=60))
    mean = sum(p.fact_count for p in people) / len(people)
    assert 50 <= mean <= 70


def test_county_size_office_reaches_a_million_facts() -> None:
    total = 0
    for p in iter_people(persons=10_000, today=TODAY):
        total += p.fact_count
    assert 900_000 <= total <= 1_100_000
