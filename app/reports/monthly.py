"""The monthly report (月报): the indicator table with definitions, then the cases behind the figures.

The lists name people by surname and record number (张* · 640104001-2026-00012) unless full names are
asked for, which the export audits as such. Everything is as at the end of the period, like the figures:
tasks overdue on that day, people lost or out of contact then, violations within the period.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from app import collector
from app.indicators import Dataset, Indicators, PersonRecord, Scope
from app.indicators.compute import FigureKind, Frame
from app.indicators.data import SUPERVISED
from app.indicators.period import PeriodKind
from app.indicators.series import UNASSIGNED
from app.indicators.summary import computed
from app.reports.content import Cell, Chart, Column, Fmt, Report, Table
from app.reports.names import record_names, shown
from app.rules import catalogue
from app.rules.facts import PersonFacts
from app.rules.tasks import Review, review
from app.rules.timeline import Timeline
from app.rules.violations import serious_violations
from app.services import caseload
from app.store.store import Store
from models.enums import PersonStatus, TestResult
from models.text import Text, current_language

S = PersonStatus

TITLE = {
    PeriodKind.MONTH: Text(
        "{scope}社区戒毒社区康复工作月报（{period}）",
        "{scope}: monthly report on community treatment and rehabilitation, {period}",
    ),
    PeriodKind.QUARTER: Text(
        "{scope}社区戒毒社区康复工作季报（{period}）",
        "{scope}: quarterly report on community treatment and rehabilitation, {period}",
    ),
    PeriodKind.YEAR: Text(
        "{scope}社区戒毒社区康复工作年报（{period}）",
        "{scope}: annual report on community treatment and rehabilitation, {period}",
    ),
}
SCOPE_OFFICE = Text("{name}（代码 {code}）", "{name} (office {code})")
SCOPE_AREA = Text("{code} 辖区", "Offices under {code}")
META_SCOPE = Text("统计范围", "Scope")
META_PERIOD = Text("统计期间", "Period")
META_PERIOD_VALUE = Text("{label}（{start} 至 {end}）", "{label} ({start} to {end})")
META_AS_OF = Text("数据截至", "Figures as at")
META_GENERATED = Text("生成日期", "Generated on")
META_NAMES = Text("人员姓名", "Names")
NAMES_MASKED = Text("已去标识化：仅显示姓氏和档案号", "de-identified: surname and record number only")
NAMES_FULL = Text("显示完整姓名（此次导出已记入审计日志）", "full names shown (this export is audited)")
NOTICE = Text(
    "本报告含戒毒人员信息，依法保密（《戒毒条例》第七条），仅限工作使用，不得复制外传，用后妥善保管或销毁。",
    "This report holds confidential information on people in treatment (戒毒条例 art. 7): for official use "
    "only; do not copy or pass it on; keep it safe or destroy it after use.",
)

INDICATORS = Text("一、主要指标", "1. Indicators")
OVERDUE = Text("二、逾期未完成的任务", "2. Overdue tasks")
LOST = Text("三、脱管和失联人员", "3. People lost from supervision or out of contact")
VIOLATIONS = Text("四、违反协议情况", "4. Violations of the agreement")
NONE = Text("无。", "None.")

H_INDICATOR = Text("指标", "Indicator")
H_NUMERATOR = Text("分子", "Numerator")
H_DENOMINATOR = Text("分母", "Denominator")
H_VALUE = Text("数值", "Value")
H_UNIT = Text("单位", "Unit")
H_DEFINITION = Text("定义", "Definition")
H_PERSON = Text("人员", "Person")
H_RECORD = Text("档案号", "Record no.")
H_TASK = Text("任务", "Task")
H_DUE = Text("应完成日期", "Due")
H_DAYS_OVERDUE = Text("逾期天数", "Days overdue")
H_RULE = Text("依据", "Rule")
H_CASE = Text("情形", "Case")
H_SINCE = Text("起始日期", "Since")
H_STATUS_END = Text("期末状态", "Status at the end")
H_DATE = Text("日期", "Date")
H_KIND = Text("类型", "Kind")
H_SERIOUS = Text("构成严重违反协议", "Serious violation")
YES = Text("是", "yes")
CASE_LOST = Text("登记为脱管", "recorded as lost from supervision")
CASE_NO_CONTACT = Text(
    "失联预警：超过 {days} 天无走访、检测或其他联系",
    "out of contact: no visit, test or other contact for over {days} days",
)
REFUSED_TEST = Text("拒绝检测", "refused a test")

DATA_TESTS = Text("各月检测情况", "Tests by month")
DATA_STATUS = Text("各月末人员状态构成", "Status at each month's end")
DATA_CONSOLIDATION = Text("各月末巩固率", "Consolidation rate at each month's end")
DATA_WORKERS = Text("各专干检测率", "Test compliance by worker")
DATA_ASSISTANCE = Text("帮扶救助分类", "Assistance by kind")
H_MONTH = Text("月份", "Month")
H_TAKEN = Text("检测人次", "Tests taken")
H_POSITIVE = Text("阳性", "Positive")
H_REFUSED = Text("拒绝检测", "Refused")
H_STATUS = Text("人员状态", "Status")
H_WORKER = Text("专干", "Worker")
H_MET = Text("已完成周期", "Windows met")
H_WINDOWS_DUE = Text("应完成周期", "Windows due")
H_RATE = Text("比率", "Rate")
H_ASSISTANCE_KIND = Text("帮扶类型", "Kind of assistance")
H_PEOPLE = Text("人数", "People")
H_RECORDS = Text("次数", "Records")
H_AMOUNT = Text("金额（元）", "Amount (yuan)")

CHARTS = Text("五、图表", "5. Charts")
PAGE = Text("第 {page} 页，共 {pages} 页", "Page {page} of {pages}")
CHART_TESTS = Text("各月检测人次及阳性人次", "Tests and positive tests by month")
CHART_STATUS = Text("期末人员状态构成", "Status at the end of the period")
CHART_CONSOLIDATION = Text("各月末巩固率", "Consolidation rate by month")
CHART_WORKERS = Text("各专干检测率", "Test compliance by worker")


@dataclass(frozen=True)
class _Named:
    record_no: str
    name: str


def _scope_name(data: Dataset, scope: Scope, lang: str) -> str:
    if scope.code in data.offices:
        return SCOPE_OFFICE.render(lang, name=data.offices[scope.code], code=scope.code)
    return SCOPE_AREA.render(lang, code=scope.code)


def _figure_rows(ind: Indicators, lang: str) -> tuple[tuple[Cell, ...], ...]:
    rows = []
    for f in ind.figures:
        value_fmt = Fmt.INT if f.kind is FigureKind.COUNT else Fmt.PERCENT
        value = f.value if f.kind is not FigureKind.COUNT else f.numerator
        rows.append(
            (
                Cell(f.name.render(lang)),
                Cell(f.numerator, Fmt.INT),
                Cell(f.denominator, Fmt.INT) if f.denominator is not None else Cell(""),
                Cell(value, value_fmt),
                Cell(f.unit.render(lang)),
                Cell(f.definition.render(lang)),
            )
        )
    return tuple(rows)


class _AsOf:
    """The people's facts, timelines and rule reviews as of the figures' day, each worked out once for all
    the lists (the indicators' Frame, when given, already holds the facts and timelines). `reviews`: ones
    already made from these people's facts (PersonRecord.facts) on this day, with the same policy."""

    def __init__(
        self,
        data: Dataset,
        ind: Indicators,
        frame: Frame | None,
        reviews: Mapping[UUID, Review] | None = None,
    ) -> None:
        if frame is None or frame.as_of != ind.as_of or frame.data is not data:
            frame = Frame(data, ind.period, ind.scope)
        self.frame = frame
        self.day = ind.as_of
        self._reviews: dict[UUID, Review] = {}
        self._made = reviews or {}

    def facts(self, person: PersonRecord) -> PersonFacts:
        return self.frame.facts(person)

    def timeline(self, person: PersonRecord) -> Timeline:
        return self.frame.timeline(person)

    def review(self, person: PersonRecord) -> Review:
        found = self._reviews.get(person.id)
        if found is None:
            facts = self.facts(person)
            made = self._made.get(person.id)
            # A review made from the whole record serves only where nothing in it is dated later.
            found = made if made is not None and facts is person.facts else None
            if found is None:
                found = review(facts, self.day, self.frame.policy)
            self._reviews[person.id] = found
        return found


def _held_people(data: Dataset, scope: Scope, day: date) -> list[PersonRecord]:
    return [p for p in data.in_scope(scope) if p.held(scope, day)]


def _overdue(
    data: Dataset, ind: Indicators, lang: str, cases: _AsOf | None = None
) -> list[tuple[UUID, tuple]]:
    cases = cases or _AsOf(data, ind, None)
    out = []
    for person in _held_people(data, ind.scope, ind.as_of):
        for task in cases.review(person).tasks:
            if task.overdue:
                days = (ind.as_of - task.due).days
                out.append(
                    (
                        person.id,
                        (task.due, task.kind.label.render(lang), days, task.rule_name.render(lang)),
                    )
                )
    return out


def _lost(data: Dataset, ind: Indicators, lang: str, cases: _AsOf | None = None) -> list[tuple[UUID, tuple]]:
    cases = cases or _AsOf(data, ind, None)
    out = []
    period = ind.period
    for person in data.in_scope(ind.scope):
        segments = [
            (first, status)
            for first, _, status, office in person.segments(period.start, ind.as_of)
            if ind.scope.contains(office)
        ]
        at_end = person.status_on(ind.as_of)
        if any(status is S.LOST for _, status in segments):
            since = max(
                (e.on for e in person.facts.status_events if e.to_status is S.LOST and e.on <= ind.as_of),
                default=period.start,
            )
            out.append((person.id, (CASE_LOST.render(lang), since, at_end.label.render(lang))))
        elif person.held(ind.scope, ind.as_of) and at_end in SUPERVISED:
            for w in cases.review(person).warnings:
                if w.rule == catalogue.CONTACT_LOST:
                    case = CASE_NO_CONTACT.render(lang, days=data.policy.contact.lost_after_days)
                    out.append((person.id, (case, w.on, at_end.label.render(lang))))
    return out


def _violations(
    data: Dataset, ind: Indicators, lang: str, cases: _AsOf | None = None
) -> list[tuple[UUID, tuple]]:
    cases = cases or _AsOf(data, ind, None)
    out = []
    period, as_of, scope = ind.period, ind.as_of, ind.scope
    refusal_kinds = data.policy.violations.refusal_kinds
    for person in data.in_scope(scope):
        facts = cases.facts(person)

        def inside(day: date, who: PersonRecord = person) -> bool:
            return period.start <= day <= as_of and who.held(scope, day)

        found = [v for v in facts.violations if inside(v.on)]
        refused = [t for t in facts.tests if t.result is TestResult.REFUSED and inside(t.on)]
        if not found and not refused:
            continue  # nothing to list: the serious violations need not be worked out
        serious = {s.incident_id for s in serious_violations(cases.timeline(person))}
        refused_days = set()
        for v in found:
            if v.kind in refusal_kinds:
                refused_days.add(v.on)
            mark = YES.render(lang) if v.id in serious else ""
            out.append((person.id, (v.on, v.kind.label.render(lang), mark)))
        for t in refused:
            if t.on not in refused_days:
                mark = YES.render(lang) if t.id in serious else ""
                out.append((person.id, (t.on, REFUSED_TEST.render(lang), mark)))
    return out


def _case_table(
    key: str,
    title: Text,
    headers: Iterable[tuple[Text, int, Fmt]],
    found: list[tuple[UUID, tuple]],
    named: dict[UUID, _Named],
    full_names: bool,
    lang: str,
    sort: int = 0,
) -> Table:
    heads = list(headers)
    columns = (
        Column(H_PERSON.render(lang), 8, nowrap=True),
        Column(H_RECORD.render(lang), 22, nowrap=True),
        *(Column(text.render(lang), width) for text, width, _ in heads),
    )
    rows = []
    for pid, values in sorted(found, key=lambda item: (item[1][sort], named[item[0]].record_no)):
        who = named[pid]
        cells = tuple(Cell(v, fmt) for v, (_, _, fmt) in zip(values, heads, strict=True))
        rows.append((Cell(shown(who.name, full_names)), Cell(who.record_no), *cells))
    return Table(key, title.render(lang), columns, tuple(rows), NONE.render(lang))


def _data_tables(ind: Indicators, lang: str) -> tuple[Table, ...]:
    s = ind.series
    tests = Table(
        "tests_by_month",
        DATA_TESTS.render(lang),
        tuple(Column(t.render(lang), 12) for t in (H_MONTH, H_TAKEN, H_POSITIVE, H_REFUSED)),
        tuple(
            (Cell(m.month), Cell(m.taken, Fmt.INT), Cell(m.positive, Fmt.INT), Cell(m.refused, Fmt.INT))
            for m in s.tests
        ),
    )
    status = Table(
        "status_by_month",
        DATA_STATUS.render(lang),
        (Column(H_STATUS.render(lang), 16), *(Column(m, 9) for m in s.months)),
        tuple(
            (Cell(st.label.render(lang)), *(Cell(m.counts.get(st, 0), Fmt.INT) for m in s.status))
            for st in PersonStatus
        ),
    )
    consolidation = Table(
        "consolidation_by_month",
        DATA_CONSOLIDATION.render(lang),
        tuple(Column(t.render(lang), 12) for t in (H_MONTH, H_NUMERATOR, H_DENOMINATOR, H_RATE)),
        tuple(
            (
                Cell(c.month),
                Cell(c.figure.numerator, Fmt.INT),
                Cell(c.figure.denominator, Fmt.INT),
                Cell(c.figure.value, Fmt.PERCENT),
            )
            for c in s.consolidation
        ),
    )
    workers = Table(
        "compliance_by_worker",
        DATA_WORKERS.render(lang),
        tuple(Column(t.render(lang), 14) for t in (H_WORKER, H_MET, H_WINDOWS_DUE, H_RATE)),
        tuple(
            (
                Cell(w.worker or UNASSIGNED.render(lang)),
                Cell(w.met, Fmt.INT),
                Cell(w.due, Fmt.INT),
                Cell(w.value, Fmt.PERCENT),
            )
            for w in s.compliance_by_worker
        ),
    )
    assistance = Table(
        "assistance_by_kind",
        DATA_ASSISTANCE.render(lang),
        tuple(Column(t.render(lang), 14) for t in (H_ASSISTANCE_KIND, H_PEOPLE, H_RECORDS, H_AMOUNT)),
        tuple(
            (
                Cell(r.kind.label.render(lang)),
                Cell(r.people, Fmt.INT),
                Cell(r.records, Fmt.INT),
                Cell(r.amount, Fmt.MONEY),
            )
            for r in s.assistance_by_kind
        ),
    )
    return tests, status, consolidation, workers, assistance


def _charts(ind: Indicators, lang: str) -> tuple[Chart, ...]:
    s = ind.series
    short = tuple(m[2:] for m in s.months)  # 25-11: twelve labels fit under the bars
    end = s.status[-1].counts if s.status else {}
    return (
        Chart(
            "tests",
            CHART_TESTS.render(lang),
            short,
            (
                (H_TAKEN.render(lang), tuple(float(m.taken) for m in s.tests)),
                (H_POSITIVE.render(lang), tuple(float(m.positive) for m in s.tests)),
            ),
        ),
        Chart(
            "status",
            CHART_STATUS.render(lang),
            tuple(st.label.render(lang) for st in end),
            ((H_PEOPLE.render(lang), tuple(float(n) for n in end.values())),),
            horizontal=True,
        ),
        Chart(
            "consolidation",
            CHART_CONSOLIDATION.render(lang),
            short,
            ((H_RATE.render(lang), tuple(c.figure.value or 0.0 for c in s.consolidation)),),
            percent=True,
        ),
        Chart(
            "workers",
            CHART_WORKERS.render(lang),
            tuple(w.worker or UNASSIGNED.render(lang) for w in s.compliance_by_worker),
            ((H_RATE.render(lang), tuple(w.value or 0.0 for w in s.compliance_by_worker)),),
            percent=True,
        ),
    )


def build_report(
    data: Dataset,
    ind: Indicators,
    names: Callable[[list[UUID]], dict[UUID, tuple[str, str]]],
    *,
    full_names: bool = False,
    lang: str | None = None,
    frame: Frame | None = None,
    reviews: Mapping[UUID, Review] | None = None,
) -> Report:
    """The report from the indicators and the dataset they came from. `names(ids)` gives (record number,
    name) for the people the lists name: only they are decrypted. `frame`: the one the indicators were
    worked out in, whose facts and timelines the lists share. `reviews`: the rules' reviews of people's
    records (PersonRecord.facts) on the figures' day, made already."""
    lang = lang or current_language()
    cases = _AsOf(data, ind, frame, reviews)
    overdue = _overdue(data, ind, lang, cases)
    lost = _lost(data, ind, lang, cases)
    violations = _violations(data, ind, lang, cases)
    people = {pid for pid, _ in (*overdue, *lost, *violations)}
    found = names(sorted(people)) if people else {}
    named = {pid: _Named(*found.get(pid, ("", ""))) for pid in people}
    period = ind.period
    tables = (
        Table(
            "indicators",
            INDICATORS.render(lang),
            (
                Column(H_INDICATOR.render(lang), 24),
                Column(H_NUMERATOR.render(lang), 9),
                Column(H_DENOMINATOR.render(lang), 9),
                Column(H_VALUE.render(lang), 10),
                Column(H_UNIT.render(lang), 12),
                Column(H_DEFINITION.render(lang), 76),
            ),
            _figure_rows(ind, lang),
        ),
        _case_table(
            "overdue",
            OVERDUE,
            (
                (H_DUE, 12, Fmt.DATE),
                (H_TASK, 10, Fmt.TEXT),
                (H_DAYS_OVERDUE, 8, Fmt.INT),
                (H_RULE, 30, Fmt.TEXT),
            ),
            overdue,
            named,
            full_names,
            lang,
        ),
        _case_table(
            "lost",
            LOST,
            ((H_CASE, 36, Fmt.TEXT), (H_SINCE, 12, Fmt.DATE), (H_STATUS_END, 14, Fmt.TEXT)),
            lost,
            named,
            full_names,
            lang,
            sort=1,
        ),
        _case_table(
            "violations",
            VIOLATIONS,
            ((H_DATE, 12, Fmt.DATE), (H_KIND, 24, Fmt.TEXT), (H_SERIOUS, 16, Fmt.TEXT)),
            violations,
            named,
            full_names,
            lang,
        ),
    )
    scope_name = _scope_name(data, ind.scope, lang)
    meta = (
        (META_SCOPE.render(lang), scope_name),
        (
            META_PERIOD.render(lang),
            META_PERIOD_VALUE.render(lang, label=period.label(lang), start=period.start, end=period.end),
        ),
        (META_AS_OF.render(lang), ind.as_of.isoformat()),
        (META_GENERATED.render(lang), ind.today.isoformat()),
        (META_NAMES.render(lang), (NAMES_FULL if full_names else NAMES_MASKED).render(lang)),
    )
    title = TITLE[period.kind].render(lang, scope=scope_name, period=period.label(lang))
    return Report(
        lang=lang,
        title=title,
        meta=meta,
        notice=NOTICE.render(lang),
        indicators=ind,
        tables=tables,
        data_tables=_data_tables(ind, lang),
        charts=_charts(ind, lang),
        full_names=full_names,
        named=tuple(sorted(people)),
        charts_title=CHARTS.render(lang),
        page_label=PAGE.zh if lang != "en" else PAGE.en,
    )


def report_for_store(
    store: Store, period: str, scope: str | None = None, *, full_names: bool = False, lang: str | None = None
) -> Report:
    """The report of the store's data. Reading only: the export that writes it out is what is audited."""
    # The figures on screen when the Indicators page exports them (app.indicators.summary.computed).
    data, frame, ind = computed(store, period, scope)
    with collector.paused():  # a county's report makes a million small objects, none cyclic
        return build_report(
            data,
            ind,
            lambda ids: record_names(store, ids),
            full_names=full_names,
            lang=lang,
            frame=frame,
            reviews=_caseload_reviews(store, data, ind),
        )


def _caseload_reviews(store: Store, data: Dataset, ind: Indicators) -> dict[UUID, Review]:
    """While the period runs, the lists are today's tasks and warnings: the caseload's reviews (kept for
    Today, and for the next export), where they were made from the records this report reads."""
    if ind.as_of != store.today() or caseload.policy_for(store) is not data.policy:
        return {}
    reviews = caseload.caseload(store, ind.as_of)
    current = caseload.person_facts(store)  # what those reviews were made from
    return {p.id: reviews[p.id] for p in data.people if p.id in reviews and current.get(p.id) is p.facts}
