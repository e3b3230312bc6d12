"""What is due: every open task and warning of a caseload, with whom it concerns, soonest first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from app.rules.tasks import Severity, TaskKind
from app.services import caseload, persons
from app.store.store import Store
from models.enums import RiskColour


@dataclass(frozen=True)
class DueItem:
    person_id: UUID
    record_no: str
    name: str
    colour: RiskColour
    kind: TaskKind | None  # None: a warning, not a task
    severity: Severity | None
    rule: str
    rule_name: str
    opens: date
    due: date | None
    overdue: bool
    message: str


def due_items(store: Store, today: date | None = None, worker_id: UUID | None = None) -> list[DueItem]:
    """Overdue tasks first, then by due date; warnings after the tasks of the same day."""
    day = today or store.today()
    reviews = caseload.caseload(store, day, worker_id)
    concerned = [pid for pid, r in reviews.items() if r.tasks or r.warnings]
    people = {p.id: p for p in persons.summaries(store, concerned)}
    items: list[DueItem] = []
    for pid in concerned:
        person, review = people.get(pid), reviews[pid]
        if person is None:
            continue
        for task in review.tasks:
            items.append(
                DueItem(
                    pid,
                    person.record_no,
                    person.name,
                    review.risk.colour,
                    task.kind,
                    None,
                    task.rule,
                    task.rule_name.render(),
                    task.opens,
                    task.due,
                    task.overdue,
                    task.message.render(),
                )
            )
        for warning in review.warnings:
            items.append(
                DueItem(
                    pid,
                    person.record_no,
                    person.name,
                    review.risk.colour,
                    None,
                    warning.severity,
                    warning.rule,
                    warning.rule_name.render(),
                    warning.on,
                    None,
                    False,
                    warning.message.render(),
                )
            )
    items.sort(key=lambda i: (not i.overdue, i.due or i.opens, i.kind is None, i.record_no))
    return items
