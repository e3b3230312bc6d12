"""Tasks and warnings for one person on one day: what the Today page lists.

A task is something to do by a date: it opens, falls due, and (for schedule windows) closes, after which a
missed window is only a record. Reporting duties (police reports, agreements, returns) have no close: they
stay until done. A warning is a state to look at (lost contact, a serious violation, the top colour).
Every task and warning carries the id of the rule that made it and names that rule in its message.
Everything is worked out from the facts alone, so the same facts in any order give the same list.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from operator import attrgetter
from uuid import UUID

from app.rules import catalogue as rules
from app.rules.catalogue import rule_name
from app.rules.clean import assess_clean
from app.rules.facts import EscalationKind, PersonFacts
from app.rules.leave import days_by_year, leave_days
from app.rules.lifecycle import MEASURE_STATUS
from app.rules.policy import Policy
from app.rules.risk import RiskResult, RiskSource, assess
from app.rules.schedule import ScheduleKind, Window, test_interval, windows_today
from app.rules.timeline import Timeline, leave_last_day
from app.rules.violations import escalations, serious_violations
from models.enums import LabelledEnum, PersonStatus, VisitKind
from models.text import Message, Text

S = PersonStatus
UNDER_MEASURE = frozenset({S.IN_TREATMENT, S.IN_REHAB, S.ON_LEAVE})
# An order cannot be reported while the person is held, dead or gone to another office.
NO_REPORTING = frozenset({S.DECEASED, S.TERMINATED, S.IN_COMPULSORY, S.SUSPENDED, S.TRANSFERRED_OUT})
# A status event to one of these (re)starts the measure running: contact with the person.
_STARTS_RUNNING = frozenset({S.IN_TREATMENT, S.IN_REHAB})
_TASK_ORDER = attrgetter("due", "opens", "rule", "key")  # soonest due first
_WARNING_ORDER = attrgetter("on", "rule", "key")


class TaskKind(LabelledEnum):
    TEST = ("test", "检测", "drug test")
    HAIR_TEST = ("hair_test", "毛发检测", "hair test")
    VISIT = ("visit", "走访谈话", "visit or talk")
    REPORT_IN = ("report_in", "报到", "reporting")
    AGREEMENT = ("agreement", "协议", "agreement")
    LEAVE = ("leave", "请假", "leave")
    RECORD_VIOLATION = ("record_violation", "登记违反协议", "record a violation")
    POLICE_REPORT = ("police_report", "报告公安机关", "report to the police")
    COMPLETION = ("completion", "期满解除", "completion")
    STATUS = ("status", "人员状态", "status")


class Severity(LabelledEnum):
    NOTICE = ("notice", "提示", "notice")
    WARNING = ("warning", "预警", "warning")
    URGENT = ("urgent", "紧急", "urgent")


@dataclass(frozen=True, slots=True)
class Task:
    person_id: UUID
    rule: str  # the catalogue id of the rule that made it
    kind: TaskKind
    opens: date
    due: date
    closes: date | None  # None: stays open until done
    overdue: bool
    message: Message
    key: str  # stable identity: one task per window, deadline or incident
    subject_id: UUID | None = None  # the measure, leave, agreement or incident it is about

    @property
    def rule_name(self) -> Message:
        return rule_name(self.rule)


@dataclass(frozen=True, slots=True)
class RuleWarning:
    person_id: UUID
    rule: str
    on: date  # since when it holds
    severity: Severity
    message: Message
    key: str

    @property
    def rule_name(self) -> Message:
        return rule_name(self.rule)


@dataclass(frozen=True, slots=True)
class Review:
    tasks: tuple[Task, ...]
    warnings: tuple[RuleWarning, ...]
    risk: RiskResult


TASK_TEST_WINDOW = Text(
    "{measure}第 {year} 年第 {n}/{of} 个检测周期（{opens} 至 {due}）尚无检测。依据：{rule}。",
    "No test yet in window {n} of {of} of {measure} year {year} ({opens} to {due}). Rule: {rule}.",
)
TASK_HAIR_WINDOW = Text(
    "{measure}第 {year} 年第 {n}/{of} 个毛发检测周期（{opens} 至 {due}）尚无毛发检测。依据：{rule}。",
    "No hair test yet in hair window {n} of {of} of {measure} year {year} ({opens} to {due}). Rule: {rule}.",
)
TASK_VISIT_WINDOW = Text(
    "走访周期 {n}/{of}（{opens} 至 {due}）尚无{kinds}记录。依据：{rule}（{colour}：每 {months} 个月 {of} 次）。",
    "No {kinds} yet in visit window {n} of {of} ({opens} to {due}). Rule: {rule} ({colour}: {of} every "
    "{months} month(s)).",
)
TASK_TEST_INTERVAL = Text(
    "{colour}人员每 {days} 天至少检测一次，自 {since} 起尚未检测，应于 {due} 前检测。依据：{rule}。",
    "Colour {colour}: a test at least every {days} days; none since {since}, so one is due by {due}. Rule: {rule}.",
)
TASK_REPORT_DEADLINE = Text(
    "{measure}决定于 {ordered} 作出，须于 {due} 前报到，逾期视为拒绝。依据：{rule}。",
    "Ordered on {ordered} ({measure}): the person must report by {due}, or it counts as refusal. Rule: {rule}.",
)
TASK_AGREEMENT_SIGN = Text(
    "自 {since} 起尚未签订{measure}协议，应于 {due} 前签订。依据：{rule}。",
    "No {measure} agreement signed since {since}; one is due by {due}. Rule: {rule}.",
)
TASK_AGREEMENT_RENEW = Text(
    "协议于 {until} 到期，而措施至 {end} 结束，请续签。依据：{rule}。",
    "The agreement runs out on {until} but the measure runs to {end}: renew it. Rule: {rule}.",
)
TASK_LEAVE_RETURN = Text(
    "请假（{starts} 至 {ends}）将到期，请确认按时销假。依据：{rule}。",
    "The leave ({starts} to {ends}) is ending: confirm the return. Rule: {rule}.",
)
TASK_LEAVE_NOT_BACK = Text(
    "请假于 {ends} 到期，至今未销假：请登记逾期未归。依据：{rule}。",
    "The leave ended on {ends} and the person is not back: record the overstay. Rule: {rule}.",
)
TASK_LEAVE_BACK_LATE = Text(
    "请假于 {ends} 到期，{returned} 才返回，逾期 {days} 天：请登记违反协议。依据：{rule}。",
    "The leave ended on {ends}; the person came back on {returned}, {days} days late: record the violation. "
    "Rule: {rule}.",
)
TASK_TRANSFER_ARRIVAL = Text(
    "{on} 迁出，须于 {due} 前向迁入地报到。依据：{rule}。",
    "Moved away on {on}: must report to the new township by {due}. Rule: {rule}.",
)
TASK_COMPLETION = Text(
    "{measure}于 {end} 期满（中止顺延 {suspended} 天），请于 {due} 前办理解除并发放解除通知书。依据：{rule}。",
    "The {measure} ends on {end} ({suspended} days added for suspension): complete it and issue the release notice "
    "by {due}. Rule: {rule}.",
)
TASK_ESCALATION = Text(
    "{what}（{occurred} 发生，{learnt} 获知）须于 {deadline} 前报告公安机关，报告后请登记。依据：{rule}。",
    "Report to the police by {deadline}: {what} on {occurred} (known on {learnt}); record the report when made. "
    "Rule: {rule}.",
)
TASK_CLEAN = Text(
    "自 {since} 起已满 {years} 年未发现复吸（{on} 达到），可登记为“戒断三年未复吸”。依据：{rule}。",
    "No relapse for {years} years since {since} (reached on {on}): the status can change to “three years "
    "clean”. Rule: {rule}.",
)
WARN_LOST = Text(
    "已 {days} 天没有走访、检测或其他联系（最后联系 {last}），超过 {limit} 天：请尽快联系，联系不上的按脱管处理。"
    "依据：{rule}。",
    "No visit, test or other contact for {days} days (last on {last}), more than {limit}: reach the person, "
    "or record them as lost from supervision. Rule: {rule}.",
)
WARN_SERIOUS = Text(
    "{ground}（{count} 次，{days} 天），自 {on} 起已构成严重违反协议。依据：{rule}。",
    "Serious violation of the agreement since {on}: {ground} ({count} times, {days} days). Rule: {rule}.",
)
WARN_RISK_TOP = Text("风险等级已升为最高：{reason}", "Raised to the top risk colour: {reason}")
WARN_LEAVE_LONG = Text(
    "请假 {starts} 至 {ends} 共 {days} 天，超过单次上限 {max} 天。依据：{rule}。",
    "The leave from {starts} to {ends} is {days} days, more than the limit of {max}. Rule: {rule}.",
)
WARN_LEAVE_YEAR = Text(
    "措施第 {year} 年累计请假 {days} 天，超过上限 {max} 天。依据：{rule}。",
    "Leave in measure year {year} totals {days} days, more than the limit of {max}. Rule: {rule}.",
)
WARN_NO_MEASURE = Text(
    "人员状态为“{status}”，但没有正在执行的相应措施记录，请核对。依据：{rule}。",
    "The status is “{status}” but no matching measure is running: check the record. Rule: {rule}.",
)
WARN_NO_ORDER = Text(
    "人员状态为“未报到”，但没有待报到的措施决定，请核对。依据：{rule}。",
    "The status is “not yet reported” but no order awaits reporting: check the record. Rule: {rule}.",
)

_WINDOW_TASKS = {
    ScheduleKind.TEST: (TaskKind.TEST, TASK_TEST_WINDOW),
    ScheduleKind.HAIR: (TaskKind.HAIR_TEST, TASK_HAIR_WINDOW),
    ScheduleKind.VISIT: (TaskKind.VISIT, TASK_VISIT_WINDOW),
}
_ESCALATION_RULES = {
    EscalationKind.RELAPSE: rules.ESCALATE_RELAPSE,
    EscalationKind.REFUSAL: rules.ESCALATE_REFUSAL,
    EscalationKind.SERIOUS_VIOLATION: rules.ESCALATE_SERIOUS,
}


@lru_cache(maxsize=64)  # a policy has a few sets of kinds; a caseload asks for them at every visit task
def _kinds(kinds: frozenset[VisitKind]) -> Message:
    ordered = [k for k in VisitKind if k in kinds]
    return Text("、".join(k.label.zh for k in ordered), " or ".join(k.label.en for k in ordered))()


class _Builder:
    """Collects one person's tasks and warnings."""

    def __init__(self, tl: Timeline, risk: RiskResult) -> None:
        self.tl = tl
        self.risk = risk
        self.today = tl.today
        self.person_id = tl.person.person_id
        self.tasks: list[Task] = []
        self.warnings: list[RuleWarning] = []

    def task(
        self,
        rule: str,
        kind: TaskKind,
        opens: date,
        due: date,
        message: Text,
        key: str,
        /,
        *,
        closes: date | None = None,
        subject_id: UUID | None = None,
        **params: object,
    ) -> None:
        """Add a task if it is open today. Positional-only, so messages may use the same names as parameters."""
        if opens > self.today or (closes is not None and self.today > closes):
            return
        overdue = self.today > due
        text = message(rule=rule_name(rule), **params)
        self.tasks.append(
            Task(self.person_id, rule, kind, opens, due, closes, overdue, text, key, subject_id)
        )

    def warn(
        self, rule: str, on: date, severity: Severity, message: Text, key: str, /, **params: object
    ) -> None:
        text = message(rule=rule_name(rule), **params)
        self.warnings.append(RuleWarning(self.person_id, rule, on, severity, text, key))

    # --- under a measure -----------------------------------------------------------------------------

    def windows(self) -> list[Window]:
        found: list[Window] = []
        colour = self.tl.policy.colours[self.risk.colour]
        clock = self.tl.clock
        assert clock is not None
        for kind, (task_kind, text) in _WINDOW_TASKS.items():
            for w in windows_today(self.tl, kind, self.risk, unsettled=True):
                found.append(w)
                self.task(
                    w.rule,
                    task_kind,
                    w.opens,
                    w.due,
                    text,
                    w.key,
                    closes=w.closes,
                    subject_id=w.measure_id,
                    measure=clock.measure.kind.label(),
                    year=w.unit + 1,
                    n=w.index + 1,
                    of=w.of,
                    opens=w.opens,
                    due=w.due,
                    kinds=_kinds(colour.visit_kinds),
                    colour=colour.colour.label(),
                    months=colour.visit_period_months,
                )
        return found

    def interval(self, open_windows: list[Window]) -> None:
        due = test_interval(self.tl, self.risk)
        if due is None:
            return
        # One test meets both: an open test window falling due first already asks for it.
        if any(w.kind is ScheduleKind.TEST and w.due <= due.due for w in open_windows):
            return
        lead = timedelta(days=self.tl.policy.tasks.interval_lead_days)
        every = self.tl.policy.colours[self.risk.colour].test_every_days
        self.task(
            rules.TEST_INTERVAL,
            TaskKind.TEST,
            due.due - lead,
            due.due,
            TASK_TEST_INTERVAL,
            f"{rules.TEST_INTERVAL}:{due.measure_id}:{due.since}",
            subject_id=due.measure_id,
            colour=self.risk.colour.label(),
            days=every,
            since=due.since,
            due=due.due,
        )

    def agreement(self) -> None:
        tl, clock = self.tl, self.tl.clock
        assert clock is not None
        since = clock.start
        moved = S.TRANSFERRED_OUT
        for e in tl.events:  # a transfer needs a new agreement at the new office
            if e.from_status is moved and clock.start <= e.on <= self.today:
                since = max(since, e.on)
        signed = [
            a
            for a in tl.person.agreements
            if since <= a.signed_on <= self.today and a.measure_id in (None, clock.measure.id)
        ]
        measure = clock.measure
        if not signed:
            due = since + timedelta(days=tl.policy.agreement.sign_within_days)
            self.task(
                rules.AGREEMENT_SIGN,
                TaskKind.AGREEMENT,
                since,
                due,
                TASK_AGREEMENT_SIGN,
                f"{rules.AGREEMENT_SIGN}:{measure.id}:{since}",
                subject_id=measure.id,
                since=since,
                due=due,
                measure=measure.kind.label(),
            )
            return
        latest = max(signed, key=lambda a: (a.signed_on, a.id))
        if latest.valid_until is not None and latest.valid_until < clock.last_day:
            opens = latest.valid_until - timedelta(days=tl.policy.agreement.expiry_lead_days)
            self.task(
                rules.AGREEMENT_RENEW,
                TaskKind.AGREEMENT,
                opens,
                latest.valid_until,
                TASK_AGREEMENT_RENEW,
                f"{rules.AGREEMENT_RENEW}:{latest.id}",
                subject_id=latest.id,
                until=latest.valid_until,
                end=clock.last_day,
            )

    def completion(self) -> None:
        clock = self.tl.clock
        assert clock is not None
        if clock.closed_on is not None or clock.provisional:
            return
        policy = self.tl.policy.completion
        opens = clock.end - timedelta(days=policy.lead_days)
        due = clock.end + timedelta(days=policy.notice_within_days)
        self.task(
            rules.MEASURE_COMPLETION,
            TaskKind.COMPLETION,
            opens,
            due,
            TASK_COMPLETION,
            f"{rules.MEASURE_COMPLETION}:{clock.measure.id}",
            subject_id=clock.measure.id,
            measure=clock.measure.kind.label(),
            end=clock.end,
            suspended=clock.suspended_days,
            due=due,
        )

    # --- before, between and around measures ----------------------------------------------------------

    def report_deadline(self) -> None:
        tl = self.tl
        if not tl.measures or tl.person.status in NO_REPORTING:
            return
        measure = tl.measures[-1]
        measure_rules = tl.policy.measures.get(measure.kind)
        if measure.reported_on is not None or measure_rules is None:
            return
        due = measure.ordered_on + timedelta(days=measure_rules.report_within_days)
        self.task(
            rules.REPORT_DEADLINE,
            TaskKind.REPORT_IN,
            measure.ordered_on,
            due,
            TASK_REPORT_DEADLINE,
            f"{rules.REPORT_DEADLINE}:{measure.id}",
            subject_id=measure.id,
            measure=measure.kind.label(),
            ordered=measure.ordered_on,
            due=due,
        )

    def transfer(self) -> None:
        if self.tl.person.status is not S.TRANSFERRED_OUT:
            return
        moved = next((e for e in reversed(self.tl.events) if e.to_status is S.TRANSFERRED_OUT), None)
        if moved is None:
            return
        due = moved.on + timedelta(days=self.tl.policy.transfer.report_within_days)
        self.task(
            rules.TRANSFER_ARRIVAL,
            TaskKind.REPORT_IN,
            moved.on,
            due,
            TASK_TRANSFER_ARRIVAL,
            f"{rules.TRANSFER_ARRIVAL}:{moved.id}",
            subject_id=moved.id,
            on=moved.on,
            due=due,
        )

    def leaves(self) -> None:
        tl = self.tl
        if not tl.person.leaves:  # most of a caseload: nothing below to look at
            return
        policy = tl.policy
        visible = timedelta(days=policy.tasks.missed_visible_days)
        lead = timedelta(days=policy.leave.return_lead_days)
        # Absences recorded as violations, to see whether an overstay is on file already.
        recorded = sorted(v.on for v in tl.person.violations if v.kind in policy.violations.absence_kinds)
        recent_from = tl.clock.start if tl.clock is not None else self.today - visible
        on_leave = tl.person.status is S.ON_LEAVE
        for leave in tl.leaves:
            if leave.starts_on > self.today or leave.ends_on < recent_from:
                continue
            back = leave.returned_on
            if back is None and (on_leave or leave.ends_on + visible >= self.today):
                self.task(
                    rules.LEAVE_RETURN,
                    TaskKind.LEAVE,
                    leave.ends_on - lead,
                    leave.ends_on,
                    TASK_LEAVE_RETURN,
                    f"{rules.LEAVE_RETURN}:{leave.id}",
                    subject_id=leave.id,
                    starts=leave.starts_on,
                    ends=leave.ends_on,
                )
            late_until = back if back is not None else self.today
            if late_until > leave.ends_on and not any(leave.ends_on <= d <= late_until for d in recorded):
                text = TASK_LEAVE_BACK_LATE if back is not None else TASK_LEAVE_NOT_BACK
                self.task(
                    rules.LEAVE_OVERSTAYED,
                    TaskKind.RECORD_VIOLATION,
                    leave.ends_on + timedelta(days=1),
                    late_until,
                    text,
                    f"{rules.LEAVE_OVERSTAYED}:{leave.id}",
                    subject_id=leave.id,
                    ends=leave.ends_on,
                    returned=back,
                    days=(late_until - leave.ends_on).days,
                )

    def escalations(self) -> None:
        for e in escalations(self.tl):
            if not e.open or e.learnt_on > self.today:
                continue
            rule = _ESCALATION_RULES[e.kind]
            what = e.ground.label() if e.ground is not None else e.kind.label()
            key = f"{rule}:{e.incident_id}" + (f":{e.ground.value}" if e.ground is not None else "")
            self.task(
                rule,
                TaskKind.POLICE_REPORT,
                e.learnt_on,
                e.deadline,
                TASK_ESCALATION,
                key,
                subject_id=e.incident_id,
                what=what,
                occurred=e.occurred_on,
                learnt=e.learnt_on,
                deadline=e.deadline,
            )

    def clean(self) -> None:
        if self.tl.person.status is not S.COMPLETED:
            return
        status = assess_clean(self.tl)
        if not status.qualifies or status.qualifies_on is None or status.counted_from is None:
            return
        due = status.qualifies_on + timedelta(days=self.tl.policy.clean.record_within_days)
        self.task(
            rules.CLEAN_THREE_YEARS,
            TaskKind.STATUS,
            status.qualifies_on,
            due,
            TASK_CLEAN,
            f"{rules.CLEAN_THREE_YEARS}:{status.counted_from}",
            since=status.counted_from,
            years=self.tl.policy.clean.years,
            on=status.qualifies_on,
        )

    # --- warnings -------------------------------------------------------------------------------------

    def lost_contact(self) -> None:
        tl = self.tl
        if tl.person.status not in UNDER_MEASURE or tl.clock is None or not tl.clock.running_on(self.today):
            return
        if tl.on_leave(self.today):
            return
        contacts = [tl.clock.start, tl.last_visit_on, tl.last_test_on]  # any test: a refusal is contact too
        contacts += [a.signed_on for a in tl.person.agreements]
        contacts += [d for leave in tl.leaves for d in (leave.starts_on, leave.returned_on) if d is not None]
        contacts += [leave_last_day(leave) for leave in tl.leaves]  # counted from the day they were due back
        contacts += [e.on for e in tl.events if e.to_status in _STARTS_RUNNING]
        last = max((d for d in contacts if d is not None and d <= self.today), default=tl.clock.start)
        limit = tl.policy.contact.lost_after_days
        days = (self.today - last).days
        if days > limit:
            self.warn(
                rules.CONTACT_LOST,
                last + timedelta(days=limit + 1),
                Severity.URGENT,
                WARN_LOST,
                f"{rules.CONTACT_LOST}:{self.person_id}",
                days=days,
                last=last,
                limit=limit,
            )

    def serious(self) -> None:
        clock = self.tl.clock
        if clock is None:
            return
        for s in serious_violations(self.tl):
            if s.measure_id == clock.measure.id and s.learnt_on <= self.today:
                self.warn(
                    rules.SERIOUS_VIOLATION,
                    s.on,
                    Severity.URGENT,
                    WARN_SERIOUS,
                    f"{rules.SERIOUS_VIOLATION}:{s.measure_id}:{s.ground.value}",
                    ground=s.ground.label(),
                    count=s.count,
                    days=s.days,
                    on=s.on,
                )

    def risk_top(self) -> None:
        if self.risk.source is RiskSource.TRIGGER and self.risk.since is not None:
            self.warn(
                rules.RISK_TOP,
                self.risk.since,
                Severity.WARNING,
                WARN_RISK_TOP,
                f"{rules.RISK_TOP}:{self.person_id}",
                reason=self.risk.reason,
            )

    def leave_limits(self) -> None:
        tl, clock = self.tl, self.tl.clock
        if clock is None or not tl.person.leaves:
            return
        limits = tl.policy.leave
        for leave in tl.leaves:
            if clock.start <= leave.starts_on <= self.today and leave_days(leave) > limits.max_days:
                self.warn(
                    rules.LEAVE_LIMIT,
                    leave.starts_on,
                    Severity.NOTICE,
                    WARN_LEAVE_LONG,
                    f"{rules.LEAVE_LIMIT}:{leave.id}",
                    starts=leave.starts_on,
                    ends=leave.ends_on,
                    days=leave_days(leave),
                    max=limits.max_days,
                )
        for year, days in sorted(days_by_year(tl, clock).items()):
            if days > limits.max_days_per_year:
                self.warn(
                    rules.LEAVE_LIMIT,
                    clock.start,
                    Severity.NOTICE,
                    WARN_LEAVE_YEAR,
                    f"{rules.LEAVE_LIMIT}:{clock.measure.id}:{year}",
                    year=year,
                    days=days,
                    max=limits.max_days_per_year,
                )

    def status_mismatch(self) -> None:
        tl = self.tl
        status = tl.person.status
        if status in UNDER_MEASURE:
            clock = tl.clock
            expected = MEASURE_STATUS.get(clock.measure.kind) if clock is not None else None
            if expected is None or (status is not S.ON_LEAVE and status is not expected):
                self.warn(
                    rules.STATUS_MISMATCH,
                    self.today,
                    Severity.WARNING,
                    WARN_NO_MEASURE,
                    self._mismatch_key(),
                    status=status.label(),
                )
        elif status is S.NOT_REPORTED and not (tl.measures and tl.measures[-1].reported_on is None):
            self.warn(
                rules.STATUS_MISMATCH, self.today, Severity.WARNING, WARN_NO_ORDER, self._mismatch_key()
            )

    def _mismatch_key(self) -> str:
        return f"{rules.STATUS_MISMATCH}:{self.person_id}"  # only when there is one: a UUID's text costs


def review(person: PersonFacts, today: date, policy: Policy) -> Review:
    """Everything the rules say about `person` on `today`: tasks, warnings and the colour in force."""
    tl = Timeline(person, policy, today)
    risk = assess(tl)
    b = _Builder(tl, risk)
    if person.status in UNDER_MEASURE and tl.clock is not None:
        b.interval(b.windows())
        b.agreement()
        b.completion()
    b.report_deadline()
    b.transfer()
    b.leaves()
    if person.status is not S.DECEASED:
        b.escalations()
    b.clean()
    b.lost_contact()
    b.serious()
    b.risk_top()
    b.leave_limits()
    b.status_mismatch()
    tasks = sorted(b.tasks, key=_TASK_ORDER)
    warnings = sorted(b.warnings, key=_WARNING_ORDER)
    return Review(tuple(tasks), tuple(warnings), risk)


def tasks_for(person: PersonFacts, today: date, policy: Policy) -> list[Task]:
    """The person's tasks open today, soonest due first."""
    return list(review(person, today, policy).tasks)


def warnings_for(person: PersonFacts, today: date, policy: Policy) -> list[RuleWarning]:
    return list(review(person, today, policy).warnings)
