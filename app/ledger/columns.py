"""The columns of the offices' ledgers (台账): which header names which field, what cell values mean.

Offices name their columns in many ways (身份证号码, 身份证号, 公民身份号码 ...), so every field lists the
spellings accepted; the first spelling is the canonical header that exports write, so a file written with
``canonical_headers`` reads back unchanged.  docs/ledger-format.md explains this table to office staff.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Literal, TypeVar

from models.enums import (
    AssistanceKind,
    AssistanceOutcome,
    Drug,
    Gender,
    LabelledEnum,
    MeasureKind,
    RiskColour,
    SampleType,
    TestMethod,
    TestResult,
    VisitKind,
)
from models.text import Text

LedgerKind = Literal["persons", "visits", "tests", "assistance"]
LEDGER_KINDS: tuple[LedgerKind, ...] = ("persons", "visits", "tests", "assistance")

ValueType = Literal[
    "text", "list", "id_number", "phone", "date", "planned_date", "enum", "enum_list", "amount"
]

# Excel and WPS may run a CSV cell that starts with one of these as a formula (a tab or a carriage return
# can come before one). Exports write such a text with a "'" before it, Excel's own mark for "this is
# text", and the reader takes the "'" off again. A text that starts with "'" and one of these (or a
# second "'") gets one more, so every text reads back as it was.
FORMULA_STARTS = frozenset("=+-@\t\r")
TEXT_MARK = "'"


def csv_text(value: str) -> str:
    """A text as an export writes it into a CSV cell: never the start of a formula."""
    first, second = value[:1], value[1:2]
    if first in FORMULA_STARTS or (first == TEXT_MARK and second in FORMULA_STARTS | {TEXT_MARK}):
        return TEXT_MARK + value
    return value


def from_csv_text(cell: str) -> str:
    """``csv_text`` undone: the text an export wrote into this cell."""
    if cell[:1] == TEXT_MARK and cell[1:2] in FORMULA_STARTS | {TEXT_MARK}:
        return cell[1:]
    return cell


# Exports join list cells with this; the reader also splits on commas, semicolons, slashes, line breaks
# and blanks (a blank only where the words are not one label, as English labels hold blanks).
LIST_SEPARATOR = "、"
LIST_SEPARATORS = "、,，;；/／\n"

E = TypeVar("E", bound=LabelledEnum)


@dataclass(frozen=True)
class Column:
    """One field of a ledger and the header spellings that name it (the first is canonical)."""

    field: str
    headers: tuple[str, ...]
    label: Text
    value: ValueType = "text"
    required: bool = False
    enum: type[LabelledEnum] | None = None

    @property
    def canonical_header(self) -> str:
        return self.headers[0]


_ID = Column(
    "id_number",
    ("身份证号码", "身份证号", "公民身份号码", "身份证", "身份证件号码", "证件号码"),
    Text("身份证号码", "ID number"),
    "id_number",
    required=True,
)
_NAME_OF_PERSON = Column("name", ("姓名", "人员姓名", "戒毒人员姓名"), Text("姓名", "name"))
_GENERIC_DATE = "日期"

COLUMNS: dict[LedgerKind, tuple[Column, ...]] = {
    "persons": (
        Column("name", _NAME_OF_PERSON.headers, _NAME_OF_PERSON.label, required=True),
        Column("gender", ("性别",), Text("性别", "sex"), "enum", enum=Gender),
        _ID,
        Column("birth_date", ("出生日期", "出生年月日"), Text("出生日期", "birth date"), "date"),
        Column("aliases", ("别名", "曾用名", "绰号"), Text("别名", "aliases"), "list"),
        Column(
            "phone",
            ("联系电话", "手机号码", "电话", "手机号", "手机", "联系方式"),
            Text("联系电话", "phone"),
            "phone",
        ),
        Column(
            "household_address",
            ("户籍地", "户籍地址", "户籍所在地", "户籍"),
            Text("户籍地", "registered address"),
        ),
        Column(
            "residence_address",
            ("居住地", "现住址", "居住地址", "现居住地", "现居住地址", "实际居住地"),
            Text("居住地", "residence"),
        ),
        Column(
            "drug_types",
            ("吸食毒品种类", "滥用毒品种类", "毒品种类", "吸毒种类", "滥用毒品类型"),
            Text("吸食毒品种类", "drugs used"),
            "enum_list",
            enum=Drug,
        ),
        Column(
            "first_found_on",
            ("初次发现日期", "首次发现日期", "初次发现吸毒日期", "首次发现吸毒日期"),
            Text("初次发现日期", "first found on"),
            "date",
        ),
        Column(
            "risk_colour",
            ("风险等级", "风险颜色", "管控等级", "风险级别"),
            Text("风险等级", "risk colour"),
            "enum",
            enum=RiskColour,
        ),
        Column("notes", ("备注",), Text("备注", "notes")),
        Column(
            "measure_kind",
            ("措施", "管控类型", "管控措施", "措施类型", "人员类型"),
            Text("措施", "measure"),
            "enum",
            enum=MeasureKind,
        ),
        Column("ordered_on", ("决定日期", "责令日期", "决定书日期"), Text("决定日期", "ordered on"), "date"),
        Column("reported_on", ("报到日期",), Text("报到日期", "reported on"), "date"),
        Column("ordered_by", ("决定机关", "决定单位"), Text("决定机关", "ordered by")),
        Column(
            "document_no",
            ("文书号", "决定书文号", "决定书编号", "决定书号"),
            Text("文书号", "document number"),
        ),
    ),
    "visits": (
        _ID,
        _NAME_OF_PERSON,
        Column(
            "visited_on",
            ("走访日期", "谈话日期", "走访谈话日期", "走访时间", "谈话时间", _GENERIC_DATE),
            Text("走访日期", "visit date"),
            "date",
            required=True,
        ),
        Column(
            "kind",
            ("走访方式", "谈话方式", "走访形式", "走访类型", "方式"),
            Text("走访方式", "kind of visit"),
            "enum",
            enum=VisitKind,
        ),
        Column(
            "participants",
            ("参与人员", "参加人员", "走访人员", "走访人"),
            Text("参与人员", "participants"),
            "list",
        ),
        Column("employment", ("就业情况",), Text("就业情况", "employment")),
        Column("family", ("家庭情况",), Text("家庭情况", "family")),
        Column("health", ("身体状况", "健康状况", "身体情况"), Text("身体状况", "health")),
        Column("mental_state", ("心理状况", "精神状态", "心理状态"), Text("心理状况", "mental state")),
        Column("needs", ("需求", "帮扶需求", "困难需求"), Text("需求", "needs")),
        Column(
            "summary",
            ("走访内容", "谈话内容", "走访情况", "谈话记录", "内容摘要", "备注"),
            Text("走访内容", "summary"),
        ),
        Column(
            "next_contact_on",
            ("下次走访日期", "下次联系日期", "计划下次走访日期"),
            Text("下次走访日期", "next contact"),
            "planned_date",
        ),
    ),
    "tests": (
        _ID,
        _NAME_OF_PERSON,
        Column(
            "tested_on",
            ("检测日期", "检测时间", "尿检日期", _GENERIC_DATE),
            Text("检测日期", "test date"),
            "date",
            required=True,
        ),
        Column(
            "result",
            ("检测结果", "结果"),
            Text("检测结果", "result"),
            "enum",
            required=True,
            enum=TestResult,
        ),
        Column(
            "sample",
            ("检测方式", "样本类型", "检测样本", "样本", "检测类型"),
            Text("检测方式", "sample"),
            "enum",
            enum=SampleType,
        ),
        Column("method", ("检测方法",), Text("检测方法", "method"), "enum", enum=TestMethod),
        Column("kit_lot", ("试剂批号", "试剂盒批号", "批号"), Text("试剂批号", "kit lot")),
        Column("witness", ("见证人", "检测见证人"), Text("见证人", "witness")),
        Column("notes", ("备注",), Text("备注", "notes")),
    ),
    "assistance": (
        _ID,
        _NAME_OF_PERSON,
        Column(
            "given_on",
            ("帮扶日期", "救助日期", "帮扶时间", _GENERIC_DATE),
            Text("帮扶日期", "date of help"),
            "date",
            required=True,
        ),
        Column(
            "kind",
            ("帮扶类型", "帮扶救助类型", "帮扶项目", "救助类型", "帮扶方式"),
            Text("帮扶类型", "kind of help"),
            "enum",
            required=True,
            enum=AssistanceKind,
        ),
        Column(
            "provider",
            ("帮扶单位", "提供单位", "救助单位", "帮扶责任单位"),
            Text("帮扶单位", "provider"),
        ),
        Column(
            "amount",
            ("金额（元）", "金额", "帮扶金额", "救助金额"),
            Text("金额（元）", "amount (yuan)"),
            "amount",
        ),
        Column(
            "outcome",
            ("帮扶结果", "帮扶成效", "结果"),
            Text("帮扶结果", "outcome"),
            "enum",
            enum=AssistanceOutcome,
        ),
        Column("details", ("帮扶内容", "帮扶详情", "备注"), Text("帮扶内容", "details")),
    ),
}

# Columns that ledgers carry for the reader's eyes only; not worth listing as "ignored".
BOOKKEEPING_HEADERS = frozenset({"序号", "编号", "序"})


def canonical_headers(kind: LedgerKind) -> list[str]:
    """The header row an export writes for this kind, in the table's order."""
    return [column.canonical_header for column in COLUMNS[kind]]


def column(kind: LedgerKind, field: str) -> Column:
    """The column of ``kind`` for a field name (KeyError if the kind has no such field)."""
    for candidate in COLUMNS[kind]:
        if candidate.field == field:
            return candidate
    raise KeyError(field)


@lru_cache(maxsize=4096)  # called on every cell of every row when looking for repeated headers
def normalise_header(text: str) -> str:
    """A header reduced for matching: no blanks, brackets or required-field asterisks, lower case."""
    folded = unicodedata.normalize("NFKC", text).lower()
    return "".join(ch for ch in folded if not ch.isspace() and ch not in "()[]【】*")


@cache
def header_lookup(kind: LedgerKind) -> Mapping[str, Column]:
    """Every accepted spelling of the kind's headers, normalised, mapped to its column (shared: read only)."""
    lookup: dict[str, Column] = {}
    for col in COLUMNS[kind]:
        for spelling in (*col.headers, col.field):
            lookup.setdefault(normalise_header(spelling), col)
    return lookup


# Words ledgers use for enum values beyond the members' own labels.  Keys are compared after
# ``normalise_value``, so full-width brackets and blanks need no separate entries.
ENUM_SYNONYMS: dict[type[LabelledEnum], dict[str, LabelledEnum]] = {
    Gender: {"男性": Gender.MALE, "女性": Gender.FEMALE, "m": Gender.MALE, "f": Gender.FEMALE},
    Drug: {
        "冰毒": Drug.METH,
        "甲基苯丙胺": Drug.METH,
        "甲基安非他明": Drug.METH,
        "麻古": Drug.METH,
        "k粉": Drug.KETAMINE,
        "摇头丸": Drug.MDMA,
        "一氧化二氮": Drug.NITROUS_OXIDE,
        "合成大麻素": Drug.NPS,
    },
    MeasureKind: {
        "社戒": MeasureKind.COMMUNITY_TREATMENT,
        "社区戒毒人员": MeasureKind.COMMUNITY_TREATMENT,
        "社区戒毒中": MeasureKind.COMMUNITY_TREATMENT,
        "责令社区戒毒": MeasureKind.COMMUNITY_TREATMENT,
        "社康": MeasureKind.COMMUNITY_REHAB,
        "社区康复人员": MeasureKind.COMMUNITY_REHAB,
        "社区康复中": MeasureKind.COMMUNITY_REHAB,
        "责令社区康复": MeasureKind.COMMUNITY_REHAB,
        "强戒": MeasureKind.COMPULSORY,
        "强制戒毒": MeasureKind.COMPULSORY,
    },
    RiskColour: {
        "红": RiskColour.RED,
        "红色": RiskColour.RED,
        "红码": RiskColour.RED,
        "黄": RiskColour.YELLOW,
        "黄色": RiskColour.YELLOW,
        "黄码": RiskColour.YELLOW,
        "蓝": RiskColour.BLUE,
        "蓝色": RiskColour.BLUE,
        "蓝码": RiskColour.BLUE,
        "绿": RiskColour.GREEN,
        "绿色": RiskColour.GREEN,
        "绿码": RiskColour.GREEN,
    },
    VisitKind: {
        "入户": VisitKind.HOME,
        "家访": VisitKind.HOME,
        "走访": VisitKind.HOME,
        "上门走访": VisitKind.HOME,
        "到站": VisitKind.OFFICE,
        "谈话": VisitKind.OFFICE,
        "面谈": VisitKind.OFFICE,
        "约谈": VisitKind.OFFICE,
        "电话": VisitKind.PHONE,
        "电话回访": VisitKind.PHONE,
        "视频": VisitKind.VIDEO,
        "视频通话": VisitKind.VIDEO,
        "微信视频": VisitKind.VIDEO,
    },
    SampleType: {
        "尿检": SampleType.URINE,
        "尿": SampleType.URINE,
        "尿样": SampleType.URINE,
        "尿液检测": SampleType.URINE,
        "毛检": SampleType.HAIR,
        "毛发检测": SampleType.HAIR,
        "头发": SampleType.HAIR,
        "唾检": SampleType.SALIVA,
        "唾液检测": SampleType.SALIVA,
        "血检": SampleType.BLOOD,
        "血液检测": SampleType.BLOOD,
    },
    TestMethod: {
        "现场": TestMethod.ON_SITE,
        "快检": TestMethod.ON_SITE,
        "实验室": TestMethod.LAB,
        "送检": TestMethod.LAB,
        "复测": TestMethod.RETEST,
    },
    TestResult: {
        "阴": TestResult.NEGATIVE,
        "-": TestResult.NEGATIVE,
        "(-)": TestResult.NEGATIVE,
        "neg": TestResult.NEGATIVE,
        "阳": TestResult.POSITIVE,
        "+": TestResult.POSITIVE,
        "(+)": TestResult.POSITIVE,
        "pos": TestResult.POSITIVE,
        "拒检": TestResult.REFUSED,
        "拒绝": TestResult.REFUSED,
        "拒不检测": TestResult.REFUSED,
        "拒绝检测": TestResult.REFUSED,
    },
    AssistanceKind: {
        "技能培训": AssistanceKind.TRAINING,
        "职业培训": AssistanceKind.TRAINING,
        "培训": AssistanceKind.TRAINING,
        "就业援助": AssistanceKind.JOB_PLACEMENT,
        "就业安置": AssistanceKind.JOB_PLACEMENT,
        "就业指导": AssistanceKind.JOB_PLACEMENT,
        "推荐就业": AssistanceKind.JOB_PLACEMENT,
        "公益岗": AssistanceKind.PUBLIC_POST,
        "公益岗位": AssistanceKind.PUBLIC_POST,
        "最低生活保障": AssistanceKind.MINIMUM_ALLOWANCE,
        "特困": AssistanceKind.EXTREME_POVERTY,
        "特困救助": AssistanceKind.EXTREME_POVERTY,
        "医疗救助": AssistanceKind.MEDICAL,
        "医保": AssistanceKind.MEDICAL,
        "心理咨询": AssistanceKind.COUNSELLING,
        "心理辅导": AssistanceKind.COUNSELLING,
        "法援": AssistanceKind.LEGAL_AID,
        "纠纷调解": AssistanceKind.LEGAL_AID,
        "子女就学": AssistanceKind.SCHOOLING,
        "助学": AssistanceKind.SCHOOLING,
    },
    AssistanceOutcome: {
        "办理中": AssistanceOutcome.PENDING,
        "在办": AssistanceOutcome.PENDING,
        "完成": AssistanceOutcome.COMPLETED,
        "已发放": AssistanceOutcome.COMPLETED,
        "已办结": AssistanceOutcome.COMPLETED,
        "已落实": AssistanceOutcome.COMPLETED,
        "就业": AssistanceOutcome.EMPLOYED,
        "已上岗": AssistanceOutcome.EMPLOYED,
        "稳定就业": AssistanceOutcome.EMPLOYED_SIX_MONTHS,
        "稳定就业6个月以上": AssistanceOutcome.EMPLOYED_SIX_MONTHS,
        "拒绝": AssistanceOutcome.DECLINED,
        "拒绝帮扶": AssistanceOutcome.DECLINED,
    },
}


def normalise_value(text: str) -> str:
    """A cell value reduced for matching enum labels: NFKC, lower case, no blanks."""
    return "".join(unicodedata.normalize("NFKC", text).lower().split())


@cache
def _value_lookup(enum: type[LabelledEnum]) -> dict[str, LabelledEnum]:
    lookup: dict[str, LabelledEnum] = {}
    for member in enum:
        for spelling in (member.value, member.label.zh, member.label.en):
            lookup.setdefault(normalise_value(spelling), member)
    for spelling, member in ENUM_SYNONYMS.get(enum, {}).items():
        lookup.setdefault(normalise_value(spelling), member)
    return lookup


def match_enum(enum: type[E], text: str) -> E | None:
    """The member a ledger cell names, by code, label or synonym; None if it names none."""
    found = enum.from_label(text) or _value_lookup(enum).get(normalise_value(text))
    return found if isinstance(found, enum) else None
