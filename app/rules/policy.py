"""The rules policy: a versioned TOML file of the numbers the rules use, checked on load.

A province ships one default file (resources/policy/default.toml); an office may lay a partial file of its
own over it. Every problem is reported as a PolicyError whose message names the file, the line and what is
wrong, in both languages, because the person reading it is an IT officer editing the file by hand.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, NoReturn, TypeVar

from app.paths import resource_path
from app.rules.toml_lines import KeyPath, key_lines, line_of
from models.enums import (
    LabelledEnum,
    MeasureKind,
    RiskColour,
    SampleType,
    ViolationKind,
    VisitKind,
)
from models.text import Message, Text

POLICY_VERSION = 1
DEFAULT_POLICY_PATH = resource_path("policy", "default.toml")

E = TypeVar("E", bound=Enum)


class RiskTrigger(LabelledEnum):
    """What moves a person to the top colour at once."""

    REFUSAL = ("refusal", "拒绝检测", "refusal")
    SERIOUS_VIOLATION = ("serious_violation", "严重违反协议", "serious violation")
    RELAPSE = ("relapse", "复吸", "relapse")
    SELF_HARM = ("self_harm", "自伤自残", "self-harm")
    MENTAL_INSTABILITY = ("mental_instability", "精神状态不稳定", "mental instability")


class CleanFrom(LabelledEnum):
    MEASURE_END = ("measure_end", "自最后一次措施结束起算", "from the end of the last measure")
    LAST_POSITIVE = ("last_positive", "自最后一次阳性检测起算", "from the last positive test")


class DriverKind(LabelledEnum):
    CATEGORY = ("category", "分类", "category")
    NUMBER = ("number", "数值", "number")


class DriverDerivation(LabelledEnum):
    PAST_MEASURES = ("past_measures", "既往措施次数", "number of past measures")
    MONTHS_CLEAN = ("months_clean", "操守保持月数", "months clean")


# --- the policy ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MeasureRules:
    kind: MeasureKind
    term_years: int
    report_within_days: int
    tests_per_year: tuple[int, ...]
    hair_tests_per_year: tuple[int, ...]

    def tests_in_year(self, year: int) -> int:
        """Tests due in measure year `year` (1-based); a year past the list (a longer order) uses the last."""
        return self.tests_per_year[min(year, len(self.tests_per_year)) - 1] if self.tests_per_year else 0

    def hair_tests_in_year(self, year: int) -> int:
        hair = self.hair_tests_per_year
        return hair[min(year, len(hair)) - 1] if hair else 0


@dataclass(frozen=True, slots=True)
class TestRules:
    __test__ = False
    window_samples: frozenset[SampleType]


@dataclass(frozen=True, slots=True)
class TaskRules:
    missed_visible_days: int
    interval_lead_days: int


@dataclass(frozen=True, slots=True)
class ContactRules:
    lost_after_days: int


@dataclass(frozen=True, slots=True)
class LeaveRules:
    notice_from_days: int
    max_days: int
    max_days_per_year: int
    return_lead_days: int
    excuses_windows: bool


@dataclass(frozen=True, slots=True)
class AgreementRules:
    sign_within_days: int
    expiry_lead_days: int


@dataclass(frozen=True, slots=True)
class TransferRules:
    report_within_days: int


@dataclass(frozen=True, slots=True)
class CompletionRules:
    lead_days: int
    notice_within_days: int


@dataclass(frozen=True, slots=True)
class ViolationRules:
    refusals: int
    absences: int
    absence_days: int
    refusal_kinds: frozenset[ViolationKind]
    absence_kinds: frozenset[ViolationKind]


@dataclass(frozen=True, slots=True)
class EscalationRules:
    report_within_days: int


@dataclass(frozen=True, slots=True)
class CleanRules:
    years: int
    counted_from: CleanFrom
    record_within_days: int


@dataclass(frozen=True, slots=True)
class DriverRule:
    name: str
    kind: DriverKind
    points: Mapping[str, int]  # category value → points
    default: int  # points for a category value not listed
    bands: tuple[tuple[int, int], ...]  # number: (at least, points), ascending
    derive: DriverDerivation | None

    def score(self, value: str | int | None) -> int:
        if value is None:
            return self.default if self.kind is DriverKind.CATEGORY else 0
        if self.kind is DriverKind.CATEGORY:
            return self.points.get(str(value), self.default)
        points = 0
        number = int(value)
        for at_least, band_points in self.bands:
            if number >= at_least:
                points = band_points
        return points


@dataclass(frozen=True, slots=True)
class RiskRules:
    order: tuple[RiskColour, ...]  # highest first
    default: RiskColour
    triggers: frozenset[RiskTrigger]
    trigger_hold_days: int
    thresholds: tuple[tuple[RiskColour, int], ...]  # in `order`, scores falling
    drivers: tuple[DriverRule, ...]

    @property
    def top(self) -> RiskColour:
        return self.order[0]


@dataclass(frozen=True, slots=True)
class ColourRules:
    colour: RiskColour
    visits: int
    visit_period_months: int
    visit_kinds: frozenset[VisitKind]
    test_every_days: int


@dataclass(frozen=True, slots=True)
class Policy:
    version: int
    name: str
    edition: str
    sources: tuple[str, ...]  # the files merged, default first
    measures: Mapping[MeasureKind, MeasureRules]
    tests: TestRules
    tasks: TaskRules
    contact: ContactRules
    leave: LeaveRules
    agreement: AgreementRules
    transfer: TransferRules
    completion: CompletionRules
    violations: ViolationRules
    escalation: EscalationRules
    clean: CleanRules
    risk: RiskRules
    colours: Mapping[RiskColour, ColourRules]


# --- errors ----------------------------------------------------------------------------------------------

POLICY_UNREADABLE = Text(
    "无法读取规则策略文件 {file}：{detail}", "Cannot read the policy file {file}: {detail}"
)
POLICY_SYNTAX = Text(
    "{file} 第 {line} 行第 {column} 列：TOML 格式错误：{detail}",
    "{file}, line {line}, column {column}: TOML syntax error: {detail}",
)
POLICY_UNKNOWN_KEY = Text(
    "{file} 第 {line} 行：未知的设置项“{key}”。{hint}",
    "{file}, line {line}: unknown setting “{key}”. {hint}",
)
POLICY_WRONG_TYPE = Text(
    "{file} 第 {line} 行：“{key}”应为{expected}，此处是{actual}。",
    "{file}, line {line}: “{key}” must be {expected}, not {actual}.",
)
POLICY_OUT_OF_RANGE = Text(
    "{file} 第 {line} 行：“{key}”的值 {value} 超出允许范围（{low}～{high}）。",
    "{file}, line {line}: “{key}” is {value}, outside the allowed range ({low} to {high}).",
)
POLICY_UNKNOWN_VALUE = Text(
    "{file} 第 {line} 行：“{key}”中的“{value}”不是已知的{what}。{hint}",
    "{file}, line {line}: “{value}” in “{key}” is not a known {what}. {hint}",
)
POLICY_MISSING = Text(
    "{file} 第 {line} 行：缺少必填设置项“{key}”。",
    "{file}, line {line}: the required setting “{key}” is missing.",
)
POLICY_WRONG_VERSION = Text(
    "{file} 第 {line} 行：规则策略文件的版本是 {found}，本程序只支持版本 {supported}。",
    "{file}, line {line}: the policy file is version {found}; this program reads version {supported} only.",
)
POLICY_LENGTH = Text(
    "{file} 第 {line} 行：“{key}”有 {found} 项，应与 term_years 一致，为 {expected} 项。",
    "{file}, line {line}: “{key}” has {found} entries; it needs one per year of term_years ({expected}).",
)
POLICY_THRESHOLDS = Text(
    "{file} 第 {line} 行：风险等级的分数线须从最高等级往下递减，“{key}”的 {value} 不低于上一等级的 {above}。",
    "{file}, line {line}: risk thresholds must fall from the top colour down; “{key}” = {value} is not below "
    "{above}, the colour above it.",
)
POLICY_DUPLICATE = Text(
    "{file} 第 {line} 行：“{key}”中的“{value}”重复出现。",
    "{file}, line {line}: “{value}” appears twice in “{key}”.",
)
POLICY_COLOUR_UNUSED = Text(
    "{file} 第 {line} 行：颜色“{value}”有设置，但不在 risk.order 中。",
    "{file}, line {line}: the colour “{value}” has settings but is not in risk.order.",
)
HINT_DID_YOU_MEAN = Text("是否应为“{suggestion}”？", "Did you mean “{suggestion}”?")
HINT_ALLOWED = Text("可用的有：{allowed}。", "Allowed: {allowed}.")
POLICY_NOT_COMMUNITY = Text(
    "{file} 第 {line} 行：“{value}”不是社区措施，不在规则策略中设置。",
    "{file}, line {line}: “{value}” is not a community measure and has no settings here.",
)

TYPE_INTEGER = Text("整数", "a whole number")
TYPE_TEXT = Text("文本（用引号括起）", "text in quotes")
TYPE_BOOLEAN = Text("true 或 false", "true or false")
TYPE_LIST = Text("列表（[...]）", "a list ([...])")
TYPE_TABLE = Text("设置表（[节] 或 {...}）", "a table ([section] or {...})")
TYPE_FLOAT = Text("小数", "a decimal number")
TYPE_DATE = Text("日期或时间", "a date or time")

WHAT_MEASURE = Text("措施", "measure")
WHAT_COLOUR = Text("风险颜色", "risk colour")
WHAT_SAMPLE = Text("检材类型", "sample type")
WHAT_VISIT_KIND = Text("走访方式", "visit kind")
WHAT_VIOLATION = Text("违反协议类型", "violation kind")
WHAT_TRIGGER = Text("升级情形", "top-colour trigger")
WHAT_CHOICE = Text("选项", "choice")

# tomllib's messages, put into Chinese; the English stays as tomllib says it.
_SYNTAX_ZH = (
    ("Expected '=' after a key", "键名后缺少“=”"),
    ("Invalid initial character for a key part", "键名的首字符无效"),
    ("Found invalid character in key name", "键名中有无效字符"),
    ("Invalid value", "值无效（文本须加引号）"),
    ("Invalid statement", "无效的语句"),
    ("Expected newline or end of document after a statement", "一行只能写一个设置项"),
    ("Cannot declare", "重复定义"),
    ("Cannot overwrite a value", "重复定义了同一设置项"),
    ("Cannot mutate immutable namespace", "不能修改已定义的内联表"),
    ("Unclosed array", "列表缺少“]”"),
    ("Unclosed inline table", "内联表缺少“}”"),
    ("Unterminated string", "文本缺少结束引号"),
    ("Illegal character", "非法字符"),
    ("Expected ']' at the end of a table declaration", "节名缺少“]”"),
    ("Expected ']]' at the end of an array declaration", "节名缺少“]]”"),
    ("Invalid date or datetime", "日期无效"),
    ("Unescaped '\\' in a string", "文本中的“\\”须写成“\\\\”"),
)
_AT = re.compile(r"\s*\(at (?:line (\d+), column (\d+)|end of document)\)\s*$")


class PolicyError(Exception):
    """A policy file that cannot be used. `message` says where and why, in both languages."""

    def __init__(self, message: Message, *, file: str = "", line: int | None = None) -> None:
        super().__init__(message.render("en"))
        self.message = message
        self.file = file
        self.line = line

    def __str__(self) -> str:
        return self.message.render()


def _syntax_error(file: str, text: str, error: tomllib.TOMLDecodeError) -> PolicyError:
    raw = str(error)
    match = _AT.search(raw)
    detail_en = raw[: match.start()] if match else raw
    if match and match.group(1):
        line, column = int(match.group(1)), int(match.group(2))
    else:  # "at end of document"
        line = text.count("\n") + 1
        column = len(text) - text.rfind("\n")
    detail_zh = next((zh for en, zh in _SYNTAX_ZH if detail_en.startswith(en)), detail_en)
    detail = Text(detail_zh, detail_en)()
    return PolicyError(
        POLICY_SYNTAX(file=file, line=line, column=column, detail=detail), file=file, line=line
    )


# --- reading ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Source:
    name: str
    lines: dict[KeyPath, int]


def _parse(path: Path) -> tuple[dict[str, Any], _Source]:
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise PolicyError(POLICY_UNREADABLE(file=name, detail=str(error)), file=name) from error
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise _syntax_error(name, text, error) from None
    return doc, _Source(name, key_lines(text))


def _merge(
    base: dict[str, Any],
    over: Mapping[str, Any],
    source: _Source,
    origins: dict[KeyPath, _Source],
    at: KeyPath,
) -> None:
    """Lay `over` on `base`: tables merge key by key, anything else (lists too) replaces."""
    for key, value in over.items():
        path = (*at, key)
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            origins.setdefault(path, source)
            _merge(base[key], value, source, origins, path)
        else:
            base[key] = _copy(value)
            _claim(value, source, origins, path)


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def _claim(value: Any, source: _Source, origins: dict[KeyPath, _Source], path: KeyPath) -> None:
    origins[path] = source
    if isinstance(value, dict):
        for key, item in value.items():
            _claim(item, source, origins, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _claim(item, source, origins, (*path, index))


def _dotted(path: KeyPath) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def _type_name(value: Any) -> Text:
    if isinstance(value, bool):
        return TYPE_BOOLEAN
    if isinstance(value, int):
        return TYPE_INTEGER
    if isinstance(value, float):
        return TYPE_FLOAT
    if isinstance(value, str):
        return TYPE_TEXT
    if isinstance(value, list):
        return TYPE_LIST
    if isinstance(value, dict):
        return TYPE_TABLE
    return TYPE_DATE


def _hint(word: str, allowed: Iterable[str]) -> Message:
    allowed = sorted(allowed)
    close = difflib.get_close_matches(word, allowed, n=1, cutoff=0.6)
    if close:
        return HINT_DID_YOU_MEAN(suggestion=close[0])
    return HINT_ALLOWED(allowed=Text("、".join(allowed), ", ".join(allowed))())


class _Reader:
    """Reads the merged document, failing with the file and line that wrote the offending key."""

    def __init__(self, doc: dict[str, Any], origins: dict[KeyPath, _Source], sources: list[_Source]) -> None:
        self.doc = doc
        self.origins = origins
        self.sources = sources

    def where(self, path: KeyPath) -> tuple[str, int]:
        for end in range(len(path), -1, -1):
            source = self.origins.get(path[:end])
            if source is not None:
                return source.name, line_of(source.lines, path) or 1
        return self.sources[0].name, 1

    def fail(self, path: KeyPath, text: Text, **params: Any) -> NoReturn:
        file, line = self.where(path)
        raise PolicyError(text(file=file, line=line, key=_dotted(path), **params), file=file, line=line)

    def get(self, path: KeyPath) -> Any:
        value: Any = self.doc
        for part in path:
            if isinstance(value, dict):
                if part not in value:
                    self.fail(path, POLICY_MISSING)
                value = value[part]
            else:
                value = value[part]
        return value

    def table(self, path: KeyPath, allowed: Iterable[str] | None = None) -> dict[str, Any]:
        value = self.get(path) if path else self.doc
        if not isinstance(value, dict):
            self.fail(path, POLICY_WRONG_TYPE, expected=TYPE_TABLE(), actual=_type_name(value)())
        if allowed is not None:
            allowed = list(allowed)
            for key in value:
                if key not in allowed:
                    self.fail((*path, key), POLICY_UNKNOWN_KEY, hint=_hint(key, allowed))
        return value

    def typed(self, path: KeyPath, value: Any, kind: type, expected: Text) -> Any:
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            self.fail(path, POLICY_WRONG_TYPE, expected=expected(), actual=_type_name(value)())
        return value

    def integer(self, path: KeyPath, low: int, high: int, value: Any = None) -> int:
        number = self.typed(path, self.get(path) if value is None else value, int, TYPE_INTEGER)
        if not low <= number <= high:
            self.fail(path, POLICY_OUT_OF_RANGE, value=number, low=low, high=high)
        return number

    def text(self, path: KeyPath) -> str:
        return self.typed(path, self.get(path), str, TYPE_TEXT)

    def boolean(self, path: KeyPath) -> bool:
        return self.typed(path, self.get(path), bool, TYPE_BOOLEAN)

    def integers(self, path: KeyPath, low: int, high: int) -> tuple[int, ...]:
        items = self.typed(path, self.get(path), list, TYPE_LIST)
        return tuple(self.integer((*path, i), low, high, item) for i, item in enumerate(items))

    def choice(self, path: KeyPath, enum: type[E], what: Text, value: Any = None) -> E:
        word = self.typed(path, self.get(path) if value is None else value, str, TYPE_TEXT)
        try:
            return enum(word)
        except ValueError:
            self.fail(path, POLICY_UNKNOWN_VALUE, value=word, what=what(), hint=_hint(word, _codes(enum)))

    def choices(self, path: KeyPath, enum: type[E], what: Text) -> tuple[E, ...]:
        items = self.typed(path, self.get(path), list, TYPE_LIST)
        out: list[E] = []
        for i, item in enumerate(items):
            member = self.choice((*path, i), enum, what, item)
            if member in out:
                self.fail((*path, i), POLICY_DUPLICATE, value=item)
            out.append(member)
        return tuple(out)

    def keyed_by(self, path: KeyPath, enum: type[E], what: Text) -> dict[E, Any]:
        """A table whose keys must be members of `enum` (measures, colours)."""
        table = self.table(path)
        out: dict[E, Any] = {}
        for key in table:
            try:
                out[enum(key)] = key
            except ValueError:
                self.fail(
                    (*path, key), POLICY_UNKNOWN_VALUE, value=key, what=what(), hint=_hint(key, _codes(enum))
                )
        return out


def _codes(enum: type[Enum]) -> list[str]:
    return [str(member.value) for member in enum]


# --- building --------------------------------------------------------------------------------------------

# The top-level keys, in the order the default file writes them.
_TOP = (
    *("version", "name", "edition", "measures", "tests", "tasks", "contact", "leave", "agreement"),
    *("transfer", "completion", "violations", "escalation", "clean", "risk", "colours"),
)
_YEAR_DAYS = 366
_MANY_DAYS = 3660  # ten years: longer than any term, so larger numbers can only be typing errors


def _check_version(r: _Reader) -> int:
    version = r.typed(("version",), r.get(("version",)), int, TYPE_INTEGER)
    if version != POLICY_VERSION:
        r.fail(("version",), POLICY_WRONG_VERSION, found=version, supported=POLICY_VERSION)
    return version


def _build(r: _Reader) -> Policy:
    r.table((), _TOP)
    version = _check_version(r)

    measures: dict[MeasureKind, MeasureRules] = {}
    for kind, key in r.keyed_by(("measures",), MeasureKind, WHAT_MEASURE).items():
        if kind is MeasureKind.COMPULSORY:  # not a community measure: the person leaves the caseload
            r.fail(("measures", key), POLICY_NOT_COMMUNITY, value=key)
        p = ("measures", key)
        r.table(p, ("term_years", "report_within_days", "tests_per_year", "hair_tests_per_year"))
        term = r.integer((*p, "term_years"), 1, 5)
        per_year = {}
        for field in ("tests_per_year", "hair_tests_per_year"):
            per_year[field] = r.integers((*p, field), 0, 52)
            if len(per_year[field]) != term:
                r.fail((*p, field), POLICY_LENGTH, found=len(per_year[field]), expected=term)
        measures[kind] = MeasureRules(
            kind,
            term,
            r.integer((*p, "report_within_days"), 1, 365),
            per_year["tests_per_year"],
            per_year["hair_tests_per_year"],
        )
    for kind in (MeasureKind.COMMUNITY_TREATMENT, MeasureKind.COMMUNITY_REHAB):
        if kind not in measures:
            r.fail(("measures", kind.value), POLICY_MISSING)

    r.table(("tests",), ("window_samples",))
    tests = TestRules(frozenset(r.choices(("tests", "window_samples"), SampleType, WHAT_SAMPLE)))

    def numbers(section: str, spec: Mapping[str, tuple[int, int]]) -> dict[str, int]:
        r.table((section,), spec)
        return {key: r.integer((section, key), low, high) for key, (low, high) in spec.items()}

    tasks = TaskRules(
        **numbers("tasks", {"missed_visible_days": (0, _YEAR_DAYS), "interval_lead_days": (0, 90)})
    )
    contact = ContactRules(**numbers("contact", {"lost_after_days": (1, _YEAR_DAYS)}))
    r.table(
        ("leave",),
        ("notice_from_days", "max_days", "max_days_per_year", "return_lead_days", "excuses_windows"),
    )
    leave = LeaveRules(
        notice_from_days=r.integer(("leave", "notice_from_days"), 1, 365),
        max_days=r.integer(("leave", "max_days"), 1, _YEAR_DAYS),
        max_days_per_year=r.integer(("leave", "max_days_per_year"), 1, _YEAR_DAYS),
        return_lead_days=r.integer(("leave", "return_lead_days"), 0, 90),
        excuses_windows=r.boolean(("leave", "excuses_windows")),
    )
    agreement = AgreementRules(
        **numbers("agreement", {"sign_within_days": (0, 365), "expiry_lead_days": (0, _YEAR_DAYS)})
    )
    transfer = TransferRules(**numbers("transfer", {"report_within_days": (1, 365)}))
    completion = CompletionRules(
        **numbers("completion", {"lead_days": (0, _YEAR_DAYS), "notice_within_days": (0, 90)})
    )

    p = ("violations",)
    r.table(p, ("refusals", "absences", "absence_days", "refusal_kinds", "absence_kinds"))
    violations = ViolationRules(
        refusals=r.integer((*p, "refusals"), 1, 100),
        absences=r.integer((*p, "absences"), 1, 100),
        absence_days=r.integer((*p, "absence_days"), 0, _MANY_DAYS),
        refusal_kinds=frozenset(r.choices((*p, "refusal_kinds"), ViolationKind, WHAT_VIOLATION)),
        absence_kinds=frozenset(r.choices((*p, "absence_kinds"), ViolationKind, WHAT_VIOLATION)),
    )
    escalation = EscalationRules(**numbers("escalation", {"report_within_days": (0, 365)}))

    p = ("clean",)
    r.table(p, ("years", "counted_from", "record_within_days"))
    clean = CleanRules(
        years=r.integer((*p, "years"), 1, 10),
        counted_from=r.choice((*p, "counted_from"), CleanFrom, WHAT_CHOICE),
        record_within_days=r.integer((*p, "record_within_days"), 0, 365),
    )

    risk = _build_risk(r)
    colours = _build_colours(r, risk.order)
    return Policy(
        version=version,
        name=r.text(("name",)) if "name" in r.doc else "",
        edition=r.text(("edition",)) if "edition" in r.doc else "",
        sources=tuple(source.name for source in r.sources),
        measures=MappingProxyType(measures),
        tests=tests,
        tasks=tasks,
        contact=contact,
        leave=leave,
        agreement=agreement,
        transfer=transfer,
        completion=completion,
        violations=violations,
        escalation=escalation,
        clean=clean,
        risk=risk,
        colours=MappingProxyType(colours),
    )


def _build_risk(r: _Reader) -> RiskRules:
    p = ("risk",)
    r.table(p, ("order", "default", "triggers", "trigger_hold_days", "thresholds", "drivers"))
    order = r.choices((*p, "order"), RiskColour, WHAT_COLOUR)
    if not order:
        r.fail((*p, "order"), POLICY_MISSING)
    default = r.choice((*p, "default"), RiskColour, WHAT_COLOUR)
    if default not in order:
        r.fail(
            (*p, "default"),
            POLICY_UNKNOWN_VALUE,
            value=default.value,
            what=WHAT_COLOUR(),
            hint=_hint(default.value, [c.value for c in order]),
        )
    triggers = frozenset(r.choices((*p, "triggers"), RiskTrigger, WHAT_TRIGGER))
    hold = r.integer((*p, "trigger_hold_days"), 1, _MANY_DAYS)

    table = r.table((*p, "thresholds"), [c.value for c in order])
    thresholds: list[tuple[RiskColour, int]] = []
    for colour in order:
        path = (*p, "thresholds", colour.value)
        if colour.value not in table:
            r.fail(path, POLICY_MISSING)
        score = r.integer(path, 0, 1000)
        if thresholds and score >= thresholds[-1][1]:
            r.fail(path, POLICY_THRESHOLDS, value=score, above=thresholds[-1][1])
        thresholds.append((colour, score))

    drivers: list[DriverRule] = []
    for name in r.table((*p, "drivers")):
        d = (*p, "drivers", name)
        spec = r.table(d, ("kind", "points", "default", "bands", "derive"))
        kind = r.choice((*d, "kind"), DriverKind, WHAT_CHOICE)
        if kind is DriverKind.CATEGORY:
            r.table(d, ("kind", "points", "default"))
            points = {key: r.integer((*d, "points", key), -100, 100) for key in r.table((*d, "points"))}
            drivers.append(
                DriverRule(
                    name, kind, MappingProxyType(points), r.integer((*d, "default"), -100, 100), (), None
                )
            )
        else:
            r.table(d, ("kind", "bands", "derive"))
            bands: list[tuple[int, int]] = []
            items = r.typed((*d, "bands"), r.get((*d, "bands")), list, TYPE_LIST)
            for i in range(len(items)):
                b = (*d, "bands", i)
                r.table(b, ("at_least", "points"))
                bands.append((r.integer((*b, "at_least"), 0, 10000), r.integer((*b, "points"), -100, 100)))
            derive = r.choice((*d, "derive"), DriverDerivation, WHAT_CHOICE) if "derive" in spec else None
            drivers.append(DriverRule(name, kind, MappingProxyType({}), 0, tuple(sorted(bands)), derive))
    return RiskRules(order, default, triggers, hold, tuple(thresholds), tuple(drivers))


def _build_colours(r: _Reader, order: tuple[RiskColour, ...]) -> dict[RiskColour, ColourRules]:
    colours: dict[RiskColour, ColourRules] = {}
    for colour, key in r.keyed_by(("colours",), RiskColour, WHAT_COLOUR).items():
        p = ("colours", key)
        if colour not in order:
            r.fail(p, POLICY_COLOUR_UNUSED, value=key)
        r.table(p, ("visits", "visit_period_months", "visit_kinds", "test_every_days"))
        colours[colour] = ColourRules(
            colour=colour,
            visits=r.integer((*p, "visits"), 0, 10),
            visit_period_months=r.integer((*p, "visit_period_months"), 1, 12),
            visit_kinds=frozenset(r.choices((*p, "visit_kinds"), VisitKind, WHAT_VISIT_KIND)),
            test_every_days=r.integer((*p, "test_every_days"), 0, _YEAR_DAYS),
        )
    for colour in order:
        if colour not in colours:
            r.fail(("colours", colour.value), POLICY_MISSING)
    return colours


def load_policy(path: Path, *, override: Path | None = None) -> Policy:
    """Read a policy file, lay an office's partial file over it if given, and check the result."""
    doc, source = _parse(path)
    merged: dict[str, Any] = {}
    origins: dict[KeyPath, _Source] = {}
    sources = [source]
    _merge(merged, doc, source, origins, ())
    if override is not None:
        over, over_source = _parse(override)
        if "version" in over:  # an office file need not repeat the version, but may not contradict it
            _check_version(_Reader(over, {(): over_source}, [over_source]))
        sources.append(over_source)
        _merge(merged, over, over_source, origins, ())
    return _build(_Reader(merged, origins, sources))


@lru_cache(maxsize=1)
def default_policy() -> Policy:
    """The provincial default shipped with the app (read once; a Policy never changes)."""
    return load_policy(DEFAULT_POLICY_PATH)
