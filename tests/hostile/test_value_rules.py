"""Every value rule, fed anything at all: a clean value back, or a clear sentence in Chinese and English.

The rules in models/values.py (ID numbers, phones, dates, required text, dates not in the future, an ID
number agreeing with the recorded birth date and sex), and the services that apply them when a person
is registered or a fact recorded. A refusal is a ValueRuleError (the services: a UserError) whose
message is a complete sentence in both languages naming what is wrong, and a refused record leaves
nothing behind. Anything else (a crash, a half-written record) fails.

tests/models/test_values.py holds the rules' own examples and round trips; this file is the hostile half.
"""

from __future__ import annotations

import re
import string
import time
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from app.errors import UserError
from app.services import facts, persons
from app.services.inputs import AssistanceInput, DrugTestInput, LeaveInput, PersonInput, VisitInput
from models import OutboxChange, values
from models.enums import AssistanceKind, Gender, VisitKind
from models.text import Message
from models.values import ValueRuleError
from tests.conftest import TODAY, make_id
from tests.figures import Figures

CJK = re.compile(r"[\u4e00-\u9fff]")

# What a hostile value looks like: any text (full-width digits and letters, blanks of every kind,
# control characters, emoji, very long), and for dates also numbers, booleans and objects.
any_text = st.one_of(
    st.text(max_size=40),
    st.text(
        alphabet=st.sampled_from("0123456789XxＸ０１２３４５６７８９ -/.年月日()+\t\u3000\u200b"), max_size=24
    ),
    st.text(min_size=500, max_size=2000),
)
any_date_value = st.one_of(
    any_text,
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
    st.dates(),
    st.datetimes(),
    st.builds(object),
)

# Rules checked below; a rule added to models.values without a hostile test here fails the registry test.
COVERED = {
    "parse_id_number",
    "normalise_phone",
    "parse_date",
    "require",
    "check_not_future",
    "check_id_matches",
}
NOT_RULES = {"IdNumber", "ValueRuleError", "id_check_char"}  # a result type, the error, a checksum helper


def assert_clear(message: Message, field: str = "") -> None:
    """A refusal the user can act on: a sentence in each language, formatted, naming the problem."""
    zh, en = message.render("zh_CN"), message.render("en")
    assert zh.strip() and en.strip() and zh != en, (zh, en)
    assert CJK.search(zh), zh
    for template in (message.text.zh, message.text.en):  # every blank of the sentence is filled
        wanted = {name for _, name, _, _ in string.Formatter().parse(template) if name}
        assert wanted <= set(message.params), (template, message.params)


def check_rule(rule: Any, *args: Any, **kwargs: Any) -> Any:
    """Apply a rule; a refusal must be a ValueRuleError with a clear message and a field. Returns the value
    or None when refused."""
    try:
        return rule(*args, **kwargs)
    except ValueRuleError as refusal:
        assert_clear(refusal.message)
        assert refusal.field, "a refusal must say which field it is about"
        return None


def test_every_value_rule_has_a_hostile_test() -> None:
    public = set(values.__all__) - NOT_RULES
    assert public == COVERED, f"value rules without a hostile test: {sorted(public - COVERED)}"


@settings(max_examples=200, deadline=None)
@given(any_text)
def test_id_numbers(text: str) -> None:
    parsed = check_rule(values.parse_id_number, text, today=TODAY)
    if parsed is not None:
        assert re.fullmatch(r"\d{17}[\dX]", parsed.number)
        assert values.parse_id_number(parsed.number, today=TODAY) == values.parse_id_number(
            parsed.number, today=TODAY
        )
        assert parsed.birth_date <= TODAY


@settings(max_examples=200, deadline=None)
@given(any_text)
def test_phones(text: str) -> None:
    phone = check_rule(values.normalise_phone, text)
    if phone is not None:
        assert phone.isascii() and set(phone) <= set(string.digits + "-")
        assert values.normalise_phone(phone) == phone  # canonical: the rule takes its own output back


@settings(max_examples=200, deadline=None)
@given(any_date_value)
def test_dates(value: object) -> None:
    parsed = check_rule(values.parse_date, value)
    if parsed is not None:
        assert isinstance(parsed, date) and parsed.year >= 1900


@given(st.one_of(st.none(), any_text), st.sampled_from(["name", "reason", "notes"]))
def test_required_text(text: str | None, field: str) -> None:
    kept = check_rule(values.require, text, field)
    if kept is not None:
        assert kept == kept.strip() and kept


@given(st.dates(), st.dates(), st.sampled_from(["visited_on", "tested_on", "first_found_on"]))
def test_dates_not_in_the_future(day: date, today: date, field: str) -> None:
    kept = check_rule(values.check_not_future, day, today=today, field=field)
    assert (kept is None) == (day > today)


@given(
    st.dates(min_value=date(1900, 1, 1), max_value=TODAY),
    st.integers(0, 999),
    st.one_of(st.none(), st.dates()),
    st.one_of(st.none(), st.sampled_from(list(Gender))),
)
def test_an_id_number_against_the_recorded_birth_date_and_sex(
    birth: date, seq: int, recorded_birth: date | None, recorded_gender: Gender | None
) -> None:
    idn = values.parse_id_number(make_id(f"{birth:%Y%m%d}", seq), today=TODAY)
    check_rule(values.check_id_matches, idn, birth_date=recorded_birth, gender=recorded_gender)


# ---- the services that apply the rules ------------------------------------------------------------------
def outbox_size(store: Any) -> int:
    with store.read() as session:
        return session.scalar(select(func.count()).select_from(OutboxChange)) or 0


def check_service(store: Any, call: Any, tally: dict[str, int]) -> bool:
    """Run a service call: it saves, or refuses with a clear sentence and writes nothing at all."""
    before = outbox_size(store)
    try:
        call()
    except UserError as refusal:
        assert_clear(refusal.message)
        assert outbox_size(store) == before, "a refused record left something behind"
        tally["refused"] += 1
        return False
    tally["saved"] += 1
    return True


@pytest.fixture(scope="module")
def tally(figures: Figures) -> Any:
    counts = {"saved": 0, "refused": 0}
    started = time.monotonic()
    yield counts
    figures.record(
        "hostile values through the services",
        rounds=counts["saved"] + counts["refused"],
        faults={"refused with a clear sentence": counts["refused"]},
        checked=counts["saved"] + counts["refused"],
        lost=0,
        seconds=time.monotonic() - started,
        notes=f"{counts['saved']} accepted and read back canonical",
    )


person_inputs = st.builds(
    PersonInput,
    name=st.one_of(any_text, st.just("张三")),
    id_number=st.one_of(any_text, st.builds(lambda s: make_id(seq=s), st.integers(0, 999))),
    gender=st.one_of(st.none(), st.sampled_from(list(Gender))),
    birth_date=st.one_of(st.none(), st.dates()),
    phone=st.one_of(st.just(""), any_text, st.just("13912345678")),
    aliases=st.lists(any_text, max_size=3),
    residence_address=any_text,
    first_found_on=st.one_of(st.none(), st.dates()),
    notes=any_text,
)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=person_inputs)
def test_registering_a_person_with_anything(store: Any, tally: dict[str, int], data: PersonInput) -> None:
    saved = check_service(store, lambda: persons.register(store, data), tally)
    if saved:
        found = [
            p
            for p in persons.summaries(store)
            if p.id_number == values.parse_id_number(data.id_number, today=TODAY).number
        ]
        assert len(found) == 1
        assert found[0].name == data.name.strip()


amounts = st.one_of(st.none(), st.decimals(allow_nan=True, allow_infinity=True), st.just(Decimal("-0.01")))


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    kind=st.sampled_from(["visit", "test", "assistance", "leave"]),
    on=st.dates(min_value=date(1900, 1, 1)),
    other=st.dates(min_value=date(1900, 1, 1)),
    text=any_text,
    amount=amounts,
)
def test_recording_a_fact_with_anything(
    store: Any, tally: dict[str, int], kind: str, on: date, other: date, text: str, amount: Decimal | None
) -> None:
    person = _person(store)
    data = {
        "visit": lambda: VisitInput(person, on, VisitKind.HOME, summary=text, next_contact_on=other),
        "test": lambda: DrugTestInput(person, on, notes=text),
        "assistance": lambda: AssistanceInput(
            person, on, AssistanceKind.TEMPORARY_RELIEF, amount=amount, details=text
        ),
        "leave": lambda: LeaveInput(person, on, other, destination=text),
    }[kind]()
    check_service(store, lambda: facts.record(store, data), tally)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(amount=amounts)
def test_an_assistance_amount_of_any_kind(store: Any, tally: dict[str, int], amount: Decimal | None) -> None:
    data = AssistanceInput(_person(store), TODAY, AssistanceKind.TEMPORARY_RELIEF, amount=amount)
    saved = check_service(store, lambda: facts.record(store, data), tally)
    assert saved == (amount is None or (amount.is_finite() and amount >= 0))


def _person(store: Any) -> Any:
    existing = persons.summaries(store)
    if existing:
        return existing[0].id
    return persons.register(store, PersonInput(name="测试人员", id_number=make_id(seq=777))).created[0]


def test_a_datetime_with_a_zone_is_a_date_too() -> None:
    """parse_date takes an aware datetime (Excel hands naive ones; a JSON import may not)."""
    assert values.parse_date(datetime(2026, 1, 5, 23, 30).astimezone()) == date(2026, 1, 5)
