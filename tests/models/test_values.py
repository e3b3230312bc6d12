"""Value rules: ID numbers, phones, dates and required text. All numbers here are generated, none is real."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models import values
from models.enums import Gender
from models.text import Text
from models.values import (
    IdNumber,
    ValueRuleError,
    check_id_matches,
    check_not_future,
    id_check_char,
    normalise_phone,
    parse_date,
    parse_id_number,
    require,
)

TODAY = date(2026, 1, 10)


def make_id(region: str = "640104", birth: date = date(1990, 1, 1), seq: int = 123) -> str:
    """A synthetic 18-digit ID number with a correct check character."""
    first17 = f"{region}{birth:%Y%m%d}{seq:03d}"
    return first17 + id_check_char(first17)


def reference_check_char(first17: str) -> str:
    # The standard defines the weights as 2^(17-i) mod 11; computing them that way checks the table in the
    # code independently.
    total = sum(int(d) * pow(2, 17 - i, 11) for i, d in enumerate(first17))
    return "10X98765432"[total % 11]


def rule_of(exc: pytest.ExceptionInfo[ValueRuleError]) -> Text:
    return exc.value.message.text


# --- ID numbers ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first17", "expected"),
    [(f"{n:017d}", reference_check_char(f"{n:017d}")) for n in (0, 1, 12345678901234567, 64010419900101123)]
    + [("64010419850615002", reference_check_char("64010419850615002"))],
)
def test_check_char_matches_the_standard_formula(first17: str, expected: str) -> None:
    assert id_check_char(first17) == expected


@pytest.mark.parametrize("bad", ["", "1234", "6401041990010112X", "640104199001011234"])
def test_check_char_wants_seventeen_digits(bad: str) -> None:
    with pytest.raises(ValueError):
        id_check_char(bad)


def test_a_check_char_of_x_exists_and_is_upper_case() -> None:
    with_x = next(make_id(seq=s) for s in range(1000) if make_id(seq=s).endswith("X"))
    parsed = parse_id_number(with_x.lower(), today=TODAY)
    assert parsed.number == with_x


@pytest.mark.parametrize(
    ("text", "number", "birth", "gender", "upgraded"),
    [
        (make_id(seq=123), make_id(seq=123), date(1990, 1, 1), Gender.MALE, False),
        (make_id(seq=124), make_id(seq=124), date(1990, 1, 1), Gender.FEMALE, False),
        (
            " " + make_id(seq=7)[:6] + " " + make_id(seq=7)[6:] + " ",
            make_id(seq=7),
            date(1990, 1, 1),
            Gender.MALE,
            False,
        ),
        (
            make_id(birth=date(2000, 2, 29), seq=2),
            make_id(birth=date(2000, 2, 29), seq=2),
            date(2000, 2, 29),
            Gender.FEMALE,
            False,
        ),
        ("640104900101123", make_id(seq=123), date(1990, 1, 1), Gender.MALE, True),
        ("640104850615002", make_id(birth=date(1985, 6, 15), seq=2), date(1985, 6, 15), Gender.FEMALE, True),
        # Full-width digits, as a Chinese input method may type them.
        ("６４０１０４９００１０１１２３", make_id(seq=123), date(1990, 1, 1), Gender.MALE, True),
    ],
)
def test_valid_numbers(text: str, number: str, birth: date, gender: Gender, upgraded: bool) -> None:
    parsed = parse_id_number(text, today=TODAY)
    assert parsed == IdNumber(number, number[:6], birth, gender, upgraded)


@pytest.mark.parametrize(
    ("text", "rule", "fragment"),
    [
        ("", values.ID_EMPTY, ""),
        ("   ", values.ID_EMPTY, ""),
        (make_id()[:17], values.ID_BAD_LENGTH, "17"),
        (make_id() + "1", values.ID_BAD_LENGTH, "19"),
        ("64010419900101", values.ID_BAD_LENGTH, "14"),
        (make_id()[:10] + "O" + make_id()[11:], values.ID_BAD_CHAR, "“O”"),
        ("X" + make_id()[1:], values.ID_BAD_CHAR, "“X”"),
        ("64010490010112X", values.ID_BAD_CHAR, "“X”"),  # X only ends an 18-digit number
        ("张三", values.ID_BAD_CHAR, "“张”"),
        ("64010419900230123" + "0", values.ID_BAD_BIRTH, "19900230"),
        ("64010419901301123" + "0", values.ID_BAD_BIRTH, "19901301"),
        ("640104901301123", values.ID_BAD_BIRTH, "19901301"),
        (make_id(birth=date(2026, 1, 11)), values.ID_BIRTH_FUTURE, "2026-01-11"),
        (make_id(birth=date(1899, 12, 31)), values.ID_BIRTH_TOO_EARLY, "1899-12-31"),
    ],
)
def test_invalid_numbers(text: str, rule: Text, fragment: str) -> None:
    with pytest.raises(ValueRuleError) as exc:
        parse_id_number(text, today=TODAY)
    assert rule_of(exc) is rule
    assert exc.value.field == "id_number"
    assert fragment in exc.value.message.render("zh_CN")
    assert fragment in exc.value.message.render("en")


def test_wrong_check_character_says_which_it_should_be() -> None:
    good = make_id(seq=123)
    wrong = "0" if good[-1] != "0" else "1"
    with pytest.raises(ValueRuleError) as exc:
        parse_id_number(good[:-1] + wrong, today=TODAY)
    assert rule_of(exc) is values.ID_BAD_CHECK
    assert f"“{good[-1]}”" in exc.value.message.render("zh_CN")
    assert f"should be “{good[-1]}”, not “{wrong}”" in exc.value.message.render("en")
    assert str(exc.value) == exc.value.message.render()


def test_today_defaults_to_the_real_today() -> None:
    tomorrow = date.today() + timedelta(days=1)
    with pytest.raises(ValueRuleError):
        parse_id_number(make_id(birth=tomorrow))
    assert parse_id_number(make_id(birth=date.today())).birth_date == date.today()


def test_id_matches_the_record() -> None:
    idn = parse_id_number(make_id(birth=date(1990, 1, 1), seq=123), today=TODAY)
    check_id_matches(idn, birth_date=date(1990, 1, 1), gender=Gender.MALE)
    check_id_matches(idn, birth_date=None, gender=None)
    with pytest.raises(ValueRuleError) as exc:
        check_id_matches(idn, birth_date=date(1990, 1, 2), gender=Gender.MALE)
    assert exc.value.field == "birth_date"
    assert "1990-01-02" in str(exc.value) and "1990-01-01" in str(exc.value)
    with pytest.raises(ValueRuleError) as exc:
        check_id_matches(idn, birth_date=None, gender=Gender.FEMALE)
    assert exc.value.field == "gender"
    assert "“女”" in exc.value.message.render("zh_CN") and "“男”" in exc.value.message.render("zh_CN")
    assert "female" in exc.value.message.render("en")


# --- phones --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("13800138000", "13800138000"),
        (" 138 0013 8000 ", "13800138000"),
        ("138-0013-8000", "13800138000"),
        ("+86 138 0013 8000", "13800138000"),
        ("+8613800138000", "13800138000"),
        ("8613800138000", "13800138000"),
        ("008619912345678", "19912345678"),
        ("１３８００１３８０００", "13800138000"),
        ("0951-1234567", "0951-1234567"),
        ("09511234567", "0951-1234567"),
        ("(0951)1234567", "0951-1234567"),
        ("（0951）1234567", "0951-1234567"),
        ("0951 1234567", "0951-1234567"),
        ("010-61234567", "010-61234567"),
        ("01061234567", "010-61234567"),
        ("010 6123 4567", "010-61234567"),
        ("021-12345678", "021-12345678"),
        ("0951-1234567-801", "0951-1234567-801"),
        ("0951-1234567转801", "0951-1234567-801"),
        ("0951 1234567 转 801", "0951-1234567-801"),
        ("0951-1234567 ext. 12", "0951-1234567-12"),
    ],
)
def test_phone_numbers(text: str, expected: str) -> None:
    assert normalise_phone(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "  ",
        "1380013800",  # ten digits
        "138001380001",  # twelve
        "12800138000",  # no mobile numbers start 12
        "1234567",  # a landline without its area code
        "0951-12345",
        "0951-123456789",
        "+1 415 555 0100",
        "电话",
        "13800138000/13900139000",
    ],
)
def test_not_phone_numbers(text: str) -> None:
    with pytest.raises(ValueRuleError) as exc:
        normalise_phone(text)
    assert exc.value.field == "phone"
    if text.strip():
        assert text.strip() in str(exc.value)


# --- generic rules -------------------------------------------------------------------------------------

LABEL = Text("走访日期", "visit date")


def test_require_strips_and_refuses_blank_text() -> None:
    assert require("  张三 ", "name") == "张三"
    for blank in ("", "   ", "\u3000", None):
        with pytest.raises(ValueRuleError) as exc:
            require(blank, "visited_on", LABEL)
        assert exc.value.field == "visited_on"
        assert exc.value.message.render("zh_CN") == "走访日期不能为空"
        assert exc.value.message.render("en") == "visit date must not be empty"


def test_require_without_label_names_the_field() -> None:
    with pytest.raises(ValueRuleError, match="name"):
        require("", "name")


def test_check_not_future() -> None:
    assert check_not_future(TODAY, today=TODAY, field="visited_on", label=LABEL) == TODAY
    assert check_not_future(date(2000, 1, 1), today=TODAY, field="visited_on") == date(2000, 1, 1)
    with pytest.raises(ValueRuleError) as exc:
        check_not_future(TODAY + timedelta(days=1), today=TODAY, field="visited_on", label=LABEL)
    assert exc.value.field == "visited_on"
    assert exc.value.message.render("zh_CN") == "走访日期2026-01-11晚于今天（2026-01-10）"
    assert exc.value.message.render("en") == "visit date 2026-01-11 is after today (2026-01-10)"


# --- dates ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (date(2026, 1, 5), date(2026, 1, 5)),
        (datetime(2026, 1, 5, 14, 30), date(2026, 1, 5)),
        (46027, date(2026, 1, 5)),
        (46027.0, date(2026, 1, 5)),
        (46027.75, date(2026, 1, 5)),  # the fraction is the time of day
        (1, date(1900, 1, 1)),
        (59, date(1900, 2, 28)),
        (61, date(1900, 3, 1)),
        (2958465, date(9999, 12, 31)),
        ("2026-01-05", date(2026, 1, 5)),
        ("2026-1-5", date(2026, 1, 5)),
        ("2026/1/5", date(2026, 1, 5)),
        ("2026/01/05", date(2026, 1, 5)),
        ("2026.1.5", date(2026, 1, 5)),
        ("2026年1月5日", date(2026, 1, 5)),
        ("2026年01月05日", date(2026, 1, 5)),
        ("2026年1月5", date(2026, 1, 5)),
        ("20260105", date(2026, 1, 5)),
        (" 2026-01-05 ", date(2026, 1, 5)),
        ("2026/1/5 0:00", date(2026, 1, 5)),
        ("2026-01-05 00:00:00", date(2026, 1, 5)),
        ("2026-01-05T08:15:00", date(2026, 1, 5)),
        ("２０２６年１月５日", date(2026, 1, 5)),
        ("2024-02-29", date(2024, 2, 29)),
        ("46027", date(2026, 1, 5)),  # a date cell that lost its format on the way to CSV
        ("46027.0", date(2026, 1, 5)),
    ],
)
def test_dates(value: object, expected: date) -> None:
    assert parse_date(value) == expected


@pytest.mark.parametrize(
    ("value", "rule"),
    [
        ("", values.DATE_EMPTY),
        ("   ", values.DATE_EMPTY),
        ("2026-13-01", values.DATE_NOT_REAL),
        ("2025-02-29", values.DATE_NOT_REAL),
        ("2026年2月30日", values.DATE_NOT_REAL),
        ("20261301", values.DATE_NOT_REAL),
        ("1899-12-31", values.DATE_TOO_EARLY),
        ("2026-01/05", values.DATE_BAD),  # mixed separators
        ("26-1-5", values.DATE_BAD),
        ("2026年1月", values.DATE_BAD),
        ("一月五日", values.DATE_BAD),
        ("4602", values.DATE_BAD),  # only five-digit serials are taken from text
        ("460271", values.DATE_BAD),
        ("abc", values.DATE_BAD),
        (60, values.DATE_NOT_REAL),  # Excel's phantom 1900-02-29
        (0, values.DATE_BAD),
        (-1, values.DATE_BAD),
        (2958466, values.DATE_BAD),
        (float("nan"), values.DATE_BAD),
        (float("inf"), values.DATE_BAD),
        (True, values.DATE_BAD),
        (None, values.DATE_BAD),
        ([2026, 1, 5], values.DATE_BAD),
        (date(1899, 12, 31), values.DATE_TOO_EARLY),
    ],
)
def test_not_dates(value: object, rule: Text) -> None:
    with pytest.raises(ValueRuleError) as exc:
        parse_date(value)
    assert rule_of(exc) is rule


# --- messages ------------------------------------------------------------------------------------------


def test_every_message_has_both_languages_and_formats() -> None:
    texts = [v for v in vars(values).values() if isinstance(v, Text)]
    assert len(texts) > 15
    for text in texts:
        assert text.zh and text.en
        assert text.zh != text.en
        fields = {name for name in _format_fields(text.zh)}
        assert fields == set(_format_fields(text.en)), text


def _format_fields(template: str) -> list[str]:
    import string

    return [name for _, name, _, _ in string.Formatter().parse(template) if name]


# --- properties ----------------------------------------------------------------------------------------

regions = st.text(alphabet="0123456789", min_size=6, max_size=6)
births = st.dates(min_value=date(1900, 1, 1), max_value=TODAY)
sequences = st.integers(min_value=0, max_value=999)


@given(regions, births, sequences)
def test_any_valid_number_round_trips(region: str, birth: date, seq: int) -> None:
    number = make_id(region, birth, seq)
    parsed = parse_id_number(number, today=TODAY)
    assert parsed.number == number
    assert parsed.region == region
    assert parsed.birth_date == birth
    assert parsed.gender is (Gender.MALE if seq % 2 else Gender.FEMALE)
    assert not parsed.upgraded_from_15
    assert parse_id_number(number.lower(), today=TODAY) == parsed


@given(regions, st.dates(min_value=date(1900, 1, 1), max_value=date(1999, 12, 31)), sequences)
def test_any_legacy_number_upgrades_to_its_18_digit_form(region: str, birth: date, seq: int) -> None:
    legacy = f"{region}{birth:%y%m%d}{seq:03d}"
    parsed = parse_id_number(legacy, today=TODAY)
    assert parsed.number == make_id(region, birth, seq)
    assert parsed.upgraded_from_15
    assert parse_id_number(parsed.number, today=TODAY).birth_date == birth


@given(regions, births, sequences, st.integers(min_value=0, max_value=17), st.data())
def test_any_single_character_change_is_refused(
    region: str, birth: date, seq: int, position: int, data: st.DataObject
) -> None:
    number = make_id(region, birth, seq)
    alphabet = "0123456789X" if position == 17 else "0123456789"
    replacement = data.draw(st.sampled_from([c for c in alphabet if c != number[position]]))
    changed = number[:position] + replacement + number[position + 1 :]
    with pytest.raises(ValueRuleError):
        parse_id_number(changed, today=TODAY)


@given(st.text())
def test_parse_id_number_only_raises_value_rule_errors(text: str) -> None:
    try:
        parsed = parse_id_number(text, today=TODAY)
    except ValueRuleError as exc:
        assert exc.message.render("zh_CN") and exc.message.render("en")
    else:
        assert len(parsed.number) == 18


@given(st.text())
def test_normalise_phone_only_raises_value_rule_errors(text: str) -> None:
    try:
        phone = normalise_phone(text)
    except ValueRuleError:
        return
    assert phone.isascii() and (len(phone) == 11 or phone.startswith("0"))


@given(st.one_of(st.text(), st.integers(), st.floats(), st.none(), st.booleans(), st.dates()))
def test_parse_date_only_raises_value_rule_errors(value: object) -> None:
    try:
        parsed = parse_date(value)
    except ValueRuleError:
        return
    assert parsed.year >= 1900


@given(st.dates(min_value=date(1900, 3, 1), max_value=date(9999, 12, 31)))
def test_every_date_survives_the_ways_ledgers_write_it(d: date) -> None:
    serial = (d - date(1899, 12, 30)).days
    for written in (
        d.isoformat(),
        f"{d.year}/{d.month}/{d.day}",
        f"{d.year}.{d.month}.{d.day}",
        f"{d.year}年{d.month}月{d.day}日",
        f"{d:%Y%m%d}",
        serial,
        float(serial),
    ):
        assert parse_date(written) == d
