"""Value rules: resident ID numbers, phone numbers, dates and required text.

Every rule either returns a clean, canonical value or raises ValueRuleError carrying a bilingual message,
so forms, the ledger reader and the services all refuse the same things with the same words.
Only the standard library and models.* are imported: the rules must stay usable without the store.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from models.enums import Gender
from models.text import Message, Text

__all__ = [
    "IdNumber",
    "ValueRuleError",
    "check_id_matches",
    "check_not_future",
    "id_check_char",
    "normalise_phone",
    "parse_date",
    "parse_id_number",
    "require",
]


class ValueRuleError(Exception):
    """A value broke a rule; ``message`` says which and how to fix it, ``field`` names the field."""

    def __init__(self, message: Message, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return self.message.render()


# --- messages ------------------------------------------------------------------------------------------

ID_EMPTY = Text("身份证号码为空", "The ID number is empty")
ID_BAD_CHAR = Text(
    "身份证号码含有非法字符“{char}”：只能是数字，18位号码的最后一位可以是X",
    "The ID number contains “{char}”: only digits are allowed, and X only as the last of 18 characters",
)
ID_BAD_LENGTH = Text(
    "身份证号码应为18位（旧号码为15位），这里有{length}位",
    "An ID number has 18 characters (15 for old numbers); this one has {length}",
)
ID_BAD_BIRTH = Text(
    "身份证号码中的出生日期{digits}不是真实存在的日期",
    "The birth date {digits} in the ID number is not a real date",
)
ID_BIRTH_FUTURE = Text(
    "身份证号码中的出生日期{birth}晚于今天",
    "The birth date {birth} in the ID number lies in the future",
)
ID_BIRTH_TOO_EARLY = Text(
    "身份证号码中的出生日期{birth}早于1900年",
    "The birth date {birth} in the ID number is before 1900",
)
ID_BAD_CHECK = Text(
    "身份证号码校验位错误：按前17位计算，最后一位应为“{expected}”，而不是“{actual}”；请核对号码是否抄错",
    "Wrong check character in the ID number: from the first 17 digits the last character should be "
    "“{expected}”, not “{actual}”; check the number for a typing error",
)
ID_BIRTH_MISMATCH = Text(
    "出生日期{recorded}与身份证号码中的出生日期{in_number}不一致",
    "The birth date {recorded} disagrees with the birth date {in_number} in the ID number",
)
ID_GENDER_MISMATCH = Text(
    "性别“{recorded}”与身份证号码所示的性别“{in_number}”不一致",
    "The sex “{recorded}” disagrees with the sex “{in_number}” given by the ID number",
)
PHONE_EMPTY = Text("电话号码为空", "The phone number is empty")
PHONE_BAD = Text(
    "无法识别的电话号码“{value}”：手机号应为1开头的11位数字，固定电话应带区号，如0951-1234567",
    "“{value}” is not a phone number: a mobile number has 11 digits starting with 1, a landline needs "
    "its area code, e.g. 0951-1234567",
)
FIELD_REQUIRED = Text("{field}不能为空", "{field} must not be empty")
DATE_IN_FUTURE = Text("{field}{value}晚于今天（{today}）", "{field} {value} is after today ({today})")
DATE_EMPTY = Text("日期为空", "The date is empty")
DATE_BAD = Text(
    "无法识别的日期“{value}”：请写成2026-01-05、2026/1/5或2026年1月5日",
    "“{value}” is not a date: write it as 2026-01-05 or 2026/1/5",
)
DATE_NOT_REAL = Text("日期“{value}”不存在", "The date “{value}” does not exist")
DATE_TOO_EARLY = Text(
    "日期“{value}”早于1900年，应是录入错误",
    "The date “{value}” is before 1900, which must be a typing error",
)


# --- ID numbers ----------------------------------------------------------------------------------------

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
_DIGITS = frozenset("0123456789")
_EARLIEST_BIRTH = date(1900, 1, 1)


@dataclass(frozen=True)
class IdNumber:
    """A checked resident ID number (GB 11643-1999) and what it says about its holder."""

    number: str  # always 18 characters, upper-case X
    region: str  # the 6-digit administrative division code of first registration
    birth_date: date
    gender: Gender
    upgraded_from_15: bool


def id_check_char(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character for the first 17 digits of an ID number."""
    if len(first17) != 17 or not set(first17) <= _DIGITS:
        raise ValueError(f"expected 17 ASCII digits, got {len(first17)} characters")
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11]


def _compact(text: str) -> str:
    # NFKC turns full-width digits and letters (common when typed with a Chinese IME) into ASCII.
    return "".join(unicodedata.normalize("NFKC", text).split())


def parse_id_number(text: str, *, today: date | None = None) -> IdNumber:
    """Check an 18- or legacy 15-digit ID number; 15-digit numbers come back upgraded to 18."""
    today = today or date.today()
    raw = _compact(text).upper()
    if not raw:
        raise ValueRuleError(ID_EMPTY(), "id_number")
    # Foreign characters first, then the length, then a misplaced X: each the likelier typing slip.
    if foreign := next((ch for ch in raw if ch not in _DIGITS and ch != "X"), None):
        raise ValueRuleError(ID_BAD_CHAR(char=foreign), "id_number")
    if len(raw) not in (15, 18):
        raise ValueRuleError(ID_BAD_LENGTH(length=len(raw)), "id_number")
    if "X" in raw[:17] or (len(raw) == 15 and "X" in raw):
        raise ValueRuleError(ID_BAD_CHAR(char="X"), "id_number")

    upgraded = len(raw) == 15
    # Legacy numbers were issued to people born in the 1900s, so the century is implied.
    first17 = raw[:6] + "19" + raw[6:] if upgraded else raw[:17]
    birth_digits = first17[6:14]
    try:
        birth = date(int(birth_digits[:4]), int(birth_digits[4:6]), int(birth_digits[6:8]))
    except ValueError:
        raise ValueRuleError(ID_BAD_BIRTH(digits=birth_digits), "id_number") from None
    if birth > today:
        raise ValueRuleError(ID_BIRTH_FUTURE(birth=birth.isoformat()), "id_number")
    if birth < _EARLIEST_BIRTH:
        raise ValueRuleError(ID_BIRTH_TOO_EARLY(birth=birth.isoformat()), "id_number")

    expected = id_check_char(first17)
    if not upgraded and raw[17] != expected:
        raise ValueRuleError(ID_BAD_CHECK(expected=expected, actual=raw[17]), "id_number")
    gender = Gender.MALE if int(first17[16]) % 2 == 1 else Gender.FEMALE
    return IdNumber(
        number=first17 + expected,
        region=first17[:6],
        birth_date=birth,
        gender=gender,
        upgraded_from_15=upgraded,
    )


def check_id_matches(idn: IdNumber, *, birth_date: date | None, gender: Gender | None) -> None:
    """Refuse a record whose birth date or sex disagrees with its ID number (None: not recorded)."""
    if birth_date is not None and birth_date != idn.birth_date:
        message = ID_BIRTH_MISMATCH(recorded=birth_date.isoformat(), in_number=idn.birth_date.isoformat())
        raise ValueRuleError(message, "birth_date")
    if gender is not None and gender != idn.gender:
        raise ValueRuleError(
            ID_GENDER_MISMATCH(recorded=gender.label(), in_number=idn.gender.label()), "gender"
        )


# --- phone numbers -------------------------------------------------------------------------------------

_MOBILE = re.compile(r"(?:\+86|0086|86)?(1[3-9]\d{9})", re.ASCII)
# Mainland area codes are 010 and 020-029 (three digits) or 0300-0999 (four digits); spelling that out
# keeps a number written without a separator, like 09511234567, from splitting in the wrong place.
_LANDLINE = re.compile(
    r"(?P<area>010|02\d|0[3-9]\d\d)-?(?P<local>\d{7,8}|\d{3,4}-\d{4})"
    r"(?:(?:-?(?:转|分机|ext\.?|x|#)-?|-)(?P<ext>\d{1,6}))?",
    re.ASCII | re.IGNORECASE,
)


def normalise_phone(text: str) -> str:
    """A mobile number as 11 digits, a landline as 0xxx-xxxxxxx[-ext]; anything else is refused."""
    cleaned = unicodedata.normalize("NFKC", text).strip()
    if not cleaned:
        raise ValueRuleError(PHONE_EMPTY(), "phone")
    if mobile := _MOBILE.fullmatch(re.sub(r"[\s\-()]", "", cleaned)):
        return mobile.group(1)
    # Area codes come as "(0951)", "0951-" or "0951 "; reduce every separator to one dash.
    dashed = re.sub(r"[\s\-()]+", "-", cleaned).strip("-")
    if landline := _LANDLINE.fullmatch(dashed):
        number = f"{landline['area']}-{landline['local'].replace('-', '')}"
        return f"{number}-{landline['ext']}" if landline["ext"] else number
    raise ValueRuleError(PHONE_BAD(value=text.strip()), "phone")


# --- generic rules -------------------------------------------------------------------------------------


def _field_label(field: str, label: Text | None) -> Message:
    return (label or Text(field, field))()


def require(text: str | None, field: str, label: Text | None = None) -> str:
    """The text stripped of surrounding blanks; empty or whitespace-only text is refused."""
    stripped = (text or "").strip()
    if not stripped:
        raise ValueRuleError(FIELD_REQUIRED(field=_field_label(field, label)), field)
    return stripped


def check_not_future(d: date, *, today: date, field: str, label: Text | None = None) -> date:
    """The date itself, unless it lies after ``today``."""
    if d > today:
        message = DATE_IN_FUTURE(
            field=_field_label(field, label), value=d.isoformat(), today=today.isoformat()
        )
        raise ValueRuleError(message, field)
    return d


# --- dates ---------------------------------------------------------------------------------------------

# Excel's 1900 date system counts 1900-01-01 as 1 and keeps Lotus 1-2-3's phantom 1900-02-29 as 60.
_EXCEL_EPOCH = date(1899, 12, 30)
_EXCEL_PHANTOM_LEAP_DAY = 60
_EXCEL_LAST_SERIAL = 2958465  # 9999-12-31

_DATE_PATTERNS = (
    re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})", re.ASCII),
    re.compile(r"(\d{4})(年)(\d{1,2})月(\d{1,2})日?", re.ASCII),
    re.compile(r"(\d{4})()(\d{2})(\d{2})", re.ASCII),
)
_SERIAL_TEXT = re.compile(r"\d{5}(?:\.\d+)?", re.ASCII)
# Dates copied out of Excel or WPS often carry a midnight time ("2026/1/5 0:00").
_TIME_SUFFIX = re.compile(r"(?:\s+|T)\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?$", re.ASCII)


def _from_serial(serial: float, shown: object) -> date:
    if not math.isfinite(serial) or serial < 1 or serial >= _EXCEL_LAST_SERIAL + 1:
        raise ValueRuleError(DATE_BAD(value=shown), "date")
    whole = int(serial)  # a fraction is the time of day
    if whole == _EXCEL_PHANTOM_LEAP_DAY:
        raise ValueRuleError(DATE_NOT_REAL(value="1900-02-29"), "date")
    if whole < _EXCEL_PHANTOM_LEAP_DAY:
        whole += 1
    return _EXCEL_EPOCH + timedelta(days=whole)


def parse_date(value: object) -> date:
    """A date from a date/datetime, an Excel serial number or the ways ledgers write dates."""
    if isinstance(value, datetime):
        result = value.date()
    elif isinstance(value, date):
        result = value
    elif isinstance(value, bool):
        raise ValueRuleError(DATE_BAD(value=value), "date")
    elif isinstance(value, int | float | Decimal):
        try:
            serial = float(value)
        except (ValueError, OverflowError):  # a signalling NaN, an integer too large for a float
            raise ValueRuleError(DATE_BAD(value=value), "date") from None
        result = _from_serial(serial, value)
    elif isinstance(value, str):
        result = _parse_date_text(value)
    else:
        raise ValueRuleError(DATE_BAD(value=value), "date")
    if result.year < 1900:
        raise ValueRuleError(DATE_TOO_EARLY(value=result.isoformat()), "date")
    return result


def _parse_date_text(value: str) -> date:
    text = unicodedata.normalize("NFKC", value).strip()
    if not text:
        raise ValueRuleError(DATE_EMPTY(), "date")
    text = _TIME_SUFFIX.sub("", text).replace(" ", "")
    if _SERIAL_TEXT.fullmatch(text):
        # A date cell that lost its format on the way to CSV; five digits span 1927 to 2173.
        return _from_serial(float(text), value.strip())
    for pattern in _DATE_PATTERNS:
        if match := pattern.fullmatch(text):
            year, month, day = int(match[1]), int(match[3]), int(match[4])
            try:
                return date(year, month, day)
            except ValueError:
                raise ValueRuleError(DATE_NOT_REAL(value=value.strip()), "date") from None
    raise ValueRuleError(DATE_BAD(value=value.strip()), "date")
