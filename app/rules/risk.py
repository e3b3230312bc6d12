"""The risk colour: scored from the drivers by the policy, raised at once by the top-colour triggers, and
overridable by the worker with a reason.

Precedence: an override made on or after the latest active trigger wins (the worker has seen the event
and judged it, and the override is audited); otherwise an active trigger puts the person on the top
colour; otherwise the assessment's score decides; without an assessment the colour on file, else the
policy default.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from uuid import UUID

from app.rules.catalogue import RISK_TOP, rule_name
from app.rules.facts import PersonFacts, RiskAssessment, RiskOverride
from app.rules.periods import ONE_DAY, months_elapsed
from app.rules.policy import DriverDerivation, Policy, RiskTrigger
from app.rules.timeline import Timeline
from app.rules.violations import refusals, relapses, serious_violations
from models.enums import LabelledEnum, MeasureKind, RiskColour
from models.text import Message, Text


class RiskSource(LabelledEnum):
    OVERRIDE = ("override", "专干调整", "set by the worker")
    TRIGGER = ("trigger", "特定情形升级", "raised by an event")
    ASSESSMENT = ("assessment", "风险评估", "assessment")
    ON_FILE = ("on_file", "档案记录", "on file")
    DEFAULT = ("default", "默认等级", "default")


RISK_BY_SCORE = Text(
    "{on} 风险评估得分 {score}，评定为{colour}。",
    "The assessment of {on} scored {score}: {colour}.",
)
RISK_ON_FILE = Text(
    "尚无风险评估，沿用档案记录的{colour}。", "No assessment yet; the colour on file: {colour}."
)
RISK_DEFAULT = Text("尚无风险评估，按默认等级{colour}。", "No assessment yet; the default colour: {colour}.")
RISK_BY_TRIGGER = Text(
    "{trigger}（{on}）：直接升为{colour}，至 {until}。依据：{rule}。",
    "Raised to {colour} at once for {trigger} on {on}, until {until}. Rule: {rule}.",
)
RISK_BY_OVERRIDE = Text("专干于 {on} 将风险等级调整为{colour}。", "Set to {colour} by the worker on {on}.")
OVERRIDE_NO_REASON = Text("调整风险等级须写明理由。", "Changing the risk colour needs a reason.")
OVERRIDE_UNKNOWN_COLOUR = Text(
    "本地规则策略中没有“{colour}”这一风险等级。", "The policy in force has no colour “{colour}”."
)


class RiskError(Exception):
    def __init__(self, message: Message) -> None:
        super().__init__(message.render("en"))
        self.message = message

    def __str__(self) -> str:
        return self.message.render()


@dataclass(frozen=True, slots=True)
class RiskResult:
    colour: RiskColour  # the colour in force
    computed: RiskColour  # what the drivers (or the file, or the default) say, before triggers and overrides
    score: int | None
    source: RiskSource
    since: date | None  # the day the colour in force took effect, when known
    trigger: RiskTrigger | None
    reason: Message


def colour_for_score(score: int, policy: Policy) -> RiskColour:
    for colour, threshold in policy.risk.thresholds:
        if score >= threshold:
            return colour
    return policy.risk.order[-1]


def _derived(tl: Timeline, derivation: DriverDerivation) -> int | None:
    if derivation is DriverDerivation.PAST_MEASURES:
        current = tl.clock.measure.id if tl.clock is not None else None
        return sum(1 for m in tl.measures if m.id != current and m.ordered_on <= tl.today)
    positives = [i.on for i in relapses(tl) if i.on <= tl.today]
    starts = [m.reported_on or m.ordered_on for m in tl.measures if m.kind is not MeasureKind.COMPULSORY]
    since = positives[-1] + ONE_DAY if positives else (min(starts) if starts else None)
    return months_elapsed(since, tl.today) if since is not None and since <= tl.today else None


def score(tl: Timeline, assessment: RiskAssessment) -> int:
    """The assessment's score under the policy; drivers it leaves out are derived from the facts if the policy
    says how, else score nothing (a category scores its default)."""
    given = dict(assessment.drivers)
    total = 0
    for driver in tl.policy.risk.drivers:
        value = given.get(driver.name)
        if value is None and driver.derive is not None:
            value = _derived(tl, driver.derive)
        total += driver.score(value)
    return total


def active_triggers(tl: Timeline) -> list[tuple[date, RiskTrigger]]:
    """Triggers in force today, oldest first: each holds from the day the office knew, for the hold days."""
    rules = tl.policy.risk
    hold = timedelta(days=rules.trigger_hold_days - 1)
    found: list[tuple[date, RiskTrigger]] = []

    def add(on: date, until: date, trigger: RiskTrigger) -> None:
        if trigger in rules.triggers and on <= tl.today <= until:
            found.append((on, trigger))

    if RiskTrigger.REFUSAL in rules.triggers:
        for incident in refusals(tl):
            add(incident.learnt_on, incident.learnt_on + hold, RiskTrigger.REFUSAL)
    if RiskTrigger.RELAPSE in rules.triggers:
        for incident in relapses(tl):
            add(incident.learnt_on, incident.learnt_on + hold, RiskTrigger.RELAPSE)
    if RiskTrigger.SERIOUS_VIOLATION in rules.triggers:
        for serious in serious_violations(tl):
            add(serious.learnt_on, serious.learnt_on + hold, RiskTrigger.SERIOUS_VIOLATION)
    for flag in tl.person.risk_flags:
        add(flag.on, flag.until if flag.until is not None else flag.on + hold, RiskTrigger(flag.kind.value))
    return sorted(found, key=lambda f: (f[0], f[1].value))


def assess(tl: Timeline) -> RiskResult:
    policy = tl.policy
    person = tl.person
    assessment = person.risk_assessment
    points: int | None = None
    since: date | None = None
    if assessment is not None and assessment.on <= tl.today:
        points = score(tl, assessment)
        computed = colour_for_score(points, policy)
        source, since = RiskSource.ASSESSMENT, assessment.on
        reason = RISK_BY_SCORE(on=assessment.on, score=points, colour=computed.label())
    elif person.risk_colour is not None and person.risk_colour in policy.risk.order:
        computed, source = person.risk_colour, RiskSource.ON_FILE
        reason = RISK_ON_FILE(colour=computed.label())
    else:
        computed, source = policy.risk.default, RiskSource.DEFAULT
        reason = RISK_DEFAULT(colour=computed.label())

    triggers = active_triggers(tl)
    override = person.risk_override
    if (
        override is not None
        and override.colour in policy.risk.order
        and override.on <= tl.today
        and (override.until is None or tl.today <= override.until)
        and (not triggers or override.on >= triggers[-1][0])
    ):
        return RiskResult(
            override.colour,
            computed,
            points,
            RiskSource.OVERRIDE,
            override.on,
            None,
            RISK_BY_OVERRIDE(on=override.on, colour=override.colour.label()),
        )
    if triggers:
        on, trigger = triggers[-1]
        top = policy.risk.top
        until = on + timedelta(days=policy.risk.trigger_hold_days - 1)
        for flag in person.risk_flags:
            if flag.on == on and flag.kind.value == trigger.value and flag.until is not None:
                until = flag.until
        message = RISK_BY_TRIGGER(
            trigger=trigger.label(), on=on, colour=top.label(), until=until, rule=rule_name(RISK_TOP)
        )
        return RiskResult(top, computed, points, RiskSource.TRIGGER, on, trigger, message)
    return RiskResult(computed, computed, points, source, since, None, reason)


def risk_colour(person: PersonFacts, today: date, policy: Policy) -> RiskResult:
    """The colour in force for `person` today, and why."""
    return assess(Timeline(person, policy, today))


def make_override(
    colour: RiskColour,
    *,
    on: date,
    reason: str,
    by: UUID,
    policy: Policy,
    until: date | None = None,
    override_id: UUID | None = None,
) -> RiskOverride:
    """A worker's override, checked: it needs a reason and a colour of the policy. The service audits it."""
    if not reason.strip():
        raise RiskError(OVERRIDE_NO_REASON())
    if colour not in policy.risk.order:
        raise RiskError(OVERRIDE_UNKNOWN_COLOUR(colour=colour.label()))
    return RiskOverride(override_id or uuid.uuid4(), on, colour, until, by, reason.strip())
