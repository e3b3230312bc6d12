"""The people list: which persons match a search and filters, in which order; and registering one.

Names, sex, birth dates and ID numbers are sealed, so SQL can neither filter nor sort by them. The
plain columns (status, risk colour, assigned worker, the latest measure's kind) are filtered and
sorted in SQL; names are searched and sorted through the in-memory search index, which the unlocked
app fills once. Nothing here decrypts a row per keystroke: the list holds ids, and the rows a view
shows are fetched a page at a time (``persons.summaries``).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple
from uuid import UUID

from sqlalchemy import ColumnElement, String, case, select, type_coerce

from app.search import Entry, SearchIndex
from app.services import measures, persons
from app.services.inputs import MeasureInput, PersonInput
from app.store.planner import unindexed
from app.store.store import Changes, Store
from models import Measure, Person, User
from models.enums import MeasureKind, PersonStatus, RiskColour
from models.values import ValueRuleError, normalise_phone, parse_id_number

# Orders a list can be sorted in. "relevance": the search's best matches first (record number when
# there is no search). "age" is the birth date the other way round.
SQL_SORTS = ("record_no", "status", "risk_colour", "measure")
INDEX_SORTS = ("name", "sex", "age", "birth_date", "id_number")
SORTS = ("relevance", *SQL_SORTS, *INDEX_SORTS, "worker")

# A list of ids as long as persons.IN_LIST_LIMIT or shorter is filtered with IN; a longer one is
# intersected in Python (SQLite limits bound parameters, and a long IN list is no faster than reading
# the plain ids).
IN_LIST_LIMIT = persons.IN_LIST_LIMIT


class WorkerChoice(NamedTuple):
    id: UUID
    login: str
    display_name: str

    @property
    def shown(self) -> str:
        return self.display_name or self.login


@dataclass(frozen=True)
class PeopleQuery:
    """What a people list asks for; ``only`` narrows it to ids a caller computed (e.g. overdue)."""

    search: str = ""
    measure: MeasureKind | None = None
    status: PersonStatus | None = None
    risk: RiskColour | None = None
    worker_id: UUID | None = None
    only: frozenset[UUID] | None = None
    overdue_only: bool = False  # people with at least one overdue task, by the rules
    sort: str = "relevance"
    descending: bool = False

    def run(self, store: Store) -> list[UUID]:
        only = self.only
        if self.overdue_only:
            overdue = frozenset(overdue_people(store))
            only = overdue if only is None else only & overdue
        return query_ids(
            store,
            search=self.search,
            measure=self.measure,
            status=self.status,
            risk=self.risk,
            worker_id=self.worker_id,
            only=only,
            sort=self.sort,
            descending=self.descending,
        )


def overdue_people(store: Store) -> set[UUID]:
    """People with at least one overdue task today (the rules' view, cached between writes)."""
    from app.services import caseload

    return {pid for pid, review in caseload.caseload(store).items() if any(t.overdue for t in review.tasks)}


@dataclass(frozen=True)
class FirstMeasure:
    """The measure a person is registered under, when the police decision is already at hand."""

    kind: MeasureKind
    ordered_on: date
    ordered_by: str = ""
    document_no: str = ""
    reported_on: date | None = None


# ---- querying ------------------------------------------------------------------------------------------
def query_ids(
    store: Store,
    *,
    search: str = "",
    measure: MeasureKind | None = None,
    status: PersonStatus | None = None,
    risk: RiskColour | None = None,
    worker_id: UUID | None = None,
    only: Collection[UUID] | None = None,
    sort: str = "record_no",
    descending: bool = False,
) -> list[UUID]:
    """The ids of the office's persons that match, in the asked order (ties by record number)."""
    if sort not in SORTS:
        raise ValueError(f"unknown sort {sort!r}")
    ranked = search_ids(store, search) if search.strip() else None
    allowed: set[UUID] | None = None
    if ranked is not None:
        allowed = set(ranked)
    if only is not None:
        allowed = set(only) if allowed is None else allowed & set(only)
    if allowed is not None and not allowed:
        return []

    latest = _latest_measure_kind()
    # The id as its stored hex text: a UUID object per row cost more than the whole query at 10,000
    # persons on every keystroke; the UUIDs come from a per-store table once (_uuid_table).
    hex_id = type_coerce(Person.id, String).label("id")
    # The persons allowed are looked up by their key when they are few, or when a search's rank orders
    # them afterwards anyway (then a list at a time); otherwise the office's ids are read in order.
    by_key = allowed is not None and (
        len(allowed) <= IN_LIST_LIMIT or (sort == "relevance" and ranked is not None)
    )
    office = Person.office_code == store.office_code
    query = select(hex_id).where(unindexed(Person.office_code) == store.office_code if by_key else office)
    if status is not None:
        query = query.where(Person.status == status)
    if risk is not None:
        query = query.where(Person.risk_colour == risk)
    if worker_id is not None:
        query = query.where(Person.assigned_worker_id == worker_id)
    if measure is not None:
        query = query.where(latest == measure)
    if sort in SQL_SORTS:
        key = _sql_key(sort, latest)
        query = query.order_by(key.desc() if descending else key, Person.record_no)
    else:
        query = query.order_by(Person.record_no)

    uuid_of = _uuid_table(store)
    listed = list(allowed) if by_key else []

    def rows(session: Any, query: Any) -> list[Any]:
        if not by_key:
            return list(session.execute(query))
        if len(listed) <= IN_LIST_LIMIT:
            return list(session.execute(query.where(Person.id.in_(listed))))
        # Each list's rows come in record-number order, and so must all of them together: that order
        # breaks the ties of a search's rank.
        found = [
            row
            for i in range(0, len(listed), IN_LIST_LIMIT)
            for row in session.execute(
                query.add_columns(Person.record_no).where(Person.id.in_(listed[i : i + IN_LIST_LIMIT]))
            )
        ]
        found.sort(key=lambda row: row[-1])
        return [row[:-1] for row in found]

    with store.read() as session:
        if sort == "worker":
            found = rows(session, query.add_columns(Person.assigned_worker_id))
            ids = [uuid_of(pid) for pid, _ in found]
            worker_of = {uuid_of(pid): worker for pid, worker in found}
        else:
            ids = [uuid_of(pid) for (pid,) in rows(session, query)]
        names = _worker_names(store, session) if sort == "worker" else {}
    if allowed is not None and not by_key:
        ids = [pid for pid in ids if pid in allowed]

    if sort == "relevance" and ranked is not None:
        rank = {pid: n for n, pid in enumerate(ranked)}
        ids.sort(key=rank.__getitem__, reverse=descending)
    elif sort == "relevance" and descending:
        ids.reverse()
    elif sort in INDEX_SORTS:
        ids = _sort_by_index(store.index, ids, sort, descending)
    elif sort == "worker":
        ids = _sort_last_missing(
            ids, lambda pid: names.get(worker_of[pid]) if worker_of[pid] else None, descending
        )
    return ids


_UUIDS: weakref.WeakKeyDictionary[Store, dict[str, UUID]] = weakref.WeakKeyDictionary()


def _uuid_table(store: Store) -> Callable[[str], UUID]:
    """hex text → the same UUID object every time, for this store's life (ids never change)."""
    table = _UUIDS.setdefault(store, {})

    def uuid_of(hex_id: str) -> UUID:
        found = table.get(hex_id)
        if found is None:
            found = table[hex_id] = UUID(hex_id)
        return found

    return uuid_of


def search_ids(store: Store, text: str) -> list[UUID]:
    """Ids whose name, alias, pinyin, initials or ID number match, best first.

    A complete ID number or phone number is also looked up by its blind index, so a person is found
    by it even before the in-memory index knows them (a record that just arrived by sync).
    """
    ids = store.index.search(text)
    compact = "".join(text.split()).upper()
    exact: list[UUID] = []
    blinds: list[tuple[Any, bytes]] = []
    if len(compact) in (15, 18):
        try:
            number = parse_id_number(compact, today=store.today()).number
            blinds.append((Person.id_blind, store.sealer.blind_index("id", number)))
        except ValueRuleError:
            pass
    if len(compact) >= 11 and not compact.isalpha():
        try:
            phone = normalise_phone(compact)
            blinds.append((Person.phone_blind, store.sealer.blind_index("phone", phone)))
        except ValueRuleError:
            pass
    if blinds:
        with store.read() as session:
            for column, blind in blinds:
                office = unindexed(Person.office_code) == store.office_code
                query = select(Person.id).where(column == blind, office)
                exact += [pid for pid in session.scalars(query) if pid not in exact]
    return exact + [pid for pid in ids if pid not in exact]


def workers(store: Store, *, active_only: bool = False) -> list[WorkerChoice]:
    """The users a person can be assigned to (all who have someone assigned, unless active only)."""
    with store.read() as session:
        query = select(User).where(User.office_code == store.office_code).order_by(User.login)
        assigned = set(
            session.scalars(
                select(Person.assigned_worker_id)
                .where(Person.office_code == store.office_code, Person.assigned_worker_id.is_not(None))
                .distinct()
            )
        )
        return [
            WorkerChoice(u.id, u.login, store.open("app_user", "display_name", u.id, u.display_name) or "")
            for u in session.scalars(query)
            if u.active or (not active_only and u.id in assigned)
        ]


# ---- registering ---------------------------------------------------------------------------------------
def register(store: Store, person: PersonInput, measure: FirstMeasure | None = None) -> Changes:
    """Register a person and, when given, the measure they are under: both in one transaction."""
    with store.write() as tx:
        person_id = persons.add(tx, person)
        if measure is not None:
            tx.session.flush()  # the measure looks the person up; a pending row is not found without it
            measures.add(
                tx,
                MeasureInput(
                    person_id=person_id,
                    kind=measure.kind,
                    ordered_on=measure.ordered_on,
                    ordered_by=measure.ordered_by,
                    document_no=measure.document_no,
                    reported_on=measure.reported_on,
                ),
            )
    tx.changes.created.append(person_id)
    return tx.changes


# ---- helpers -------------------------------------------------------------------------------------------
def _latest_measure_kind() -> Any:
    """The kind of the person's newest measure (as persons.summaries shows it), or NULL."""
    return (
        select(Measure.kind)
        .where(Measure.person_id == Person.id)
        .order_by(Measure.ordered_on.desc(), Measure.recorded_at.desc())
        .limit(1)
        .correlate(Person)
        .scalar_subquery()
    )


def _enum_order(column: Any, members: Sequence[Any]) -> ColumnElement[int]:
    """Declaration order (the order the labels are read in: red before yellow), NULL last."""
    return case(*[(column == m, n) for n, m in enumerate(members)], else_=len(members))


def _sql_key(sort: str, latest: Any) -> ColumnElement[Any]:
    if sort == "status":
        return _enum_order(Person.status, list(PersonStatus))
    if sort == "risk_colour":
        return _enum_order(Person.risk_colour, list(RiskColour))
    if sort == "measure":
        return _enum_order(latest, list(MeasureKind))
    return Person.record_no


def _worker_names(store: Store, session: Any) -> dict[UUID, str]:
    users = session.execute(select(User.id, User.login, User.display_name)).all()
    return {uid: store.open("app_user", "display_name", uid, sealed) or login for uid, login, sealed in users}


def _index_entry(index: SearchIndex, person_id: UUID) -> Entry | None:
    return index.get(person_id)


def _index_key(entry: Entry, sort: str) -> Any:
    number = entry.id_number
    if sort == "name":
        return (entry.spellings[0] if entry.spellings else "", entry.names[0] if entry.names else "")
    if sort == "sex":  # the 17th digit: odd for men
        return 0 if len(number) == 18 and number[16] in "13579" else 1
    if sort in ("age", "birth_date"):
        return number[6:14]
    return number


def _sort_by_index(index: SearchIndex, ids: list[UUID], sort: str, descending: bool) -> list[UUID]:
    if sort == "age":  # the youngest first: the latest birth date first
        descending = not descending

    def key(pid: UUID) -> Any:
        entry = _index_entry(index, pid)
        return None if entry is None else _index_key(entry, sort)

    return _sort_last_missing(ids, key, descending)


def _sort_last_missing(ids: list[UUID], key: Callable[[UUID], Any], descending: bool) -> list[UUID]:
    """Sort by ``key`` (stable, so ties keep their record-number order); unknown keys go last."""
    keyed = [(key(pid), pid) for pid in ids]
    known = [(k, pid) for k, pid in keyed if k is not None]
    missing = [pid for k, pid in keyed if k is None]
    known.sort(key=lambda item: item[0], reverse=descending)
    return [pid for _, pid in known] + missing


__all__ = [
    "SORTS",
    "FirstMeasure",
    "PeopleQuery",
    "WorkerChoice",
    "query_ids",
    "register",
    "search_ids",
    "workers",
]
