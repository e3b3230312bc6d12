"""A deterministic, entirely synthetic township office: staff, caseload and years of history.

Pure data: nothing here touches a store. A loader (app.demo.load) feeds each DemoPerson through the
services, replacing ``PLACEHOLDER_ID`` with the id the person service assigns.

How a person's history is built (dates are day ordinals until the inputs are made):

1. A measure is ordered (社区戒毒 or 社区康复) on some day of the last ``HISTORY_YEARS`` years. About one
   person in eight was ordered up to a year earlier: the caseload the office carried into the period.
   Without them nobody could have completed a 3-year term or be 戒断三年未复吸, as a term that starts
   inside a 3-year window cannot end inside it.
2. The person reports within 15 days (a few never do: 未报到, a violation, for some 强制隔离戒毒); the
   agreement is signed that day and the status moves from 未报到 to 社区戒毒中/社区康复中.
3. At most one fate ends the term early — relapse or three refusals leading to 强制隔离戒毒, 终止, 脱管,
   迁出, 死亡 — on a random day after the first two months; a fate whose day lies after ``today`` has
   simply not happened yet. Other incidents (a relapse without compulsory treatment, refusals, leaving
   without permission, 中止 for a detention) are scattered over the term.
4. Leave requests are placed in the time under measure, then visits (about monthly, more often for
   red/yellow), tests (the default schedule: 社区戒毒 12/6/4 a year, 社区康复 6/4/2, one window per test;
   most windows met, some missed; half-yearly hair tests on top) and assistance.
5. After 强制隔离戒毒 (two years) the person comes back under a new 社区康复 order: a new episode.

Event dates never pass ``today``. Planned dates may: a leave's ``ends_on``, an agreement's
``valid_until``, a measure's ``ends_on`` and a visit's ``next_contact_on``.

Density: the realistic office has about 40 facts a person. For benchmarks ``facts_per_person`` sets a
target mean; visits and routine tests (the facts that grow with how closely people are watched) are
scaled by a factor calibrated on a pilot run. Left None, the target is realistic up to
``REALISTIC_UP_TO`` persons and ``BENCHMARK_FACTS_PER_PERSON`` above, so ``persons=10_000`` gives about
a million facts: a county-size office simply has a denser history.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache
from operator import attrgetter
from typing import TypeVar

from app.demo.blocks import Blocks, Region, load_blocks
from app.demo.identities import CONTACT_PHONE_PREFIX, Identity, IdentityFactory
from app.rules.periods import cut
from app.services.inputs import (
    AgreementInput,
    AssistanceInput,
    DrugTestInput,
    LeaveInput,
    MeasureInput,
    PersonInput,
    StatusChangeInput,
    ViolationInput,
    VisitInput,
    WorkGroupMemberInput,
)
from models.enums import (
    AssistanceKind,
    AssistanceOutcome,
    Drug,
    Gender,
    MeasureKind,
    PersonStatus,
    RiskColour,
    Role,
    SampleType,
    TestMethod,
    TestResult,
    ViolationKind,
    VisitKind,
    WorkGroupRole,
)

__all__ = [
    "ADMIN_LOGIN",
    "ADMIN_PASSWORD",
    "BENCHMARK_FACTS_PER_PERSON",
    "HISTORY_YEARS",
    "PLACEHOLDER_ID",
    "REALISTIC_UP_TO",
    "SUPERVISOR_LOGIN",
    "SUPERVISOR_PASSWORD",
    "TEST_SCHEDULE",
    "VISIT_INTERVAL_DAYS",
    "WORKER_LOGINS",
    "WORKER_PASSWORD",
    "DemoOffice",
    "DemoPerson",
    "DemoStaff",
    "default_facts_per_person",
    "generate_office",
    "generate_staff",
    "iter_people",
]

T = TypeVar("T")

# The loader replaces this with the id the person service assigns.
PLACEHOLDER_ID = uuid.UUID(int=0)

# Demo-only credentials, published on purpose: they exist only in demo stores built from this module.
ADMIN_LOGIN = "admin"
ADMIN_PASSWORD = "demo-admin-2026"
SUPERVISOR_LOGIN = "liujun"
SUPERVISOR_PASSWORD = "demo-supervisor-2026"
WORKER_PASSWORD = "demo-worker-2026"
# Workers beyond these two are worker03, worker04 ... with the same password.
WORKER_LOGINS = ("wangli", "mahui")
_WORKER_NAMES = {"wangli": "王丽", "mahui": "马慧"}

HISTORY_YEARS = 3
CARRIED_OVER_SHARE = 0.12
REPORT_DAYS = 15
REALISTIC_UP_TO = 1_000  # persons; above it the default density is the benchmark one
BENCHMARK_FACTS_PER_PERSON = 100.0
# A worker looks after tens to a few hundred people (DOMAIN.md): a county-size office has dozens of them.
CASELOAD_PER_WORKER = 250


def default_workers(persons: int) -> int:
    """Two for a township's demo office; one for every 250 persons or part of it in a larger one."""
    return max(2, -(-persons // CASELOAD_PER_WORKER))


CALIBRATION_PERSONS = 1_000

# Tests per year of the term, one window each (DOMAIN.md's default; the app reads it from a policy).
TEST_SCHEDULE: dict[MeasureKind, tuple[int, ...]] = {
    MeasureKind.COMMUNITY_TREATMENT: (12, 6, 4),
    MeasureKind.COMMUNITY_REHAB: (6, 4, 2),
}
VISIT_INTERVAL_DAYS: dict[RiskColour, int] = {
    RiskColour.RED: 10,
    RiskColour.YELLOW: 15,
    RiskColour.BLUE: 30,
    RiskColour.GREEN: 45,
}
COMPULSORY_YEARS = 2
RED_AFTER_INCIDENT_DAYS = 180  # a relapse or refusal keeps a person red for half a year

_NEVER_REPORT = 0.05
_SUSPENSION = 0.05
# Shares of episodes that end early, if the drawn day has come; the rest run their term.
_FATES: tuple[tuple[str, float], ...] = (
    ("relapse_compulsory", 0.06),
    ("refusal_compulsory", 0.012),
    ("terminated", 0.015),
    ("lost", 0.025),
    ("transferred", 0.04),
    ("deceased", 0.006),
)

_TREATMENT = MeasureKind.COMMUNITY_TREATMENT
_REHAB = MeasureKind.COMMUNITY_REHAB
_COMPULSORY = MeasureKind.COMPULSORY
_NEG = TestResult.NEGATIVE


def _pool(weights: Sequence[tuple[T, int]]) -> tuple[T, ...]:
    """Each value repeated by its weight, so one uniform index follows the weights."""
    return tuple(value for value, weight in weights for _ in range(weight))


_VISIT_KINDS = _pool(((VisitKind.HOME, 9), (VisitKind.OFFICE, 6), (VisitKind.PHONE, 4), (VisitKind.VIDEO, 1)))
_AWAY_VISIT_KINDS = _pool(((VisitKind.PHONE, 3), (VisitKind.VIDEO, 1)))
_COLOURS = _pool(
    ((RiskColour.RED, 8), (RiskColour.YELLOW, 22), (RiskColour.BLUE, 50), (RiskColour.GREEN, 20))
)
# Older users started on heroin in the 1990s; younger ones mostly use synthetic drugs.
_DRUGS_OLDER = _pool(((Drug.HEROIN, 11), (Drug.METH, 8), (Drug.OPIUM, 1)))
_DRUGS_YOUNGER = _pool(
    (
        (Drug.METH, 70),
        (Drug.KETAMINE, 10),
        (Drug.HEROIN, 10),
        (Drug.CANNABIS, 4),
        (Drug.MDMA, 3),
        (Drug.NPS, 3),
    )
)
_ASSISTANCE_KINDS = _pool(
    (
        (AssistanceKind.COUNSELLING, 20),
        (AssistanceKind.TRAINING, 14),
        (AssistanceKind.JOB_PLACEMENT, 12),
        (AssistanceKind.PUBLIC_POST, 5),
        (AssistanceKind.MINIMUM_ALLOWANCE, 10),
        (AssistanceKind.EXTREME_POVERTY, 2),
        (AssistanceKind.TEMPORARY_RELIEF, 10),
        (AssistanceKind.MEDICAL, 11),
        (AssistanceKind.LEGAL_AID, 8),
        (AssistanceKind.SCHOOLING, 5),
    )
)
# Yuan (low, high, step) for the kinds where money changes hands.
_AMOUNTS: dict[AssistanceKind, tuple[int, int, int]] = {
    AssistanceKind.MINIMUM_ALLOWANCE: (560, 780, 20),  # a month
    AssistanceKind.EXTREME_POVERTY: (980, 1400, 20),  # a month
    AssistanceKind.TEMPORARY_RELIEF: (500, 3000, 100),
    AssistanceKind.MEDICAL: (300, 8000, 50),
    AssistanceKind.SCHOOLING: (500, 2000, 100),
}
_URINE_PANEL = (Drug.METH, Drug.MORPHINE, Drug.KETAMINE)
_HAIR_PANEL = (Drug.METH, Drug.HEROIN, Drug.MORPHINE, Drug.KETAMINE, Drug.MDMA, Drug.COCAINE)
# Visit texts are drawn as bundles (family, health, mental state, needs, summary) made once per office:
# one random index a visit instead of five keeps a million-fact office fast, and 256 bundles per kind
# and risk level are plenty of variety for a reader.
_BUNDLES = 256

_TERMS = {
    _TREATMENT: (
        "一、自愿接受社区戒毒，遵守本协议；二、按要求接受毒品检测，不得拒绝或逃避；"
        "三、离开本县（区）三日以上须事先书面报告并经批准；四、按约定到工作站报到、谈话；"
        "五、拒绝检测三次以上或擅自离开本县（区）三次以上、累计超过三十日的，属严重违反协议，"
        "将报告公安机关依法处理；六、可申请职业技能培训、就业指导、社会救助等帮扶。"
    ),
    _REHAB: (
        "一、自愿接受社区康复，遵守本协议；二、按要求接受毒品检测，不得拒绝或逃避；"
        "三、离开本县（区）三日以上须事先书面报告并经批准；四、按约定到工作站报到、谈话；"
        "五、严重违反协议或复吸的，将报告公安机关依法处理；六、可申请职业技能培训、就业指导、"
        "社会救助及心理疏导等帮扶。"
    ),
}
_MEASURE_SHORT = {_TREATMENT: "社区戒毒", _REHAB: "社区康复"}
_DOC_WORD = {_TREATMENT: "社戒决字", _REHAB: "社康决字", _COMPULSORY: "强戒决字"}


# --- public data -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoStaff:
    login: str
    display_name: str
    role: Role
    password: str  # demo-only, synthetic
    phone: str = ""


@dataclass
class DemoPerson:
    """One person and their whole history; every input's person_id is PLACEHOLDER_ID.

    Lists are in date order. ``status_changes`` starts after the implied 未报到 of the first order (the
    person is registered with it); a later order (社区康复 after 强制隔离戒毒) brings its own explicit change
    to 未报到 on its order day, and is reported at least a day later. Each report also appears as a status
    change (to 社区戒毒中/社区康复中, or 强戒中 on a compulsory order, admitted the day it is ordered) on the
    measure's ``reported_on``, so a loader that records the report with the measure skips that change.
    Leaves (请假中 and back) and suspensions (中止 and back) are status changes too. Agreements leave
    ``measure_id`` None: each is signed on the ``reported_on`` day of the community measure it belongs to.
    """

    worker_login: str
    person: PersonInput
    measures: list[MeasureInput] = field(default_factory=list)
    status_changes: list[StatusChangeInput] = field(default_factory=list)
    agreements: list[AgreementInput] = field(default_factory=list)
    visits: list[VisitInput] = field(default_factory=list)
    tests: list[DrugTestInput] = field(default_factory=list)
    assistance: list[AssistanceInput] = field(default_factory=list)
    leaves: list[LeaveInput] = field(default_factory=list)
    violations: list[ViolationInput] = field(default_factory=list)

    @property
    def fact_count(self) -> int:
        """The append-only facts (the FactKind tables)."""
        return (
            len(self.visits)
            + len(self.tests)
            + len(self.assistance)
            + len(self.leaves)
            + len(self.violations)
            + len(self.agreements)
        )

    @property
    def status(self) -> PersonStatus:
        """The status as of ``today``."""
        return self.status_changes[-1].to_status if self.status_changes else PersonStatus.NOT_REPORTED


@dataclass
class DemoOffice:
    office_code: str
    office_name: str
    staff: list[DemoStaff]
    people: list[DemoPerson]

    @property
    def fact_count(self) -> int:
        return sum(p.fact_count for p in self.people)


def generate_staff(workers: int = 2) -> list[DemoStaff]:
    """The admin, the supervisor and ``workers`` workers (wangli, mahui, then worker03 ...)."""
    if workers < 1:
        raise ValueError("a demo office needs at least one worker")
    staff = [
        DemoStaff(ADMIN_LOGIN, "系统管理员", Role.ADMIN, ADMIN_PASSWORD, f"{CONTACT_PHONE_PREFIX}0001"),
        DemoStaff(
            SUPERVISOR_LOGIN, "刘军", Role.SUPERVISOR, SUPERVISOR_PASSWORD, f"{CONTACT_PHONE_PREFIX}0002"
        ),
    ]
    for n in range(workers):
        login = WORKER_LOGINS[n] if n < len(WORKER_LOGINS) else f"worker{n + 1:02d}"
        name = _WORKER_NAMES.get(login, f"专干{n + 1:02d}")
        phone = f"{CONTACT_PHONE_PREFIX}{n + 10:04d}"
        staff.append(DemoStaff(login, name, Role.WORKER, WORKER_PASSWORD, phone))
    return staff


def default_facts_per_person(persons: int) -> float | None:
    """None (realistic) for a township-size office, the benchmark density for a county-size one."""
    return None if persons <= REALISTIC_UP_TO else BENCHMARK_FACTS_PER_PERSON


def iter_people(
    *,
    persons: int = 120,
    seed: int = 1,
    today: date,
    office_code: str = "640104001",
    office_name: str = "胜利街道",
    workers: int | None = None,
    facts_per_person: float | None = None,
) -> Iterator[DemoPerson]:
    """The office's people one at a time, so a loader can stream a large office.

    ``facts_per_person``: None follows default_facts_per_person(persons); a number sets the target mean.
    ``workers``: None follows default_workers(persons).
    """
    if persons < 0:
        raise ValueError("persons must not be negative")
    target = facts_per_person if facts_per_person is not None else default_facts_per_person(persons)
    density = 1.0
    if target is not None:
        density = _calibrate(target, seed=seed, today=today, office_code=office_code, office_name=office_name)
    office = _Office(
        seed=seed,
        today=today,
        office_code=office_code,
        office_name=office_name,
        workers=workers if workers is not None else default_workers(persons),
        density=density,
    )
    for index in range(persons):
        yield office.person(index)


def generate_office(
    *,
    persons: int = 120,
    seed: int = 1,
    today: date,
    office_code: str = "640104001",
    office_name: str = "胜利街道",
    workers: int | None = None,
    facts_per_person: float | None = None,
) -> DemoOffice:
    """The whole office in memory; for tens of thousands of people prefer iter_people."""
    people = list(
        iter_people(
            persons=persons,
            seed=seed,
            today=today,
            office_code=office_code,
            office_name=office_name,
            workers=workers,
            facts_per_person=facts_per_person,
        )
    )
    staff = generate_staff(workers if workers is not None else default_workers(persons))
    return DemoOffice(office_code, office_name, staff, people)


# --- generation ----------------------------------------------------------------------------------------


def _add_years(day: int, years: int) -> int:
    """The same date ``years`` later; 29 February becomes 1 March, as app.services.measures counts terms."""
    d = date.fromordinal(day)
    try:
        return d.replace(year=d.year + years).toordinal()
    except ValueError:
        return d.replace(year=d.year + years, day=28).toordinal() + 1


@lru_cache(maxsize=1 << 16)
def _test_windows(report: int, year: int, per_year: int) -> tuple[tuple[int, int], ...]:
    """The app's test windows (first, last day) of one measure year; cached, as many people share a report day."""
    windows = cut(date.fromordinal(report), 12, year, per_year)
    return tuple((first.toordinal(), last.toordinal()) for first, last in windows)


def _calibrate(target: float, *, seed: int, today: date, office_code: str, office_name: str) -> float:
    """The density factor that brings the mean facts a person to ``target``, from a realistic pilot.

    Only visits and routine tests scale with density, so facts = fixed + density x routine a person.
    """
    pilot = _Office(
        seed=seed ^ 0x5EED,
        today=today,
        office_code=office_code,
        office_name=office_name,
        workers=2,
        density=1.0,
    )
    total = sum(pilot.person(i).fact_count for i in range(CALIBRATION_PERSONS))
    if pilot.routine == 0:
        return 1.0
    fixed = (total - pilot.routine) / CALIBRATION_PERSONS
    return max(0.05, (target - fixed) / (pilot.routine / CALIBRATION_PERSONS))


class _Office:
    """Constants and the one random stream shared by every person of an office."""

    def __init__(
        self,
        *,
        seed: int,
        today: date,
        office_code: str,
        office_name: str,
        workers: int,
        density: float,
    ) -> None:
        if len(office_code) != 9 or not office_code.isdigit():
            raise ValueError(f"office code must be 9 digits (county code + township), got {office_code!r}")
        blocks = load_blocks()
        region = blocks.regions.get(office_code[:6])
        if region is None:
            known = ", ".join(sorted(blocks.regions))
            raise ValueError(f"no demo region for county {office_code[:6]}; known: {known}")
        self.blocks: Blocks = blocks
        self.region: Region = region
        self.office_name = office_name
        self.rng = random.Random(seed)
        self.r = self.rng.random
        self.today = today.toordinal()
        self.start = _add_years(self.today, -HISTORY_YEARS)
        self.ids = IdentityFactory(self.rng, blocks, region, office_name)
        self.workers = [s for s in generate_staff(workers) if s.role is Role.WORKER]
        self.density = density
        self.routine = 0  # visits and routine tests made so far: what density scales (for calibration)
        self._doc_counters: dict[tuple[MeasureKind, int], int] = {}
        self._kit_lots: dict[int, str] = {}
        fill = {"county": region.county, "office": office_name}
        self.providers = {
            AssistanceKind(tag): tuple(text.format(**fill) for text in texts)
            for tag, texts in blocks.providers.items()
        }
        self.assistance_details = {
            AssistanceKind(tag): tuple(text.format(**fill) for text in texts)
            for tag, texts in blocks.assistance_details.items()
        }
        self.violation_texts = {ViolationKind(tag): texts for tag, texts in blocks.violations.items()}
        self.other_counties = tuple(r.prefix for r in blocks.regions.values() if r.code != region.code)
        self.bundles = {(kind, red): self._bundles(kind, red) for kind in VisitKind for red in (False, True)}

    def pick(self, pool: Sequence[T]) -> T:
        return pool[int(self.r() * len(pool))]

    def _bundles(self, kind: VisitKind, red: bool) -> tuple[tuple[str, str, str, str, str], ...]:
        b = self.blocks
        concern = 0.4 if red else 0.12
        need_tags = tuple(tag for tag in b.needs if tag != "none")

        def finding(texts: dict[str, tuple[str, ...]]) -> str:
            return self.pick(texts["concern" if self.r() < concern else "ok"])

        return tuple(
            (
                finding(b.family),
                finding(b.health),
                finding(b.mental),
                self.pick(b.needs["none" if self.r() < 0.75 else self.pick(need_tags)]),
                self.pick(b.visit_summaries[kind.value]),
            )
            for _ in range(_BUNDLES)
        )

    def document_no(self, kind: MeasureKind, day: int) -> str:
        year = date.fromordinal(day).year
        n = self._doc_counters.get((kind, year), 0) + 1
        self._doc_counters[(kind, year)] = n
        return f"{self.region.county[0]}公（禁）{_DOC_WORD[kind]}〔{year}〕{n}号"

    def kit_lot(self, day: int) -> str:
        lot = self._kit_lots.get(day)
        if lot is None:
            d = date.fromordinal(day)
            # One batch of kits a month, as a station orders its urine cups monthly.
            lot = f"DT{d.year % 100:02d}{d.month:02d}{(d.year * 7 + d.month * 3) % 90 + 10:02d}"
            self._kit_lots[day] = lot
        return lot

    def person(self, index: int) -> DemoPerson:
        return _Life(self, index).build()


class _Life:
    """One person's history under construction."""

    def __init__(self, office: _Office, index: int) -> None:
        o = self.o = office
        r = o.r
        self.worker = o.workers[index % len(o.workers)]
        if r() < CARRIED_OVER_SHARE:
            self.first_order = o.start - 1 - int(r() * 365)
        else:
            self.first_order = o.start + int(r() * (o.today - o.start))
        self.first_kind = _REHAB if r() < 0.35 else _TREATMENT
        gender = Gender.MALE if r() < 0.88 else Gender.FEMALE
        self.birth = self._birth()
        self.identity: Identity = o.ids.identity(
            gender, date.fromordinal(self.birth), has_phone=r() < 0.93, moved=r() < 0.3
        )
        drugs = [o.pick(_DRUGS_OLDER if o.today - self.birth > 45 * 365 else _DRUGS_YOUNGER)]
        if r() < 0.12:
            drugs.append(Drug.KETAMINE if drugs[0] is Drug.METH else Drug.METH)
        self.drugs = drugs
        self.panel = tuple(dict.fromkeys(_URINE_PANEL + tuple(drugs)))
        self.baseline = o.pick(_COLOURS)
        self.p_meet = 0.72 if r() < 0.15 else 0.96  # some people keep missing their tests
        state = r()
        employment = "employed" if state < 0.3 else "casual" if state < 0.65 else "unemployed"
        self.employed_initially = employment == "employed"
        # One job description a person, so consecutive visits tell a consistent story.
        self.job_text = o.pick(o.blocks.employment[employment])
        self.job_text_employed = o.pick(o.blocks.employment["employed"])
        self.employed_from: int | None = None
        self.red_from: list[int] = []  # incident days; each keeps the person red for a while
        self.lost = False
        self._status_seq = 0
        self._status: list[tuple[int, int, StatusChangeInput]] = []
        self.measures: list[MeasureInput] = []
        self.agreements: list[AgreementInput] = []
        self.visits: list[VisitInput] = []
        self.tests: list[DrugTestInput] = []
        self.assistance: list[AssistanceInput] = []
        self.leaves: list[LeaveInput] = []
        self.violations: list[ViolationInput] = []
        self._work_group()

    def _birth(self) -> int:
        """Between 18 at the order and 60 today; most people in their late twenties to forties."""
        o = self.o
        latest = _add_years(self.first_order, -18)
        earliest = _add_years(o.today, -61) + 1
        age_days = int(o.rng.triangular(18, 60, 33) * 365.25)
        return min(max(o.today - age_days, earliest), latest)

    def _work_group(self) -> None:
        o, r, ident = self.o, self.o.r, self.identity
        station = o.pick(o.blocks.police_stations)
        police = o.ids.name(Gender.MALE if r() < 0.8 else Gender.FEMALE)
        young = o.today - self.birth < 35 * 365
        if ident.gender is Gender.MALE:
            relation = "母亲" if young and r() < 0.6 else "妻子" if r() < 0.7 else "哥哥"
        else:
            relation = "母亲" if young and r() < 0.6 else "丈夫" if r() < 0.7 else "姐姐"
        relative_gender = Gender.MALE if relation in ("丈夫", "哥哥") else Gender.FEMALE
        relative = o.ids.name(relative_gender, ident.name[0] if relation == "哥哥" else None)
        self.station = station
        self.worker_label = f"{self.worker.display_name}（禁毒专干）"
        self.police_label = f"{police}（社区民警，{station}）"
        self.family_label = f"{relative}（{relation}）"
        group = [
            WorkGroupMemberInput(WorkGroupRole.WORKER, self.worker.display_name, self.worker.phone),
            WorkGroupMemberInput(WorkGroupRole.POLICE, police, o.ids.contact_phone()),
            WorkGroupMemberInput(WorkGroupRole.FAMILY, relative, o.ids.contact_phone()),
        ]
        witnesses = [police]
        if r() < 0.4:
            medic = o.ids.name(Gender.FEMALE if r() < 0.7 else Gender.MALE)
            group.append(WorkGroupMemberInput(WorkGroupRole.MEDIC, medic, o.ids.contact_phone()))
            witnesses.append(medic)
        if r() < 0.2:
            volunteer = o.ids.name(Gender.MALE if r() < 0.5 else Gender.FEMALE)
            group.append(WorkGroupMemberInput(WorkGroupRole.VOLUNTEER, volunteer, o.ids.contact_phone()))
        witnesses.extend(w.display_name for w in o.workers if w is not self.worker)
        self.work_group = group
        self.witnesses = tuple(witnesses)

    # -- recording helpers -------------------------------------------------------------------------------

    def status(self, to: PersonStatus, day: int, reason: str) -> None:
        self._status_seq += 1
        change = StatusChangeInput(PLACEHOLDER_ID, to, date.fromordinal(day), reason)
        self._status.append((day, self._status_seq, change))

    def violation(self, kind: ViolationKind, day: int, police: int | None) -> None:
        o = self.o
        self.violations.append(
            ViolationInput(
                PLACEHOLDER_ID,
                date.fromordinal(day),
                kind,
                o.pick(o.violation_texts[kind]),
                date.fromordinal(police) if police is not None else None,
            )
        )

    def measure(self, kind: MeasureKind, order: int, report: int | None, ends: int | None) -> None:
        o = self.o
        self.measures.append(
            MeasureInput(
                PLACEHOLDER_ID,
                kind,
                date.fromordinal(order),
                o.region.police_authority,
                o.document_no(kind, order),
                date.fromordinal(report) if report is not None else None,
                date.fromordinal(ends) if ends is not None else None,
            )
        )

    def colour_at(self, day: int) -> RiskColour:
        for start in self.red_from:
            if start <= day < start + RED_AFTER_INCIDENT_DAYS:
                return RiskColour.RED
        return self.baseline

    def _police_day(self, day: int) -> int:
        """The worker reports to the police the same day or the next, never after today."""
        return min(day + int(self.o.r() * 2), self.o.today)

    # -- the story ---------------------------------------------------------------------------------------

    def build(self) -> DemoPerson:
        kind, order, first = self.first_kind, self.first_order, True
        while True:
            next_order = self.episode(kind, order, first)
            if next_order is None:
                return self._result()
            kind, order, first = _REHAB, next_order, False

    def episode(self, kind: MeasureKind, order: int, first: bool) -> int | None:
        """One community measure from order to end; returns the next order's day after 强戒, if any."""
        o = self.o
        r, today = o.r, o.today
        if not first:
            self.status(PersonStatus.NOT_REPORTED, order, "强制隔离戒毒期满解除，责令接受社区康复，待报到")
        if first and r() < _NEVER_REPORT:
            self.measure(kind, order, None, None)
            deadline = order + REPORT_DAYS + 1
            if deadline <= today:
                self.violation(ViolationKind.MISSED_REPORT, deadline, self._police_day(deadline))
                self.red_from.append(deadline)
                compulsory = deadline + 30 + int(r() * 60)
                if r() < 0.4 and compulsory <= today:
                    return self.compulsory(compulsory, "拒不报到，公安机关决定强制隔离戒毒")
            return None
        report = order + (int(r() * 6) if r() < 0.6 else 6 + int(r() * 10))
        if not first:
            # Released from 强戒, the person is 未报到 for at least the release day, so that change and
            # the report never share a date (whose order a loader could not tell).
            report = max(report, order + 1)
        if report > today:
            self.measure(kind, order, None, None)
            return None
        years = 3 if kind is _TREATMENT or r() < 0.7 else 2
        term_end = _add_years(report, years)  # the first day after the term
        # Treatment leaves ends_on to the service (the statutory 3 years); rehab's length is a choice.
        self.measure(kind, order, report, term_end - 1 if kind is _REHAB else None)
        active = PersonStatus.IN_TREATMENT if kind is _TREATMENT else PersonStatus.IN_REHAB
        short = _MEASURE_SHORT[kind]
        self.status(active, report, f"按期报到，签订{short}协议")
        signed, valid_until = date.fromordinal(report), date.fromordinal(term_end - 1)
        self.agreements.append(AgreementInput(PLACEHOLDER_ID, signed, None, valid_until, _TERMS[kind]))

        fate = self._fate()
        fate_day: int | None = None
        if fate is not None:
            fate_day = report + 60 + int(r() * (term_end - report - 60))
            if fate_day > today:
                fate, fate_day = None, None
        active_end = min(term_end, today + 1)  # exclusive
        if fate == "lost" and fate_day is not None:
            active_end = max(report + 30, fate_day - 20 - int(r() * 25))
        elif fate_day is not None:
            active_end = fate_day

        incidents = self._incidents(fate, fate_day, report, active_end)
        incident_days = {day for day, _ in incidents}
        relapsed = any(what == "positive" for _, what in incidents)
        self.red_from.extend(day for day, what in incidents if what != "absent")

        segments, active_end, pause = self._suspension(report, active_end, incident_days, active)
        if pause is not None:
            # The clock stood still while suspended (app.rules.lifecycle): the term ends that much later.
            term_end += pause[1]
            if fate_day is None:
                active_end = min(term_end, today + 1)
                segments[-1] = (segments[-1][0], active_end)
        ongoing = active_end == today + 1
        away = self._leaves(segments, incident_days, active, ongoing)
        self._assistance(segments)  # before the visits, which mention a job found through it
        self._visits(segments, away)
        self._routine_tests(kind, report, years, pause, segments, away | incident_days)
        for day, what in incidents:
            if what == "positive":
                self._positive_test(day)
            elif what == "refused":
                self._refused_test(day)
            else:
                self.violation(ViolationKind.ABSENT_WITHOUT_LEAVE, day, self._police_day(day))

        if fate is not None and fate_day is not None:
            return self._fate_happens(fate, fate_day, active_end)
        if term_end <= today and not ongoing:
            self.status(PersonStatus.COMPLETED, term_end, f"{short}期满，依法解除并发放解除通知书")
            if not relapsed:
                clean = max(term_end, _add_years(report, 3)) + int(r() * 30)
                if clean <= today:
                    self.status(PersonStatus.CLEAN_THREE_YEARS, clean, "戒断三年未复吸，经评估解除动态管控")
        return None

    def _fate(self) -> str | None:
        u = self.o.r()
        for fate, share in _FATES:
            if u < share:
                return fate
            u -= share
        return None

    def _incidents(
        self, fate: str | None, fate_day: int | None, report: int, active_end: int
    ) -> list[tuple[int, str]]:
        """Positive tests, refusals and absences: (day, what), in date order, inside the active time."""
        o = self.o
        r = o.r
        incidents: list[tuple[int, str]] = []
        if fate == "relapse_compulsory" and fate_day is not None:
            incidents.append((fate_day - 7 - int(r() * 24), "positive"))
        if fate == "refusal_compulsory" and fate_day is not None:
            lo = max(report + 14, fate_day - 120)
            incidents.extend((day, "refused") for day in o.rng.sample(range(lo, fate_day - 2), 3))
        span = active_end - (report + 30)
        if span > 30:
            if r() < 0.05:
                incidents.append((report + 30 + int(r() * span), "positive"))
            if r() < 0.07:
                incidents.extend((report + 30 + int(r() * span), "refused") for _ in range(1 + int(r() * 2)))
            if r() < 0.03:
                incidents.append((report + 30 + int(r() * span), "absent"))
        incidents.sort()
        return incidents

    def _fate_happens(self, fate: str, day: int, active_end: int) -> int | None:
        o = self.o
        r = o.r
        if fate == "relapse_compulsory":
            return self.compulsory(day, "社区戒毒（康复）期间复吸，公安机关决定强制隔离戒毒")
        if fate == "refusal_compulsory":
            return self.compulsory(day, "拒绝检测三次以上，严重违反协议，公安机关决定强制隔离戒毒")
        if fate == "terminated":
            self.status(PersonStatus.TERMINATED, day, "因犯罪被判处有期徒刑，措施终止")
        elif fate == "lost":
            # The last contacts fail before the person is declared lost.
            for attempt in sorted({active_end + int(r() * max(1, day - active_end)) for _ in range(2)}):
                self._missed_visit(attempt)
            self.violation(ViolationKind.ABSENT_WITHOUT_LEAVE, max(active_end, day - 5), day)
            self.status(PersonStatus.LOST, day, "多次联系未果，去向不明，列为脱管并报告公安机关")
            self.lost = True
        elif fate == "transferred":
            where = o.pick(o.other_counties)
            self.status(PersonStatus.TRANSFERRED_OUT, day, f"迁居至{where}，已函告迁入地并移交档案")
        else:
            self.status(PersonStatus.DECEASED, day, "因病死亡" if r() < 0.7 else "意外死亡")
        return None

    def compulsory(self, day: int, reason: str) -> int | None:
        """强制隔离戒毒 from ``day`` (admitted the day it is ordered); returns the release day if it has come."""
        release = _add_years(day, COMPULSORY_YEARS)
        self.measure(_COMPULSORY, day, day, release - 1)
        self.status(PersonStatus.IN_COMPULSORY, day, reason)
        return release if release <= self.o.today else None

    def _suspension(
        self, report: int, active_end: int, incident_days: set[int], active: PersonStatus
    ) -> tuple[list[tuple[int, int]], int, tuple[int, int] | None]:
        """Maybe a 中止 for a detention.

        Returns the time under measure, its (possibly earlier) end, and a finished pause as (first day,
        days), which moves the rest of the term later.
        """
        o = self.o
        r = o.r
        whole = [(report, active_end)]
        if r() >= _SUSPENSION or active_end - report < 60:
            return whole, active_end, None
        start = report + 30 + int(r() * (active_end - report - 50))
        short = r() < 0.7  # administrative detention; the rest are criminal detentions
        back = start + (10 + int(r() * 6) if short else 30 + int(r() * 150))
        if any(start <= day <= back for day in incident_days):
            return whole, active_end, None
        reason = "被公安机关行政拘留，措施中止" if short else "涉嫌违法犯罪被刑事拘留，措施中止"
        if back < active_end - 1 and back <= o.today:
            self.status(PersonStatus.SUSPENDED, start, reason)
            self.status(active, back, "释放后恢复执行，已到站报到")
            return [(report, start), (back, active_end)], active_end, (start, back - start)
        if active_end == o.today + 1 and back > o.today and not any(day >= start for day in incident_days):
            self.status(PersonStatus.SUSPENDED, start, reason)  # still detained today
            return [(report, start)], start, None
        return whole, active_end, None

    def _leaves(
        self,
        segments: list[tuple[int, int]],
        incident_days: set[int],
        active: PersonStatus,
        ongoing: bool,
    ) -> set[int]:
        """Leave requests inside the time under measure; returns the days away."""
        o = self.o
        r, today = o.r, o.today
        spans: list[tuple[int, int]] = []
        for seg_start, seg_end in segments:
            length = seg_end - seg_start
            if length < 20:
                continue
            expected = length / 365 * 0.8
            for _ in range(int(expected) + (1 if r() < expected - int(expected) else 0)):
                start = seg_start + 1 + int(r() * (length - 1))
                planned = start + 3 + int(r() * r() * 22)  # mostly short trips
                u = r()
                if u < 0.8:
                    back = planned
                elif u < 0.92:
                    back = max(start + 1, planned - 1 - int(r() * 2))
                else:
                    back = planned + 2 + int(r() * 9)
                if start > today:
                    continue
                away_today = back > today
                # Only someone still under the measure today can be away today, and not yet overdue.
                if away_today and not (ongoing and seg_end == today + 1 and planned >= today):
                    continue
                if not away_today and back >= seg_end - 1:
                    continue
                last = today if away_today else back
                if any(a <= last + 1 and start <= b + 1 for a, b in spans):
                    continue
                if any(start <= day <= last for day in incident_days):
                    continue
                spans.append((start, last))
                dest, why = o.pick(o.blocks.leave_destinations), o.pick(o.blocks.leave_reasons)
                returned = None if away_today else date.fromordinal(back)
                self.leaves.append(
                    LeaveInput(
                        PLACEHOLDER_ID,
                        date.fromordinal(start),
                        date.fromordinal(planned),
                        dest,
                        why,
                        self.worker.display_name,
                        returned,
                    )
                )
                self.status(PersonStatus.ON_LEAVE, start, f"经批准请假外出（{why}），前往{dest}")
                if not away_today:
                    late = back > planned
                    self.status(active, back, "逾期返回，已销假" if late else "按期返回，已销假")
                    if late:
                        self.violation(
                            ViolationKind.LEAVE_OVERSTAYED, planned + 1, back if r() < 0.3 else None
                        )
        # A set: visits and tests ask "away that day?" about a million times in a benchmark office.
        return {day for a, b in spans for day in range(a, b + 1)}

    # -- routine facts -------------------------------------------------------------------------------------

    def _visits(self, segments: list[tuple[int, int]], away: set[int]) -> None:
        o = self.o
        r, today, density = o.r, o.today, o.density
        bundles, visits = o.bundles, self.visits
        worker, family, police = self.worker_label, self.family_label, self.police_label
        home_police = o.blocks.visit_summaries["home_police"]
        fromordinal = date.fromordinal
        first = True
        for seg_start, seg_end in segments:
            day, position = seg_start, float(seg_start)
            stop = min(seg_end, today + 1)
            while day < stop:
                if first:
                    kind = VisitKind.OFFICE  # the report itself is a talk at the station
                    first = False
                elif day in away:
                    kind = _AWAY_VISIT_KINDS[int(r() * len(_AWAY_VISIT_KINDS))]
                else:
                    kind = _VISIT_KINDS[int(r() * len(_VISIT_KINDS))]
                colour = self.colour_at(day) if self.red_from else self.baseline
                family_text, health, mental, needs, summary = bundles[kind, colour is RiskColour.RED][
                    int(r() * _BUNDLES)
                ]
                if kind is VisitKind.HOME:
                    if r() < 0.3:
                        participants = [worker, family, police]
                        summary = home_police[int(r() * len(home_police))]
                    else:
                        participants = [worker, family]
                elif kind is VisitKind.OFFICE and r() < 0.2:
                    participants = [worker, family]
                else:
                    participants = [worker]
                # Someone placed in a job is described by the new job from then on.
                placed = self.employed_from is not None and day >= self.employed_from
                interval = VISIT_INTERVAL_DAYS[colour]
                visits.append(
                    VisitInput(
                        PLACEHOLDER_ID,
                        fromordinal(day),
                        kind,
                        participants,
                        self.job_text_employed if placed else self.job_text,
                        family_text,
                        health,
                        mental,
                        needs,
                        summary,
                        fromordinal(day + interval),
                    )
                )
                o.routine += 1
                # A fractional position, so the number of visits stays proportional to the density.
                position += max(1.0, interval * (0.75 + 0.5 * r()) / density)
                day = int(position)

    def _missed_visit(self, day: int) -> None:
        o = self.o
        self.visits.append(
            VisitInput(
                PLACEHOLDER_ID,
                date.fromordinal(day),
                VisitKind.HOME,
                [self.worker_label, self.police_label],
                summary=o.pick(o.blocks.visit_summaries["missed"]),
                next_contact_on=date.fromordinal(day + 7),
            )
        )

    def _routine_tests(
        self,
        kind: MeasureKind,
        report: int,
        years: int,
        pause: tuple[int, int] | None,
        segments: list[tuple[int, int]],
        blocked: set[int],
    ) -> None:
        """Routine tests: one window per scheduled test, a met window holds at least one (density may add
        more). Never on a day away or a day with an incident, which has its own test or violation.

        The windows are the app's own (app.rules.periods.cut: months counted from the report date, in the
        measure's time), so the compliance the app computes is the compliance drawn here.
        """
        o = self.o
        r, today, density = o.r, o.today, o.density
        whole, fraction = int(density), density - int(density)
        schedule = TEST_SCHEDULE[kind]
        self._hair_tests(report, segments, blocked)

        def real(day: int) -> int:
            """Measure time to calendar day: after a pause, later by the days it lasted."""
            return day + pause[1] if pause is not None and day >= pause[0] else day

        for year in range(years):
            per_year = schedule[min(year, len(schedule) - 1)]
            for first, last in _test_windows(report, year, per_year):
                w_start = real(first)
                if w_start > today:
                    return
                w_end = min(real(last) + 1, today + 1)
                parts = [(max(a, w_start), min(b, w_end)) for a, b in segments if a < w_end and b > w_start]
                if not parts or r() >= self.p_meet:
                    continue  # a missed window
                count = whole + (1 if r() < fraction else 0)
                if r() < 0.08 * density:
                    count += 1  # a random test on top of the schedule
                total = sum(b - a for a, b in parts)
                for _ in range(count):
                    day = self._day_in(parts, int(r() * total))
                    if day in blocked:
                        continue
                    self._negative_test(day)
                    o.routine += 1

    @staticmethod
    def _day_in(parts: list[tuple[int, int]], offset: int) -> int:
        """The day ``offset`` days into the concatenation of the half-open ranges ``parts``."""
        for a, b in parts:
            if offset < b - a:
                return a + offset
            offset -= b - a
        return parts[-1][1] - 1

    def _hair_tests(
        self,
        report: int,
        segments: list[tuple[int, int]],
        blocked: set[int],
    ) -> None:
        # Half-yearly, lab-tested; hair looks months back, so these do not scale with density.
        o = self.o
        r, today = o.r, o.today
        end = segments[-1][1]
        start = report + 90
        while start < end and start <= today:
            day = start + int(r() * 60)
            if r() < 0.5 and day <= today and any(a <= day < b for a, b in segments) and day not in blocked:
                self.tests.append(
                    DrugTestInput(
                        PLACEHOLDER_ID,
                        date.fromordinal(day),
                        SampleType.HAIR,
                        TestMethod.LAB,
                        _NEG,
                        dict.fromkeys(_HAIR_PANEL, _NEG),
                        "",
                        o.pick(self.witnesses),
                        "毛发样本送检，检测近三个月用毒情况",
                    )
                )
            start += 183

    def _negative_test(self, day: int) -> None:
        o = self.o
        r = o.r
        sample = SampleType.SALIVA if r() < 0.04 else SampleType.URINE
        on = date.fromordinal(day)
        lot, witness = o.kit_lot(day), self.witnesses[int(r() * len(self.witnesses))]
        if r() < 0.004:
            # An unreadable cassette is recorded, and a second kit is used on the spot.
            invalid = DrugTestInput(
                PLACEHOLDER_ID,
                on,
                sample,
                TestMethod.ON_SITE,
                TestResult.INVALID,
                {},
                lot,
                witness,
                "试剂显示无效",
            )
            self.tests.append(invalid)
            method, notes = TestMethod.RETEST, "前一试剂无效，当场复检"
        else:
            method, notes = TestMethod.ON_SITE, ""
        results = dict.fromkeys(self.panel, _NEG)
        self.tests.append(
            DrugTestInput(PLACEHOLDER_ID, on, sample, method, _NEG, results, lot, witness, notes)
        )

    def _positive_test(self, day: int) -> None:
        o = self.o
        on = date.fromordinal(day)
        results = dict.fromkeys(self.panel, _NEG)
        used = self.drugs[0]
        # Heroin shows up as morphine on an on-site urine cassette.
        results[Drug.MORPHINE if used is Drug.HEROIN else used] = TestResult.POSITIVE
        witness = o.pick(self.witnesses)
        police = date.fromordinal(self._police_day(day))
        self.tests.append(
            DrugTestInput(
                PLACEHOLDER_ID,
                on,
                SampleType.URINE,
                TestMethod.ON_SITE,
                TestResult.POSITIVE,
                results,
                o.kit_lot(day),
                witness,
                f"现场检测阳性，本人承认复吸；已于{police.year}年{police.month}月{police.day}日报告公安机关",
            )
        )
        self.tests.append(
            DrugTestInput(
                PLACEHOLDER_ID,
                on,
                SampleType.URINE,
                TestMethod.LAB,
                TestResult.POSITIVE,
                dict(results),
                "",
                witness,
                "同一尿样送实验室确认，结果阳性",
            )
        )

    def _refused_test(self, day: int) -> None:
        o = self.o
        self.tests.append(
            DrugTestInput(
                PLACEHOLDER_ID,
                date.fromordinal(day),
                SampleType.URINE,
                TestMethod.ON_SITE,
                TestResult.REFUSED,
                {},
                "",
                o.pick(self.witnesses),
                "本人拒绝接受检测，已告知拒绝检测的法律后果",
            )
        )
        self.violation(ViolationKind.TEST_REFUSED, day, self._police_day(day))

    def _assistance(self, segments: list[tuple[int, int]]) -> None:
        o = self.o
        r, today = o.r, o.today
        parts = [(a, min(b, today + 1)) for a, b in segments if a <= today]
        total = sum(b - a for a, b in parts)
        if total <= 0:
            return
        expected = 0.3 + total / 365 * 0.9
        for _ in range(int(expected) + (1 if r() < expected - int(expected) else 0)):
            day = self._day_in(parts, int(r() * total))
            kind = o.pick(_ASSISTANCE_KINDS)
            if not self.employed_initially and r() < 0.25:
                kind = AssistanceKind.JOB_PLACEMENT if r() < 0.6 else AssistanceKind.TRAINING
            amount = None
            if kind in _AMOUNTS:
                low, high, step = _AMOUNTS[kind]
                amount = Decimal(low + step * int(r() * ((high - low) // step + 1)))
            self.assistance.append(
                AssistanceInput(
                    PLACEHOLDER_ID,
                    date.fromordinal(day),
                    kind,
                    o.pick(o.providers[kind]),
                    amount,
                    self._outcome(kind, day),
                    o.pick(o.assistance_details[kind]),
                )
            )

    def _outcome(self, kind: AssistanceKind, day: int) -> AssistanceOutcome:
        o = self.o
        r, today = o.r, o.today
        recent = today - day < 30
        if kind in (AssistanceKind.JOB_PLACEMENT, AssistanceKind.PUBLIC_POST):
            u = r()
            if recent or u < 0.25:
                return AssistanceOutcome.PENDING
            if kind is AssistanceKind.JOB_PLACEMENT and u > 0.85:
                return AssistanceOutcome.DECLINED
            if not self.employed_initially and (self.employed_from is None or day < self.employed_from):
                self.employed_from = day
            if today - day >= 183 and r() < 0.65:
                return AssistanceOutcome.EMPLOYED_SIX_MONTHS
            return AssistanceOutcome.EMPLOYED
        if kind is AssistanceKind.TRAINING:
            if recent:
                return AssistanceOutcome.PENDING
            return AssistanceOutcome.DECLINED if r() < 0.1 else AssistanceOutcome.COMPLETED
        return AssistanceOutcome.PENDING if recent and r() < 0.5 else AssistanceOutcome.COMPLETED

    # -- result --------------------------------------------------------------------------------------------

    def _result(self) -> DemoPerson:
        o = self.o
        r, ident = o.r, self.identity
        self._status.sort(key=lambda item: (item[0], item[1]))
        self.visits.sort(key=attrgetter("visited_on"))
        self.tests.sort(key=attrgetter("tested_on"))
        self.assistance.sort(key=attrgetter("given_on"))
        self.leaves.sort(key=attrgetter("starts_on"))
        self.violations.sort(key=attrgetter("occurred_on"))
        colour = RiskColour.RED if self.lost else self.colour_at(o.today)
        notes = f"管辖派出所：{self.station}。"
        if self.first_kind is _REHAB:
            released = date.fromordinal(self.first_order)
            notes += f"{released.year}年{released.month}月强制隔离戒毒期满解除后责令社区康复。"
        aliases: list[str] = []
        if r() < 0.06:
            aliases.append("小" + ident.name[-1] if r() < 0.5 else "老" + ident.name[0])
        person = PersonInput(
            name=ident.name,
            id_number=ident.id_number,
            gender=ident.gender,
            birth_date=ident.birth_date,
            aliases=aliases,
            phone=ident.phone,
            household_address=ident.household_address,
            residence_address=ident.residence_address,
            drug_types=list(self.drugs),
            first_found_on=date.fromordinal(self._first_found()),
            risk_colour=colour,
            notes=notes,
            work_group=self.work_group,
        )
        return DemoPerson(
            worker_login=self.worker.login,
            person=person,
            measures=self.measures,
            status_changes=[change for _, _, change in self._status],
            agreements=self.agreements,
            visits=self.visits,
            tests=self.tests,
            assistance=self.assistance,
            leaves=self.leaves,
            violations=self.violations,
        )

    def _first_found(self) -> int:
        """When drug use was first found: shortly before a 社区戒毒 order, years before a 社区康复 one."""
        r = self.o.r
        order = self.first_order
        if self.first_kind is _REHAB:
            found = order - COMPULSORY_YEARS * 365 - 15 - int(r() * 3000)
        elif r() < 0.7:
            found = order - 3 - int(r() * 57)
        else:
            found = order - 365 - int(r() * 3000)
        # Never before the age of 16 (the order itself comes after 18).
        return max(found, _add_years(self.birth, 16))
