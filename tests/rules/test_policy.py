"""The policy file: the default loads, an office file merges over it, and every mistake is named clearly."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.rules.policy import DEFAULT_POLICY_PATH, PolicyError, default_policy, load_policy
from models.enums import MeasureKind, RiskColour, SampleType, VisitKind


def test_default_policy_has_the_domain_defaults() -> None:
    p = default_policy()
    treatment = p.measures[MeasureKind.COMMUNITY_TREATMENT]
    rehab = p.measures[MeasureKind.COMMUNITY_REHAB]
    assert (treatment.term_years, treatment.tests_per_year, treatment.report_within_days) == (
        3,
        (12, 6, 4),
        15,
    )
    assert (rehab.term_years, rehab.tests_per_year) == (3, (6, 4, 2))
    assert (p.violations.refusals, p.violations.absences, p.violations.absence_days) == (3, 3, 30)
    assert p.escalation.report_within_days == 15
    assert p.risk.order == (RiskColour.RED, RiskColour.YELLOW, RiskColour.BLUE, RiskColour.GREEN)
    assert p.risk.top is RiskColour.RED
    assert p.colours[RiskColour.BLUE].visits == 1  # DOMAIN.md: monthly by default
    assert SampleType.HAIR in p.tests.window_samples
    assert p.version == 1 and p.sources == (str(DEFAULT_POLICY_PATH),)


def test_every_number_in_the_default_is_documented() -> None:
    """Each setting line of the shipped file carries a comment, on the line or in the block above it."""
    lines = DEFAULT_POLICY_PATH.read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(lines):
        stripped = line.strip()
        if "=" in stripped and not stripped.startswith("#") and not stripped.startswith("{"):
            commented = "#" in line or any(
                lines[j].lstrip().startswith(("#", "[")) for j in range(max(i - 3, 0), i)
            )
            assert commented, f"line {i + 1} has no comment: {line}"


def write(tmp_path: Path, text: str, name: str = "office.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_office_override_merges_over_the_default(tmp_path: Path) -> None:
    office = write(
        tmp_path, '[colours.blue]\nvisits = 2\nvisit_kinds = ["home"]\n\n[contact]\nlost_after_days = 45\n'
    )
    p = load_policy(DEFAULT_POLICY_PATH, override=office)
    assert p.colours[RiskColour.BLUE].visits == 2
    assert p.colours[RiskColour.BLUE].visit_kinds == frozenset({VisitKind.HOME})  # a list replaces the list
    assert p.colours[RiskColour.BLUE].visit_period_months == 1  # untouched keys stay
    assert p.contact.lost_after_days == 45
    assert p.measures[MeasureKind.COMMUNITY_TREATMENT].tests_per_year == (12, 6, 4)
    assert p.sources == (str(DEFAULT_POLICY_PATH), str(office))


def error(tmp_path: Path, text: str) -> PolicyError:
    with pytest.raises(PolicyError) as caught:
        load_policy(DEFAULT_POLICY_PATH, override=write(tmp_path, text))
    return caught.value


# (office file, line, words the Chinese message contains, words the English one contains)
CASES = [
    (
        "[measures.community_treatment]\ntets_per_year = [1, 2, 3]\n",
        2,
        ["未知的设置项", "tets_per_year", "tests_per_year"],
        ["unknown setting", "Did you mean “tests_per_year”"],
    ),
    ("[contact]\nlost_after_dayz = 30\n", 2, ["lost_after_days"], ["Did you mean “lost_after_days”"]),
    ("[contcat]\nlost_after_days = 30\n", 1, ["contcat", "contact"], ["Did you mean “contact”"]),
    ('\n[contact]\nlost_after_days = "30"\n', 3, ["应为整数"], ["must be a whole number, not text"]),
    ("[leave]\nmax_days = -4\n", 2, ["超出允许范围"], ["outside the allowed range", "-4"]),
    ("[leave]\nexcuses_windows = 1\n", 2, ["true 或 false"], ["must be true or false"]),
    ("[colours.purple]\nvisits = 2\n", 1, ["风险颜色", "purple"], ["not a known risk colour"]),
    ('[risk]\ndefault = "redd"\n', 2, ["redd", "red"], ["Did you mean “red”"]),
    ("[measures.community_treatmnet]\nterm_years = 3\n", 1, ["措施"], ["Did you mean “community_treatment”"]),
    ("[measures.compulsory]\nterm_years = 2\n", 1, ["不是社区措施"], ["not a community measure"]),
    ("[measures.community_rehab]\ntests_per_year = [6, 4]\n", 2, ["2 项", "3 项"], ["has 2 entries", "(3)"]),
    (
        '[colours.red]\nvisit_kinds = ["home", "carrier pigeon"]\n',
        2,
        ["走访方式"],
        ["not a known visit kind"],
    ),
    ("[risk.thresholds]\nyellow = 20\n", 2, ["递减"], ["must fall"]),
    ("version = 2\n", 1, ["版本是 2", "版本 1"], ["version 2", "version 1 only"]),
    ("[leave\nmax_days = 3\n", 1, ["TOML 格式错误", "第 1 行"], ["line 1, column", "TOML syntax error"]),
    ("[leave]\nmax_days = thirty\n", 2, ["值无效"], ["line 2", "Invalid value"]),
    ('[tests]\nwindow_samples = ["urine",\n  "sweat"]\n', 3, ["sweat", "检材"], ["not a known sample type"]),
    ('[risk.drivers.family]\npoints = { supportive = 0, strained = "1" }\n', 2, ["整数"], ["whole number"]),
]


@pytest.mark.parametrize(("text", "line", "zh", "en"), CASES)
def test_policy_errors_name_the_file_the_line_and_the_problem(
    tmp_path: Path, text: str, line: int, zh: list[str], en: list[str]
) -> None:
    e = error(tmp_path, text)
    assert e.line == line
    assert e.file.endswith("office.toml")
    chinese, english = e.message.render("zh_CN"), e.message.render("en")
    assert "office.toml" in chinese and "office.toml" in english
    assert f"第 {line} 行" in chinese and f"line {line}" in english
    for word in zh:
        assert word in chinese
    for word in en:
        assert word in english


def test_a_typo_in_the_default_file_itself(tmp_path: Path) -> None:
    text = DEFAULT_POLICY_PATH.read_text(encoding="utf-8").replace(
        "lost_after_days = 30", "lost_after_day = 30"
    )
    path = write(tmp_path, text, "province.toml")
    with pytest.raises(PolicyError) as caught:
        load_policy(path)
    expected_line = next(
        i + 1 for i, line in enumerate(text.splitlines()) if line.startswith("lost_after_day ")
    )
    assert caught.value.line == expected_line
    assert "Did you mean “lost_after_days”" in caught.value.message.render("en")


def test_a_missing_setting_is_named(tmp_path: Path) -> None:
    lines = DEFAULT_POLICY_PATH.read_text(encoding="utf-8").splitlines(keepends=True)
    text = "".join(line for line in lines if not line.startswith("refusals ="))
    with pytest.raises(PolicyError) as caught:
        load_policy(write(tmp_path, text, "province.toml"))
    assert "violations.refusals" in caught.value.message.render("en")
    assert "缺少必填设置项" in caught.value.message.render("zh_CN")


def test_version_mismatch_in_the_main_file_is_refused(tmp_path: Path) -> None:
    text = DEFAULT_POLICY_PATH.read_text(encoding="utf-8").replace("version = 1 ", "version = 7 ")
    with pytest.raises(PolicyError) as caught:
        load_policy(write(tmp_path, text, "province.toml"))
    assert "version 7" in str(caught.value.message.render("en"))


def test_unreadable_file() -> None:
    with pytest.raises(PolicyError) as caught:
        load_policy(Path("/nonexistent/policy.toml"))
    assert "无法读取" in caught.value.message.render("zh_CN")


def test_an_override_may_repeat_the_right_version(tmp_path: Path) -> None:
    assert load_policy(DEFAULT_POLICY_PATH, override=write(tmp_path, "version = 1\n")).version == 1
