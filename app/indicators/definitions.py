"""The indicators' names, units and definitions, in both languages (DOMAIN.md's table, made precise).

docs/indicators.md explains each choice at length; the definitions here are what a report prints beside
each figure, so they say what is counted in a sentence or two.
"""

from __future__ import annotations

from dataclasses import dataclass

from models.enums import AssistanceKind
from models.text import Text


@dataclass(frozen=True)
class Definition:
    key: str
    name: Text
    unit: Text  # what the numerator and denominator count
    text: Text


EXECUTION_RATE = "execution_rate"
TEST_COMPLIANCE = "test_compliance"
HAIR_COVERAGE = "hair_coverage"
LOST_RATE = "lost_rate"
RELAPSES = "relapses"
CONSOLIDATION_RATE = "consolidation_rate"
NEW_FOUND_GROWTH = "new_found_growth"
ASSISTED = "assistance.people"
TRAINING_SESSIONS = "assistance.training_sessions"
TRAINING_ATTENDANCE = "assistance.training_attendance"
EMPLOYED = "assistance.employed"
EMPLOYED_SIX_MONTHS = "assistance.employed_6m"

PEOPLE = Text("人", "people")
ORDERS = Text("份决定", "orders")
WINDOWS = Text("个检测周期", "test windows")
TIMES = Text("次", "times")
SESSIONS = Text("期", "sessions")
ATTENDANCES = Text("人次", "attendances")

DEFINITIONS: dict[str, Definition] = {
    d.key: d
    for d in (
        Definition(
            EXECUTION_RATE,
            Text("执行率", "execution rate"),
            ORDERS,
            Text(
                "统计期内收到的社区戒毒、社区康复决定中，人员已报到并签订协议的决定数 ÷ 收到的决定数（截至统计期末）。"
                "期末仍在报到期限或签协议期限内的决定暂不计入；人员在报到前已被羁押、强制隔离戒毒、判刑、死亡、迁出，"
                "或该决定已被新决定取代的，不计入。",
                "Of the community treatment and rehabilitation orders received in the period: orders whose person "
                "reported and signed the agreement ÷ orders received (as at the end of the period). Orders still "
                "within the reporting or signing deadline at the end of the period are not counted yet; nor are "
                "orders whose person was detained, committed, imprisoned, died or moved away before reporting, "
                "or that a later order replaced.",
            ),
        ),
        Definition(
            TEST_COMPLIANCE,
            Text("检测率", "test compliance"),
            WINDOWS,
            Text(
                "按规则策略划分的检测周期中，截止日落在统计期内的：已完成的周期数 ÷ 应完成的周期数。周期内有一次检测"
                "（阴性或阳性，拒检和无效不算）即为完成；整个周期都在批准的请假内的不计；中止期间措施计时停止，不产生周期。",
                "Of the policy's test windows whose last day falls in the period: windows met ÷ windows due. A "
                "window is met by one test taken in it (negative or positive; a refusal or an invalid test is "
                "not); a window wholly inside approved leave is not due; a suspension stops the measure's clock, "
                "so no window falls due while it lasts.",
            ),
        ),
        Definition(
            HAIR_COVERAGE,
            Text("毛发检测覆盖率", "hair-test coverage"),
            PEOPLE,
            Text(
                "统计期内有毛发检测周期到期的人员中，每个到期周期内都做了毛发检测的人数 ÷ 应做毛发检测的人数。",
                "Of the people with a hair-test window ending in the period: people hair-tested in each such "
                "window ÷ people due a hair test.",
            ),
        ),
        Definition(
            LOST_RATE,
            Text("脱管率", "lost-from-supervision rate"),
            PEOPLE,
            Text(
                "统计期内曾处于“脱管”状态的人数 ÷ 统计期内曾在社区戒毒、社区康复中（含请假、脱管，不含中止）的人数。目标为零。",
                "People recorded as lost from supervision at any time in the period ÷ people under a community "
                "measure at any time in the period (on leave and lost included, suspended not). The goal is zero.",
            ),
        ),
        Definition(
            RELAPSES,
            Text("复吸", "relapses"),
            TIMES,
            Text(
                "社区戒毒、社区康复期间（措施计时内）检测结果为阳性的次数，同一人同一天多次阳性计一次（现场检测与复检为同一次）。",
                "Positive tests while a community measure runs, one a day per person (an on-site test and its "
                "re-test are one relapse).",
            ),
        ),
        Definition(
            CONSOLIDATION_RATE,
            Text("巩固率", "consolidation rate"),
            PEOPLE,
            Text(
                "统计期末戒断三年未复吸的人数 ÷（戒断三年未复吸人数 + 在社区戒毒、社区康复中的人数）。戒断三年未复吸包括"
                "已登记该状态的人员，以及已解除措施、按规则已满三年未复吸但尚未登记的人员。",
                "At the end of the period: people three years clean ÷ (people three years clean + people under "
                "a community measure). Three years clean counts those recorded so and those who completed "
                "their measures and, by the rules, have reached three years without relapse but are not yet "
                "recorded.",
            ),
        ),
        Definition(
            NEW_FOUND_GROWTH,
            Text("新发现增幅", "growth of newly found users"),
            PEOPLE,
            Text(
                "（本期首次发现吸毒的人数 − 上年同期人数）÷ 上年同期人数。按人员档案中的“首次发现日期”统计；上年同期为零时无法计算。",
                "(people first found using drugs in the period − in the same period last year) ÷ the same "
                "period last year, from the date first found on each record; not computable when last year's "
                "figure is zero.",
            ),
        ),
        Definition(
            ASSISTED,
            Text("帮扶救助人数", "people helped"),
            PEOPLE,
            Text(
                "统计期内得到任一种帮扶救助的人数（一人多次计一人）。",
                "People given any kind of assistance in the period (each person once).",
            ),
        ),
        Definition(
            TRAINING_SESSIONS,
            Text("职业技能培训期数", "training sessions held"),
            SESSIONS,
            Text(
                "统计期内职业技能培训的期数：同一天、同一提供单位的培训记录算一期。",
                "Vocational training sessions in the period: training records of the same day and provider are "
                "one session.",
            ),
        ),
        Definition(
            TRAINING_ATTENDANCE,
            Text("职业技能培训参训人次", "training attendance"),
            ATTENDANCES,
            Text(
                "统计期内参加职业技能培训的人次（一人参加一期计一人次）。",
                "Attendances at vocational training in the period (one person at one session is one).",
            ),
        ),
        Definition(
            EMPLOYED,
            Text("帮扶就业人数", "people employed"),
            PEOPLE,
            Text(
                "统计期内的帮扶记录结果为“已就业”或“稳定就业满6个月”的人数。",
                "People with an assistance record in the period whose outcome is employed or still employed "
                "after 6 months.",
            ),
        ),
        Definition(
            EMPLOYED_SIX_MONTHS,
            Text("稳定就业满6个月人数", "people still employed after 6 months"),
            PEOPLE,
            Text(
                "统计期内的帮扶记录结果为“稳定就业满6个月”的人数。",
                "People with an assistance record in the period whose outcome is still employed after 6 months.",
            ),
        ),
    )
}

ASSISTED_BY_KIND_NAME = Text("帮扶救助人数：{kind}", "people helped: {kind}")
ASSISTED_BY_KIND_TEXT = Text(
    "统计期内得到“{kind}”帮扶的人数（一人多次计一人）。",
    "People given “{kind}” in the period (each person once).",
)


def assisted_key(kind: AssistanceKind) -> str:
    return f"{ASSISTED}.{kind.value}"


def assisted_definition(kind: AssistanceKind) -> Definition:
    """The people-helped figure of one kind of assistance (the wording filled with the kind's label)."""
    return Definition(
        assisted_key(kind),
        Text(
            ASSISTED_BY_KIND_NAME.zh.format(kind=kind.label.zh),
            ASSISTED_BY_KIND_NAME.en.format(kind=kind.label.en),
        ),
        PEOPLE,
        Text(
            ASSISTED_BY_KIND_TEXT.zh.format(kind=kind.label.zh),
            ASSISTED_BY_KIND_TEXT.en.format(kind=kind.label.en),
        ),
    )
