"""The caseload at a glance: people by status, measure and colour, and this month's tests and visits."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from app.services import caseload
from app.store.store import Store
from models import Person, Visit
from models.enums import UNDER_MEASURE, PersonStatus, RiskColour, TestResult, VersionKind


@dataclass(frozen=True)
class Overview:
    month: str
    by_status: dict[PersonStatus, int]
    by_colour: dict[RiskColour, int]
    tests_this_month: int
    positives_this_month: int
    visits_this_month: int
    overdue_tasks: int


def overview(store: Store, today: date | None = None) -> Overview:
    day = today or store.today()
    first = day.replace(day=1)
    with store.read() as session:
        statuses = dict(
            session.execute(
                select(Person.status, func.count())
                .where(Person.office_code == store.office_code)
                .group_by(Person.status)
            ).all()
        )
        visits = session.scalar(
            select(func.count())
            .select_from(Visit)
            .where(
                Visit.occurred_on >= first,
                Visit.occurred_on <= day,
                Visit.version_kind == VersionKind.ORIGINAL,
            )
        )
    reviews = caseload.caseload(store, day)
    facts = caseload.person_facts(store)
    month_tests = [t for f in facts.values() for t in f.tests if first <= t.on <= day]
    colours = Counter(r.risk.colour for pid, r in reviews.items() if facts[pid].status in UNDER_MEASURE)
    return Overview(
        month=first.strftime("%Y-%m"),
        by_status=statuses,
        by_colour=dict(colours),
        tests_this_month=len(month_tests),
        positives_this_month=sum(1 for t in month_tests if t.result is TestResult.POSITIVE),
        visits_this_month=visits or 0,
        overdue_tasks=sum(1 for r in reviews.values() for t in r.tasks if t.overdue),
    )
