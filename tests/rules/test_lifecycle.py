"""The status state machine and the measure clock (suspension, resumption, closing, sequence)."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from app.rules.lifecycle import (
    ALLOWED,
    TransitionError,
    current_clock,
    measure_clocks,
    measure_end,
    replay,
    transition,
)
from models.enums import MeasureKind, PersonStatus

from .builders import REHAB, TREATMENT, S, d, event, measure, policy, reported, under

WORKER = uuid.UUID(int=7)


@pytest.mark.parametrize(
    ("current", "to"),
    [
        (S.NOT_REPORTED, S.IN_TREATMENT),
        (S.NOT_REPORTED, S.IN_REHAB),
        (S.IN_TREATMENT, S.ON_LEAVE),
        (S.ON_LEAVE, S.IN_TREATMENT),
        (S.IN_TREATMENT, S.SUSPENDED),
        (S.SUSPENDED, S.IN_TREATMENT),
        (S.SUSPENDED, S.TERMINATED),
        (S.IN_TREATMENT, S.IN_COMPULSORY),
        (S.IN_COMPULSORY, S.NOT_REPORTED),
        (S.IN_REHAB, S.COMPLETED),
        (S.COMPLETED, S.CLEAN_THREE_YEARS),
        (S.IN_TREATMENT, S.LOST),
        (S.LOST, S.IN_TREATMENT),
        (S.IN_TREATMENT, S.TRANSFERRED_OUT),
        (S.TRANSFERRED_OUT, S.IN_TREATMENT),
        (S.CLEAN_THREE_YEARS, S.NOT_REPORTED),
        (S.IN_REHAB, S.DECEASED),
    ],
)
def test_allowed_transitions(current: PersonStatus, to: PersonStatus) -> None:
    e = transition(current, to, on=d("2025-03-01"), reason="  recorded  ", by=WORKER)
    assert (e.from_status, e.to_status, e.on, e.by, e.reason) == (
        current,
        to,
        d("2025-03-01"),
        WORKER,
        "recorded",
    )


@pytest.mark.parametrize(
    ("current", "to", "words"),
    [
        (S.NOT_REPORTED, S.COMPLETED, "cannot change"),  # nothing to complete before reporting
        (S.IN_TREATMENT, S.IN_REHAB, "cannot change"),  # rehab follows compulsory treatment, not treatment
        (S.COMPLETED, S.IN_TREATMENT, "cannot change"),  # a new order first
        (S.IN_TREATMENT, S.CLEAN_THREE_YEARS, "cannot change"),
        (S.DECEASED, S.IN_TREATMENT, "final"),
        (S.IN_TREATMENT, S.IN_TREATMENT, "already"),
        (S.ON_LEAVE, S.COMPLETED, "cannot change"),
    ],
)
def test_forbidden_transitions(current: PersonStatus, to: PersonStatus, words: str) -> None:
    with pytest.raises(TransitionError) as caught:
        transition(current, to, on=d("2025-03-01"), reason="x", by=WORKER)
    assert words in caught.value.message.render("en")
    assert caught.value.message.render("zh_CN")


def test_every_status_can_end_in_death_and_death_is_final() -> None:
    assert all(S.DECEASED in nexts for status, nexts in ALLOWED.items() if status is not S.DECEASED)
    assert ALLOWED[S.DECEASED] == frozenset()


def test_a_change_needs_a_reason_an_orderly_date_and_no_future() -> None:
    with pytest.raises(TransitionError, match="reason"):
        transition(S.IN_TREATMENT, S.SUSPENDED, on=d("2025-03-01"), reason="   ", by=WORKER)
    with pytest.raises(TransitionError, match="after today"):
        transition(
            S.IN_TREATMENT, S.SUSPENDED, on=d("2025-03-02"), reason="x", by=WORKER, today=d("2025-03-01")
        )
    history = [
        event("2025-01-01", S.NOT_REPORTED, S.IN_TREATMENT),
        event("2025-02-01", S.IN_TREATMENT, S.ON_LEAVE),
    ]
    with pytest.raises(TransitionError, match="before the last change"):
        transition(S.ON_LEAVE, S.IN_TREATMENT, on=d("2025-01-15"), reason="x", by=WORKER, history=history)


def test_a_passing_state_returns_to_the_status_before_it() -> None:
    history = [event("2025-01-01", S.NOT_REPORTED, S.IN_REHAB), event("2025-02-01", S.IN_REHAB, S.SUSPENDED)]
    with pytest.raises(TransitionError) as caught:
        transition(
            S.SUSPENDED, S.IN_TREATMENT, on=d("2025-03-01"), reason="released", by=WORKER, history=history
        )
    assert "社区康复中" in caught.value.message.render("zh_CN")
    back = transition(
        S.SUSPENDED, S.IN_REHAB, on=d("2025-03-01"), reason="released", by=WORKER, history=history
    )
    assert back.to_status is S.IN_REHAB


def test_reporting_matches_the_measure() -> None:
    with pytest.raises(TransitionError, match="community rehabilitation"):
        transition(
            S.NOT_REPORTED,
            S.IN_TREATMENT,
            on=d("2025-03-01"),
            reason="x",
            by=WORKER,
            measure_kind=MeasureKind.COMMUNITY_REHAB,
        )


def test_a_transfer_records_the_new_office_and_keeps_the_history() -> None:
    out = transition(
        S.IN_TREATMENT,
        S.TRANSFERRED_OUT,
        on=d("2025-03-01"),
        reason="moved",
        by=WORKER,
        office_code="640104002",
    )
    history = [event("2025-01-01", S.NOT_REPORTED, S.IN_TREATMENT), out]
    arrived = transition(
        S.TRANSFERRED_OUT, S.IN_TREATMENT, on=d("2025-03-10"), reason="reported", by=WORKER, history=history
    )
    assert replay([*history, arrived]) is S.IN_TREATMENT


def test_replay_finds_the_bad_edge() -> None:
    good = [
        event("2025-01-01", S.NOT_REPORTED, S.IN_TREATMENT),
        event("2025-06-01", S.IN_TREATMENT, S.COMPLETED),
    ]
    assert replay(reversed(good)) is S.COMPLETED  # any order in, the dates decide
    with pytest.raises(TransitionError):
        replay([*good, event("2025-07-01", S.COMPLETED, S.IN_TREATMENT)])


# --- the clock ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reported_on", "kind", "ends", "expected_end"),
    [
        ("2024-03-10", TREATMENT, None, "2027-03-09"),
        ("2024-02-29", TREATMENT, None, "2027-02-28"),  # leap day
        ("2023-03-01", REHAB, None, "2026-02-28"),
        ("2024-01-31", TREATMENT, None, "2027-01-30"),  # the 31st
        ("2024-05-20", REHAB, "2026-05-19", "2026-05-19"),  # an order of two years fixes its own end
    ],
)
def test_term_end(reported_on: str, kind: MeasureKind, ends: str | None, expected_end: str) -> None:
    m = measure(reported_on, kind=kind, ends=ends)
    clock = measure_end(under(m), m.id, policy(), d("2025-01-01"))
    assert clock is not None
    assert clock.end == clock.nominal_end == d(expected_end)
    assert not clock.provisional and clock.suspended_days == 0


def test_suspension_stops_the_clock_and_resumption_restarts_it() -> None:
    m = measure("2024-01-10")
    events = (
        event("2024-06-01", S.IN_TREATMENT, S.SUSPENDED),
        event("2024-07-16", S.SUSPENDED, S.IN_TREATMENT),
        event("2025-02-01", S.IN_TREATMENT, S.SUSPENDED),
        event("2025-02-11", S.SUSPENDED, S.IN_TREATMENT),
    )
    clock = measure_end(under(m, events=events), m.id, policy(), d("2025-06-01"))
    assert clock is not None
    assert clock.suspended_days == 45 + 10
    assert clock.end == d("2027-01-09") + timedelta(days=55)
    assert clock.running_on(d("2024-05-31")) and not clock.running_on(d("2024-06-01"))
    assert not clock.running_on(d("2024-07-15")) and clock.running_on(d("2024-07-16"))
    # Measure time skips the suspension: the day back is the day the clock stopped.
    assert clock.virtual(d("2024-07-16")) == d("2024-06-01")
    assert clock.real(d("2024-06-01")) == d("2024-07-16")
    assert clock.real(clock.virtual(d("2025-03-03"))) == d("2025-03-03")


def test_an_open_suspension_makes_the_end_provisional() -> None:
    m = measure("2024-01-10")
    person = under(m, status=S.SUSPENDED, events=(event("2025-01-01", S.IN_TREATMENT, S.SUSPENDED),))
    clock = measure_end(person, m.id, policy(), d("2025-01-10"))
    assert clock is not None and clock.provisional
    assert clock.suspended_days == 10  # to today, and still growing
    assert clock.end == d("2027-01-09") + timedelta(days=10)


def test_leave_loss_and_transfer_do_not_stop_the_clock() -> None:
    m = measure("2024-01-10")
    events = (
        event("2024-03-01", S.IN_TREATMENT, S.ON_LEAVE),
        event("2024-03-20", S.ON_LEAVE, S.IN_TREATMENT),
        event("2024-05-01", S.IN_TREATMENT, S.TRANSFERRED_OUT),
        event("2024-05-10", S.TRANSFERRED_OUT, S.IN_TREATMENT),
        event("2024-08-01", S.IN_TREATMENT, S.LOST),
        event("2024-09-01", S.LOST, S.IN_TREATMENT),
    )
    clock = measure_end(under(m, events=events), m.id, policy(), d("2025-01-01"))
    assert clock is not None and clock.end == d("2027-01-09")


def test_two_measures_in_sequence() -> None:
    first = measure("2020-01-10")
    second = measure("2022-07-01", kind=REHAB, ordered="2022-06-20")
    events = (
        reported(first),
        event("2021-03-01", S.IN_TREATMENT, S.IN_COMPULSORY),
        event("2022-06-20", S.IN_COMPULSORY, S.NOT_REPORTED),
        reported(second),
    )
    person = under(first, events=events[1:])
    person = type(person)(person.person_id, S.IN_REHAB, measures=(second, first), status_events=events)
    clocks = measure_clocks(person, policy(), d("2023-01-01"))
    assert [c.measure.id for c in clocks] == [first.id, second.id]
    assert clocks[0].closed_on == d("2021-03-01") and clocks[0].last_day == d("2021-02-28")
    assert clocks[1].end == d("2025-06-30") and clocks[1].closed_on is None
    current = current_clock(clocks, d("2023-01-01"))
    assert current is not None and current.measure.id == second.id
    assert current_clock(clocks, d("2020-06-01")) == clocks[0]
    assert current_clock(clocks, d("2021-06-01")) is None  # in compulsory treatment
