"""Reading ledgers: synthetic CSV and XLSX files built here, read back into inputs and problems.

Every person, ID number and phone number below is invented; the ID numbers carry valid check characters
from ``make_id`` only where a test wants them valid.
"""

from __future__ import annotations

import string
import tempfile
import unicodedata
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.ledger import (
    PLACEHOLDER_PERSON_ID,
    LedgerError,
    LedgerRead,
    MeasureFields,
    canonical_headers,
    read_ledger,
)
from app.ledger import read as reader
from app.ledger.columns import COLUMNS, ENUM_SYNONYMS, header_lookup, match_enum, normalise_header
from app.services.inputs import AssistanceInput, DrugTestInput, PersonInput, VisitInput
from models import values
from models.enums import (
    AssistanceKind,
    AssistanceOutcome,
    Drug,
    Gender,
    MeasureKind,
    RiskColour,
    SampleType,
    TestMethod,
    TestResult,
    VisitKind,
)
from models.text import Text
from models.values import id_check_char

TODAY = date(2026, 1, 10)
DOCS = Path(__file__).resolve().parents[2] / "docs" / "ledger-format.md"


def make_id(birth: date = date(1990, 1, 1), seq: int = 123, region: str = "640104") -> str:
    first17 = f"{region}{birth:%Y%m%d}{seq:03d}"
    return first17 + id_check_char(first17)


ZHANG = make_id(date(1990, 1, 1), 123)  # 张三, male
LI = make_id(date(1985, 6, 15), 2)  # 李四, female
WANG = make_id(date(1979, 11, 30), 35)  # 王五, male


def wrong_check(number: str) -> str:
    return number[:-1] + ("0" if number[-1] != "0" else "1")


def write_csv(path: Path, rows: list[list[object]], encoding: str = "utf-8", delimiter: str = ",") -> Path:
    import csv
    import io

    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def write_xlsx(path: Path, rows: list[list[object]], merges: tuple[str, ...] = ()) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "台账"
    for row in rows:
        sheet.append(row)
    for merge in merges:
        sheet.merge_cells(merge)
    workbook.save(path)
    return path


def problems_of(result: LedgerRead) -> list[tuple[int, str, Text]]:
    return [(p.line, p.column, p.message.text) for p in result.problems]


PERSON_HEADER = [
    "序号",
    "姓名",
    "性别",
    "身份证号码",
    "联系电话",
    "户籍地",
    "居住地",
    "吸食毒品种类",
    "初次发现日期",
]


def person_rows() -> list[list[object]]:
    return [
        ["某某镇社区戒毒人员台账"],
        PERSON_HEADER,
        [
            1,
            "张三",
            "男",
            ZHANG,
            "138 0013 8000",
            "某某县某某村",
            "某某镇某某街1号",
            "冰毒、海洛因",
            "2019/3/5",
        ],
        [2, "李四", "女", LI, "0951-1234567", "", "", "K粉", "2020年7月1日"],
        [3, "王五", "", WANG, "", "", "", "", ""],
    ]


# --- CSV -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_persons_csv_in_every_encoding(tmp_path: Path, encoding: str) -> None:
    path = write_csv(tmp_path / "persons.csv", person_rows(), encoding)
    result = read_ledger(path, "persons", today=TODAY)
    assert result.problems == []
    assert result.header_line == 2
    assert [row.line for row in result.rows] == [3, 4, 5]
    zhang = result.rows[0].record
    assert zhang == PersonInput(
        name="张三",
        id_number=ZHANG,
        gender=Gender.MALE,
        birth_date=date(1990, 1, 1),
        phone="13800138000",
        household_address="某某县某某村",
        residence_address="某某镇某某街1号",
        drug_types=[Drug.METH, Drug.HEROIN],
        first_found_on=date(2019, 3, 5),
    )
    li = result.rows[1].record
    assert isinstance(li, PersonInput)
    assert (li.phone, li.drug_types, li.first_found_on) == ("0951-1234567", [Drug.KETAMINE], date(2020, 7, 1))
    # Sex and birth date left empty are taken from the number.
    wang = result.rows[2].record
    assert isinstance(wang, PersonInput)
    assert (wang.gender, wang.birth_date) == (Gender.MALE, date(1979, 11, 30))
    assert [row.id_number for row in result.rows] == [ZHANG, LI, WANG]
    assert all(row.measure is None for row in result.rows)


def test_renamed_and_decorated_headers(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        [
            "姓 名*",
            "公民身份号码*",
            "手机号码",
            "现住址",
            "滥用毒品种类",
            "首次发现日期",
            "管控类型",
            "决定日期",
        ],
        ["张三", ZHANG, "13800138000", "某某镇", "甲基苯丙胺(冰毒)", "2019-03-05", "社戒", "2025.3.1"],
    ]
    result = read_ledger(write_csv(tmp_path / "p.csv", rows), "persons", today=TODAY)
    assert result.problems == []
    row = result.rows[0]
    assert isinstance(row.record, PersonInput)
    assert row.record.residence_address == "某某镇"
    assert row.record.drug_types == [Drug.METH]
    assert row.measure == MeasureFields(MeasureKind.COMMUNITY_TREATMENT, date(2025, 3, 1))


def test_english_headers_are_the_field_names(tmp_path: Path) -> None:
    rows: list[list[object]] = [["name", "ID_Number", "gender"], ["张三", ZHANG, "male"]]
    result = read_ledger(write_csv(tmp_path / "p.csv", rows), "persons", today=TODAY)
    assert result.problems == []
    assert result.rows[0].id_number == ZHANG


def test_missing_required_column_reads_nothing(tmp_path: Path) -> None:
    rows: list[list[object]] = [["台账"], ["姓名", "性别", "联系电话"], ["张三", "男", "13800138000"]]
    result = read_ledger(write_csv(tmp_path / "p.csv", rows), "persons", today=TODAY)
    assert result.rows == []
    assert problems_of(result) == [(2, "", reader.MISSING_COLUMNS)]
    assert "身份证号码" in result.problems[0].message.render("zh_CN")
    assert "id_number" in result.problems[0].message.render("en")


@pytest.mark.parametrize(
    ("kind", "header", "missing"),
    [
        ("visits", ["姓名", "身份证号码", "走访方式"], ["走访日期"]),
        ("tests", ["姓名", "身份证号码", "检测日期"], ["检测结果"]),
        ("tests", ["姓名", "检测日期", "检测结果"], ["身份证号码"]),
        ("assistance", ["身份证号", "帮扶日期", "金额"], ["帮扶类型"]),
    ],
)
def test_missing_required_columns_of_fact_ledgers(
    tmp_path: Path, kind: str, header: list[str], missing: list[str]
) -> None:
    rows: list[list[object]] = [header, ["张三", ZHANG, "2025-01-01"]]
    result = read_ledger(write_csv(tmp_path / "f.csv", rows), kind, today=TODAY)  # type: ignore[arg-type]
    assert result.rows == []
    assert problems_of(result) == [(1, "", reader.MISSING_COLUMNS)]
    for name in missing:
        assert name in result.problems[0].message.render("zh_CN")


def test_no_header_row_at_all(tmp_path: Path) -> None:
    rows: list[list[object]] = [["这不是台账"], ["张三", ZHANG]]
    result = read_ledger(write_csv(tmp_path / "p.csv", rows), "persons", today=TODAY)
    assert result.rows == []
    assert result.header_line == 0
    assert problems_of(result) == [(1, "", reader.NO_HEADER)]


def test_duplicate_id_numbers_are_reported_on_the_second_occurrence(tmp_path: Path) -> None:
    legacy_zhang = ZHANG[:6] + ZHANG[8:17]  # the same person's old 15-digit number
    rows: list[list[object]] = [
        ["姓名", "身份证号码"],
        ["张三", ZHANG],
        ["李四", LI],
        ["张三", ZHANG.lower()],
        ["张三", legacy_zhang],
    ]
    result = read_ledger(write_csv(tmp_path / "p.csv", rows), "persons", today=TODAY)
    assert [row.line for row in result.rows] == [2, 3]
    assert problems_of(result) == [
        (4, "身份证号码", reader.DUPLICATE_ID),
        (5, "身份证号码", reader.DUPLICATE_ID),
    ]
    assert result.problems[0].message.render("en") == "The ID number repeats the one on line 2"


def test_bad_cells_name_line_column_and_reason(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["姓名", "性别", "身份证号", "出生日期", "联系电话", "吸食毒品种类", "初次发现日期"],
        ["张三", "男", wrong_check(ZHANG), "", "", "", ""],
        ["李四", "男", LI, "1985-06-16", "", "", ""],
        ["王五", "男", WANG, "", "12345", "", ""],
        ["赵六", "", make_id(seq=5), "", "", "冰毒、杜冷丁", "2026-02-01"],
        ["", "", make_id(seq=7), "", "", "", ""],
        ["孙七", "", make_id(seq=9), "", "", "", "2026年2月30日"],
        ["周八", "不详", make_id(seq=11), "", "", "", ""],
    ]
    result = read_ledger(write_csv(tmp_path / "p.csv", rows), "persons", today=TODAY)
    assert result.rows == []
    assert problems_of(result) == [
        (2, "身份证号", values.ID_BAD_CHECK),
        (3, "出生日期", values.ID_BIRTH_MISMATCH),
        (3, "性别", values.ID_GENDER_MISMATCH),
        (4, "联系电话", values.PHONE_BAD),
        (5, "吸食毒品种类", reader.UNKNOWN_VALUE),
        (5, "初次发现日期", values.DATE_IN_FUTURE),
        (6, "姓名", values.FIELD_REQUIRED),
        (7, "初次发现日期", values.DATE_NOT_REAL),
        (8, "性别", reader.UNKNOWN_VALUE),
    ]
    check = result.problems[0].describe()
    assert check.render("zh_CN").startswith("第2行“身份证号”：身份证号码校验位错误")
    assert f"should be “{ZHANG[-1]}”" in check.render("en")
    unknown = result.problems[4].message
    assert "“杜冷丁”" in unknown.render("zh_CN") and "海洛因" in unknown.render("zh_CN")
    assert "heroin" in unknown.render("en")
    assert result.problems[6].message.render("en") == "name must not be empty"


def test_one_bad_row_does_not_stop_the_others(tmp_path: Path) -> None:
    rows: list[list[object]] = [["姓名", "身份证号码"], ["张三", wrong_check(ZHANG)], ["李四", LI]]
    result = read_ledger(write_csv(tmp_path / "p.csv", rows), "persons", today=TODAY)
    assert [row.id_number for row in result.rows] == [LI]
    assert [p.line for p in result.problems] == [2]


def test_id_number_mangled_by_excel_into_scientific_notation(tmp_path: Path) -> None:
    rows: list[list[object]] = [["姓名", "身份证号码"], ["张三", "6.40104E+17"]]
    result = read_ledger(write_csv(tmp_path / "p.csv", rows), "persons", today=TODAY)
    assert problems_of(result) == [(2, "身份证号码", reader.ID_STORED_AS_NUMBER)]


def test_measure_columns(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["姓名", "身份证号码", "措施", "决定日期", "报到日期", "决定机关", "文书号"],
        ["张三", ZHANG, "社区戒毒", "2025/3/1", "2025年3月10日", "某某县公安局", "某公（禁）决字〔2025〕1号"],
        ["李四", LI, "社区康复", "2025-04-01", "", "", ""],
        ["王五", WANG, "", "", "2025-01-01", "", ""],  # a report date without the measure
        [
            "赵六",
            make_id(seq=5),
            "强戒",
            "2025-05-01",
            "2025-04-01",
            "",
            "",
        ],  # reported before ordered
        ["孙七", make_id(seq=7), "社区戒毒", "", "", "", ""],
    ]
    result = read_ledger(write_csv(tmp_path / "p.csv", rows), "persons", today=TODAY)
    assert [row.measure for row in result.rows] == [
        MeasureFields(
            MeasureKind.COMMUNITY_TREATMENT,
            date(2025, 3, 1),
            date(2025, 3, 10),
            "某某县公安局",
            "某公（禁）决字〔2025〕1号",
        ),
        MeasureFields(MeasureKind.COMMUNITY_REHAB, date(2025, 4, 1)),
    ]
    assert problems_of(result) == [
        (4, "措施", reader.MEASURE_NEEDS),
        (4, "决定日期", reader.MEASURE_NEEDS),
        (5, "报到日期", reader.DATE_BEFORE),
        (6, "决定日期", reader.MEASURE_NEEDS),
    ]


def test_risk_colour_and_lists(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["姓名", "身份证号码", "风险等级", "别名", "吸食毒品种类"],
        ["张三", ZHANG, "红码", "小张, 张老三", "海洛因/冰毒/海洛因"],
        ["李四", LI, "", "", ""],
    ]
    result = read_ledger(write_csv(tmp_path / "p.csv", rows), "persons", today=TODAY)
    zhang, li = (row.record for row in result.rows)
    assert isinstance(zhang, PersonInput) and isinstance(li, PersonInput)
    assert zhang.risk_colour is RiskColour.RED
    assert zhang.aliases == ["小张", "张老三"]
    assert zhang.drug_types == [Drug.HEROIN, Drug.METH]
    assert li.risk_colour is RiskColour.BLUE


def test_drug_lists_in_english_and_with_blanks(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["name", "id_number", "drug_types"],
        ["张三", ZHANG, "heroin、new psychoactive substances、nitrous oxide"],
        ["李四", LI, "冰毒 海洛因"],
        ["王五", WANG, "冰毒 杜冷丁"],
    ]
    result = read_ledger(write_csv(tmp_path / "p.csv", rows), "persons", today=TODAY)
    assert [row.record.drug_types for row in result.rows] == [  # type: ignore[union-attr]
        [Drug.HEROIN, Drug.NPS, Drug.NITROUS_OXIDE],
        [Drug.METH, Drug.HEROIN],
    ]
    assert problems_of(result) == [(4, "drug_types", reader.UNKNOWN_VALUE)]


def test_tests_ledger_dates_and_synonyms(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["身份证号码", "姓名", "检测日期", "检测方式", "检测结果", "检测方法", "试剂批号", "见证人"],
        [ZHANG, "张三", "2026/1/5", "尿检", "阴性", "现场", "LOT-001", "李四"],
        [ZHANG, "张三", "2026-01-05", "毛发", "-", "送检", "", ""],
        [ZHANG, "张三", "2026年1月5日", "", "（-）", "", "", ""],
        [ZHANG, "张三", "20260105", "唾液", "阳性", "复检", "", ""],
        [ZHANG, "张三", "2025.12.1", "", "拒检", "", "", ""],
        [ZHANG, "张三", "2026-01-11", "", "阴性", "", "", ""],  # after today
        [ZHANG, "张三", "2026-01-05", "", "弱阳", "", "", ""],
        [ZHANG, "张三", "", "", "阴性", "", "", ""],
        [ZHANG, "张三", "上周", "", "", "", "", ""],
    ]
    result = read_ledger(write_csv(tmp_path / "t.csv", rows), "tests", today=TODAY)
    tests = [row.record for row in result.rows]
    assert all(isinstance(t, DrugTestInput) and t.person_id == PLACEHOLDER_PERSON_ID for t in tests)
    assert [(t.tested_on, t.sample, t.result, t.method) for t in tests] == [  # type: ignore[union-attr]
        (date(2026, 1, 5), SampleType.URINE, TestResult.NEGATIVE, TestMethod.ON_SITE),
        (date(2026, 1, 5), SampleType.HAIR, TestResult.NEGATIVE, TestMethod.LAB),
        (date(2026, 1, 5), SampleType.URINE, TestResult.NEGATIVE, TestMethod.ON_SITE),
        (date(2026, 1, 5), SampleType.SALIVA, TestResult.POSITIVE, TestMethod.RETEST),
        (date(2025, 12, 1), SampleType.URINE, TestResult.REFUSED, TestMethod.ON_SITE),
    ]
    first = result.rows[0]
    assert (first.id_number, first.name) == (ZHANG, "张三")
    assert (first.record.kit_lot, first.record.witness) == ("LOT-001", "李四")  # type: ignore[union-attr]
    assert problems_of(result) == [
        (7, "检测日期", values.DATE_IN_FUTURE),
        (8, "检测结果", reader.UNKNOWN_VALUE),
        (9, "检测日期", values.FIELD_REQUIRED),
        (10, "检测日期", values.DATE_BAD),
        (10, "检测结果", values.FIELD_REQUIRED),
    ]


def test_visits_ledger(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["身份证号码", "走访日期", "走访方式", "参与人员", "走访内容", "备注", "下次走访日期"],
        [ZHANG, "2026-01-05", "电话", "张警官、李医生", "情绪稳定", "已就业", "2026-02-05"],
        [LI, "2026-01-06", "", "", "", "", ""],
        [WANG, "2026-01-06", "", "", "", "", "2026-01-01"],
    ]
    result = read_ledger(write_csv(tmp_path / "v.csv", rows), "visits", today=TODAY)
    first, second = (row.record for row in result.rows)
    assert isinstance(first, VisitInput) and isinstance(second, VisitInput)
    assert first.kind is VisitKind.PHONE
    assert first.participants == ["张警官", "李医生"]
    assert first.summary == "情绪稳定\n已就业"  # 走访内容 and 备注 are both kept
    assert first.next_contact_on == date(2026, 2, 5)  # planned dates may lie ahead
    assert second.kind is VisitKind.HOME
    assert problems_of(result) == [(4, "下次走访日期", reader.DATE_BEFORE)]


def test_assistance_ledger(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["身份证号码", "帮扶日期", "帮扶类型", "金额(元)", "帮扶单位", "帮扶结果", "帮扶内容"],
        [ZHANG, "2025-12-01", "临时救助", "1,200.50元", "某某镇民政办", "已发放", "冬季临时救助"],
        [LI, "2025-12-02", "公益岗", "", "", "", ""],
        [WANG, "2025-12-03", "低保", "-5", "", "", ""],
        [WANG, "2025-12-03", "低保", "1.005", "", "", ""],
        [WANG, "2025-12-03", "发红包", "", "", "", ""],
        [WANG, "2025-12-03", "低保", "", "", "未知", ""],
    ]
    result = read_ledger(write_csv(tmp_path / "a.csv", rows), "assistance", today=TODAY)
    first, second = (row.record for row in result.rows)
    assert first == AssistanceInput(
        person_id=PLACEHOLDER_PERSON_ID,
        given_on=date(2025, 12, 1),
        kind=AssistanceKind.TEMPORARY_RELIEF,
        provider="某某镇民政办",
        amount=Decimal("1200.50"),
        outcome=AssistanceOutcome.COMPLETED,
        details="冬季临时救助",
    )
    assert isinstance(second, AssistanceInput)
    assert (second.kind, second.amount, second.outcome) == (
        AssistanceKind.PUBLIC_POST,
        None,
        AssistanceOutcome.PENDING,
    )
    assert problems_of(result) == [
        (4, "金额(元)", reader.BAD_AMOUNT),
        (5, "金额(元)", reader.BAD_AMOUNT),
        (6, "帮扶类型", reader.UNKNOWN_VALUE),
        (7, "帮扶结果", reader.UNKNOWN_VALUE),
    ]


def test_tab_and_semicolon_separated_files(tmp_path: Path) -> None:
    for delimiter in ("\t", ";"):
        path = write_csv(tmp_path / "p.csv", [["姓名", "身份证号码"], ["张三", ZHANG]], delimiter=delimiter)
        result = read_ledger(path, "persons", today=TODAY)
        assert [row.id_number for row in result.rows] == [ZHANG]


def test_excel_unicode_text_export(tmp_path: Path) -> None:
    path = tmp_path / "p.txt"
    path.write_bytes(f"姓名\t身份证号码\r\n张三\t{ZHANG}\r\n".encode("utf-16"))
    assert [row.id_number for row in read_ledger(path, "persons", today=TODAY).rows] == [ZHANG]


def test_template_rows_and_repeated_headers_are_skipped(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["序号", "姓名", "身份证号码"],
        [1, "张三", ZHANG],
        [2, "", ""],
        ["", "", ""],
        ["序号", "姓名", "身份证号码"],
        [3, "李四", LI],
        [4, "  ", ""],
    ]
    result = read_ledger(write_csv(tmp_path / "p.csv", rows), "persons", today=TODAY)
    assert result.problems == []
    assert [row.line for row in result.rows] == [2, 6]
    assert result.ignored_columns == []


def test_unknown_and_duplicate_columns(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["姓名", "身份证号码", "所属社区", "身份证号", "联系电话", "手机号码"],
        ["张三", ZHANG, "某某社区", "", "13800138000", "abc"],
    ]
    result = read_ledger(write_csv(tmp_path / "p.csv", rows), "persons", today=TODAY)
    assert result.ignored_columns == ["所属社区", "身份证号", "手机号码"]
    assert result.problems == []
    assert [row.record.phone for row in result.rows] == ["13800138000"]  # type: ignore[union-attr]


def test_a_quoted_cell_spanning_lines_keeps_excel_row_numbers(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["身份证号码", "走访日期", "走访内容"],
        [ZHANG, "2026-01-05", "第一行\n第二行"],
        [LI, "2026-13-05", ""],
    ]
    result = read_ledger(write_csv(tmp_path / "v.csv", rows), "visits", today=TODAY)
    assert result.rows[0].record.summary == "第一行\n第二行"  # type: ignore[union-attr]
    assert [p.line for p in result.problems] == [3]


def test_header_only_file_reads_no_rows(tmp_path: Path) -> None:
    result = read_ledger(write_csv(tmp_path / "p.csv", [["姓名", "身份证号码"]]), "persons", today=TODAY)
    assert (result.rows, result.problems, result.header_line) == ([], [], 1)


def test_canonical_headers_read_back(tmp_path: Path) -> None:
    """An export written with the canonical headers and enum labels is read back unchanged."""
    samples: dict[str, list[object]] = {
        "persons": [
            "张三",
            "男",
            ZHANG,
            "1990-01-01",
            "小张",
            "13800138000",
            "某县",
            "某镇",
            "海洛因、甲基苯丙胺（冰毒）",
            "2019-03-05",
            RiskColour.YELLOW.label.zh,
            "无",
            MeasureKind.COMMUNITY_REHAB.label.zh,
            "2025-03-01",
            "2025-03-05",
            "某县公安局",
            "某字1号",
        ],
        "visits": [
            ZHANG,
            "张三",
            "2026-01-05",
            "到站谈话",
            "李四",
            "务工",
            "和睦",
            "良好",
            "稳定",
            "就业",
            "正常",
            "2026-02-05",
        ],
        "tests": [ZHANG, "张三", "2026-01-05", "阴性", "毛发", "实验室检测", "L1", "李四", "无"],
        "assistance": [
            ZHANG,
            "张三",
            "2026-01-05",
            "就业援助/安置",
            "人社所",
            "0.00",
            "稳定就业满6个月",
            "推荐就业",
        ],
    }
    for kind, sample in samples.items():
        headers = canonical_headers(kind)  # type: ignore[arg-type]
        assert len(headers) == len(sample), kind
        result = read_ledger(write_csv(tmp_path / f"{kind}.csv", [headers, sample]), kind, today=TODAY)  # type: ignore[arg-type]
        assert result.problems == [], (kind, [p.describe().render("en") for p in result.problems])
        assert result.ignored_columns == []
        assert len(result.rows) == 1


# --- XLSX ----------------------------------------------------------------------------------------------


def test_xlsx_with_title_row_merged_cells_and_date_cells(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["某某镇社区戒毒人员检测台账", None, None, None, None],
        ["姓名", "身份证号码", "检测日期", "检测方式", "检测结果"],
        ["张三", ZHANG, datetime(2025, 10, 8), "尿检", "阴性"],
        [None, None, 46027, "毛发", "阴性"],  # an Excel serial: 2026-01-05
        [None, None, "2025年11月3日", "尿检", "阳性"],
        [None, None, None, None, None],
        ["李四", LI, "2025/12/1", "尿液", "拒绝检测"],
        [None, None, "2025/12/32", "尿液", "阴性"],
    ]
    path = write_xlsx(tmp_path / "tests.xlsx", rows, merges=("A1:E1", "A3:A5", "B3:B5", "A7:A8", "B7:B8"))
    result = read_ledger(path, "tests", today=TODAY)
    assert result.sheet == "台账"
    assert result.header_line == 2
    got = [
        (row.line, row.id_number, row.name, row.record.tested_on, row.record.result) for row in result.rows
    ]  # type: ignore[union-attr]
    assert got == [
        (3, ZHANG, "张三", date(2025, 10, 8), TestResult.NEGATIVE),
        (4, ZHANG, "张三", date(2026, 1, 5), TestResult.NEGATIVE),
        (5, ZHANG, "张三", date(2025, 11, 3), TestResult.POSITIVE),
        (7, LI, "李四", date(2025, 12, 1), TestResult.REFUSED),
    ]
    assert problems_of(result) == [(8, "检测日期", values.DATE_NOT_REAL)]


def test_xlsx_numeric_cells(tmp_path: Path) -> None:
    legacy = WANG[:6] + WANG[8:17]
    rows: list[list[object]] = [
        ["姓名", "身份证号码", "联系电话", "初次发现日期"],
        ["张三", float(ZHANG[:17] + "0"), 13800138000, 43831],  # an 18-digit number Excel kept as a number
        ["王五", int(legacy), 13900139000.0, 43831.5],  # a legacy number survives as a number
        ["李四", LI, "13700137000", datetime(2020, 1, 1, 0, 0)],
    ]
    result = read_ledger(write_xlsx(tmp_path / "p.xlsx", rows), "persons", today=TODAY)
    assert problems_of(result) == [(2, "身份证号码", reader.ID_STORED_AS_NUMBER)]
    wang, li = (row.record for row in result.rows)
    assert isinstance(wang, PersonInput) and isinstance(li, PersonInput)
    assert (wang.id_number, wang.phone, wang.first_found_on) == (WANG, "13900139000", date(2020, 1, 1))
    assert (li.phone, li.first_found_on) == ("13700137000", date(2020, 1, 1))


def test_xlsx_amounts_as_excel_shows_them(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["身份证号码", "帮扶日期", "帮扶类型", "金额（元）"],
        [ZHANG, "2025-12-01", "临时救助", 0.1 + 0.2],
        [ZHANG, "2025-12-02", "临时救助", 1500],
        [ZHANG, "2025-12-03", "临时救助", 12.345],
    ]
    result = read_ledger(write_xlsx(tmp_path / "a.xlsx", rows), "assistance", today=TODAY)
    assert [row.record.amount for row in result.rows] == [Decimal("0.3"), Decimal(1500)]  # type: ignore[union-attr]
    assert problems_of(result) == [(4, "金额（元）", reader.BAD_AMOUNT)]


def test_xlsx_finds_the_sheet_holding_the_ledger(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    notes = workbook.active
    assert notes is not None
    notes.title = "填表说明"
    notes.append(["请按要求填写"])
    data = workbook.create_sheet("2025年")
    data.append(["身份证号码", "帮扶日期", "帮扶类型"])
    data.append([ZHANG, date(2025, 6, 1), "心理疏导"])
    path = tmp_path / "help.xlsx"
    workbook.save(path)
    result = read_ledger(path, "assistance", today=TODAY)
    assert result.sheet == "2025年"
    assert [(row.line, row.record.kind) for row in result.rows] == [(2, AssistanceKind.COUNSELLING)]  # type: ignore[union-attr]


def test_xlsx_missing_column_problem_is_on_the_header_line(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["标题"],
        [],
        ["姓名", "身份证号码", "检测日期"],
        ["张三", ZHANG, "2026-01-05"],
    ]
    result = read_ledger(write_xlsx(tmp_path / "t.xlsx", rows), "tests", today=TODAY)
    assert problems_of(result) == [(3, "", reader.MISSING_COLUMNS)]


# --- unreadable files ----------------------------------------------------------------------------------


def ledger_error(path: Path, kind: str = "persons") -> Text:
    with pytest.raises(LedgerError) as exc:
        read_ledger(path, kind, today=TODAY)  # type: ignore[arg-type]
    message = exc.value.message
    assert message.render("zh_CN") and message.render("en")
    assert str(exc.value) == message.render()
    return message.text


@pytest.mark.parametrize(
    "content", [b"", b"   \r\n\r\n", b"\xef\xbb\xbf", b"\xef\xbb\xbf\r\n", ",,,\r\n,,\r\n"]
)
def test_empty_csv(tmp_path: Path, content: bytes | str) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    assert ledger_error(path) is reader.FILE_EMPTY


def test_empty_xlsx(tmp_path: Path) -> None:
    assert ledger_error(write_xlsx(tmp_path / "empty.xlsx", [])) is reader.FILE_EMPTY


def test_garbage_bytes(tmp_path: Path) -> None:
    path = tmp_path / "garbage.csv"
    path.write_bytes(bytes(range(256)) * 4)
    assert ledger_error(path) in (reader.FILE_NOT_TEXT, reader.FILE_UNKNOWN_ENCODING)


def test_undecodable_bytes(tmp_path: Path) -> None:
    path = tmp_path / "odd.csv"
    path.write_bytes(b"\xff\xff\xff\xff,\x80\x80")
    assert ledger_error(path) is reader.FILE_UNKNOWN_ENCODING


def test_xlsx_that_is_really_text(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "really-text.xlsx", [["姓名", "身份证号码"], ["张三", ZHANG]])
    assert ledger_error(path) is reader.FILE_XLSX_IS_TEXT


def test_csv_that_is_really_xlsx(tmp_path: Path) -> None:
    workbook_path = write_xlsx(tmp_path / "real.xlsx", [["姓名", "身份证号码"], ["张三", ZHANG]])
    path = tmp_path / "named.csv"
    path.write_bytes(workbook_path.read_bytes())
    assert ledger_error(path) is reader.FILE_CSV_IS_XLSX


def test_damaged_xlsx(tmp_path: Path) -> None:
    whole = write_xlsx(tmp_path / "whole.xlsx", [["姓名", "身份证号码"], ["张三", ZHANG]]).read_bytes()
    path = tmp_path / "damaged.xlsx"
    path.write_bytes(whole[: len(whole) // 2])
    assert ledger_error(path) is reader.FILE_XLSX_CORRUPT
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    assert ledger_error(path) is reader.FILE_XLSX_CORRUPT


def test_old_xls_and_other_types(tmp_path: Path) -> None:
    xls = tmp_path / "old.xls"
    xls.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    assert ledger_error(xls) is reader.FILE_OLD_XLS
    disguised = tmp_path / "old.xlsx"  # an .xls renamed, or a password-protected workbook
    disguised.write_bytes(xls.read_bytes())
    assert ledger_error(disguised) is reader.FILE_OLD_XLS
    for name in ("ledger.docx", "ledger.et", "ledger"):
        other = tmp_path / name
        other.write_bytes(b"x")
        assert ledger_error(other) is reader.FILE_TYPE_UNSUPPORTED


def test_missing_file(tmp_path: Path) -> None:
    assert ledger_error(tmp_path / "absent.csv") is reader.FILE_NOT_FOUND


def test_a_folder_is_not_a_ledger(tmp_path: Path) -> None:
    folder = tmp_path / "folder.csv"
    folder.mkdir()
    assert ledger_error(folder) in (reader.FILE_UNREADABLE, reader.FILE_LOCKED)


# --- columns and docs ----------------------------------------------------------------------------------


def test_no_header_spelling_names_two_fields_of_one_kind() -> None:
    for kind, columns in COLUMNS.items():
        owners: dict[str, set[str]] = {}
        for col in columns:
            for spelling in (*col.headers, col.field):
                owners.setdefault(normalise_header(spelling), set()).add(col.field)
        assert {s: f for s, f in owners.items() if len(f) > 1} == {}, kind
        assert set(owners) == set(header_lookup(kind))


def test_every_kind_requires_the_id_number_and_has_labels_in_both_languages() -> None:
    for columns in COLUMNS.values():
        assert any(col.field == "id_number" and col.required for col in columns)
        for col in columns:
            assert col.label.zh and col.label.en
            assert (col.enum is not None) == (col.value in ("enum", "enum_list"))


def test_synonyms_and_labels_match() -> None:
    for enum, synonyms in ENUM_SYNONYMS.items():
        for spelling, member in synonyms.items():
            assert match_enum(enum, spelling) is member
            assert match_enum(enum, f" {spelling.upper()} ") is member
        for member in enum:
            assert match_enum(enum, member.label.zh) is member
            assert match_enum(enum, member.label.en.upper()) is member
            assert match_enum(enum, member.value) is member
    assert match_enum(Drug, "甲基苯丙胺(冰毒)") is Drug.METH
    assert match_enum(TestResult, "（+）") is TestResult.POSITIVE
    assert match_enum(TestResult, "弱阳") is None


def test_docs_list_every_header_and_value() -> None:
    docs = unicodedata.normalize("NFKC", DOCS.read_text(encoding="utf-8")).lower()
    for columns in COLUMNS.values():
        for col in columns:
            assert f"`{col.field}`" in docs
            for header in col.headers:
                assert unicodedata.normalize("NFKC", header).lower() in docs, header
            for member in col.enum or ():
                assert unicodedata.normalize("NFKC", member.label.zh).lower() in docs, member
    for synonyms in ENUM_SYNONYMS.values():
        for spelling in synonyms:
            assert unicodedata.normalize("NFKC", spelling).lower() in docs, spelling


def test_reader_messages_have_both_languages() -> None:
    texts = [v for v in vars(reader).values() if isinstance(v, Text)]
    assert len(texts) > 15
    for text in texts:
        assert text.zh and text.en and text.zh != text.en
        zh_fields = {name for _, name, _, _ in string.Formatter().parse(text.zh) if name}
        en_fields = {name for _, name, _, _ in string.Formatter().parse(text.en) if name}
        assert zh_fields == en_fields, text


# --- properties ----------------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2048))
def test_arbitrary_bytes_as_csv_raise_only_ledger_errors(content: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "any.csv"
        path.write_bytes(content)
        try:
            result = read_ledger(path, "persons", today=TODAY)
        except LedgerError:
            return
        for problem in result.problems:
            assert problem.describe().render("zh_CN")


header_cells = st.sampled_from(
    ["姓名", "身份证号码", "性别", "联系电话", "出生日期", "吸食毒品种类", "措施", "决定日期"]
)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(header_cells, min_size=2, max_size=8, unique=True),
    st.lists(
        st.lists(
            st.one_of(st.text(max_size=20), st.sampled_from([ZHANG, LI, "2025-01-01", "男"])), max_size=8
        ),
        max_size=6,
    ),
)
def test_arbitrary_cells_under_a_real_header_raise_nothing(
    header: list[str], rows: list[list[object]]
) -> None:
    import csv
    import io

    buffer = io.StringIO()
    csv.writer(buffer).writerows([header, *rows])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "cells.csv"
        path.write_text(buffer.getvalue(), encoding="utf-8")
        try:
            result = read_ledger(path, "persons", today=TODAY)
        except LedgerError:
            return
        lines = {row.line for row in result.rows}
        assert not lines & {p.line for p in result.problems if p.line != result.header_line}
