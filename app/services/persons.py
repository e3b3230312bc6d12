"""Registering people, changing their profile, finding them, and opening their file.

The profile is the one record that changes in place: each change says which fields changed (the outbox
carries the field names, so sync can merge field by field) and is audited without its values.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, NamedTuple
from uuid import UUID

from sqlalchemy import func, select

from app.clock import parse_hlc
from app.errors import NotFound, Refused
from app.search import Entry, make_entry
from app.services import codec
from app.services.inputs import PersonInput, WorkGroupMemberInput
from app.services.people_access import PERSON_NOT_FOUND, require_file_reader, require_person
from app.store.planner import unindexed
from app.store.store import Changes, Store, Tx
from models import Measure, OutboxChange, Person, StatusEvent, User, WorkGroupMember
from models.enums import Gender, MeasureKind, PersonStatus, RiskColour, WorkGroupRole
from models.ids import new_id
from models.labels import field_label
from models.text import Text
from models.values import (
    ValueRuleError,
    check_id_matches,
    check_not_future,
    normalise_phone,
    parse_id_number,
    require,
)

ALREADY_REGISTERED = Text(
    "身份证号码为该号码的人员已经登记（档案号 {record_no}），未重复登记。",
    "A person with this ID number is already registered (record {record_no}); nothing was added.",
)
UNKNOWN_WORKER = Text("指定的责任专干不存在或已停用。", "The assigned worker does not exist or is inactive.")
NOT_EDITABLE = Text("字段“{field}”不能在此修改。", "The field “{field}” cannot be changed here.")

# Profile fields that are sealed in a column of their own, and how each is written as text.
SEALED_TEXT = ("name", "id_number", "phone", "household_address", "residence_address", "notes")
SEALED_JSON = ("aliases", "drug_types", "gender", "birth_date")
PLAIN = ("first_found_on", "risk_colour", "assigned_worker_id")
EDITABLE = frozenset(SEALED_TEXT + SEALED_JSON + PLAIN)


# Ids up to this many are looked up with IN; more are read with the whole office and picked in Python.
IN_LIST_LIMIT = 500


@dataclass(frozen=True)
class PersonSummary:
    """A row of the people list: enough to recognise someone, nothing more."""

    id: UUID
    record_no: str
    name: str
    gender: Gender
    birth_date: date
    id_number: str
    status: PersonStatus
    risk_colour: RiskColour
    assigned_worker: str | None
    measure: MeasureKind | None


@dataclass(frozen=True)
class MeasureView:
    id: UUID
    kind: MeasureKind
    ordered_on: date
    reported_on: date | None
    ends_on: date | None
    ordered_by: str
    document_no: str


@dataclass(frozen=True)
class StatusEventView:
    id: UUID
    from_status: PersonStatus | None
    to_status: PersonStatus
    on: date
    reason: str
    recorded_by: str | None
    recorded_at: datetime


@dataclass(frozen=True)
class PersonFile:
    """A person's file: the profile, the measures, the status history and the work group."""

    id: UUID
    record_no: str
    office_code: str
    profile: PersonInput
    status: PersonStatus
    assigned_worker: str | None
    measures: tuple[MeasureView, ...]
    status_history: tuple[StatusEventView, ...]


# ---- writing ------------------------------------------------------------------------------------------
def register(store: Store, data: PersonInput) -> Changes:
    with store.write() as tx:
        person_id = add(tx, data)
    tx.changes.created.append(person_id)
    return tx.changes


def add(tx: Tx, data: PersonInput) -> UUID:
    store = tx.store
    clean = validate(data, store.today())
    blind = store.sealer.blind_index("id", clean.id_number)
    existing = tx.session.scalars(
        select(Person).where(Person.id_blind == blind, unindexed(Person.office_code) == store.office_code)
    ).first()
    if existing is not None:
        raise Refused(ALREADY_REGISTERED(record_no=existing.record_no))
    worker_id = clean.assigned_worker_id or (store.actor.user_id if store.actor else None)
    if worker_id is not None:
        _check_worker(tx, worker_id)
    person_id = new_id()
    hlc = tx.hlc()
    person = Person(
        id=person_id,
        office_code=store.office_code,
        record_no=_next_record_no(tx),
        status=PersonStatus.NOT_REPORTED,
        created_at=tx.now,
        updated_at=tx.now,
        hlc=hlc,
        **_sealed_values(tx, person_id, clean, EDITABLE - {"assigned_worker_id"}),
        assigned_worker_id=worker_id,
    )
    tx.session.add(person)
    tx.session.flush()  # in the identity map now, so the facts added next find it without a flush
    tx.outbox("person", person_id, "insert", [c.name for c in Person.__table__.columns], hlc)
    for member in clean.work_group:
        add_work_group_member(tx, person_id, member)
    tx.audit("person.register", entity="person", entity_id=person_id, person_id=person_id)
    entry = make_entry(person_id, clean.name, clean.aliases, clean.id_number)
    tx.after_commit(lambda: store.index.put(entry))
    return person_id


def update_profile(store: Store, person_id: UUID, **changes: Any) -> Changes:
    """Change some profile fields; the others keep their values."""
    unknown = set(changes) - EDITABLE
    if unknown:
        raise Refused(NOT_EDITABLE(field=sorted(unknown)[0]))
    with store.write() as tx:
        person = require_person(tx.session, store, person_id)
        current = _profile(store, person)
        merged = validate(dataclasses.replace(current, **changes), store.today())
        if "id_number" in changes:
            blind = store.sealer.blind_index("id", merged.id_number)
            clash = tx.session.scalars(
                select(Person).where(
                    Person.id_blind == blind,
                    unindexed(Person.office_code) == store.office_code,
                    Person.id != person_id,
                )
            ).first()
            if clash is not None:
                raise Refused(ALREADY_REGISTERED(record_no=clash.record_no))
        if "assigned_worker_id" in changes and merged.assigned_worker_id is not None:
            _check_worker(tx, merged.assigned_worker_id)
        changed = [f for f in changes if getattr(merged, f) != getattr(current, f)]
        if not changed:
            return tx.changes
        for column, value in _sealed_values(tx, person_id, merged, set(changed)).items():
            setattr(person, column, value)
        person.updated_at = tx.now
        person.hlc = tx.hlc()
        columns = sorted({c for f in changed for c in _columns_of(f)})
        base = advance_field_clocks(tx.session, person, [*changed, "updated_at"], person.hlc)
        tx.outbox(
            "person", person_id, "update", [*columns, "updated_at"], person.hlc, {f: base[f] for f in changed}
        )
        tx.audit(
            "person.update",
            entity="person",
            entity_id=person_id,
            person_id=person_id,
            details={"fields": columns},
        )
        entry = make_entry(person_id, merged.name, merged.aliases, merged.id_number)
        tx.after_commit(lambda: store.index.put(entry))
    return tx.changes


def add_work_group_member(tx: Tx, person_id: UUID, member: WorkGroupMemberInput) -> UUID:
    member_id = new_id()
    hlc = tx.hlc()
    tx.session.add(
        WorkGroupMember(
            id=member_id,
            person_id=person_id,
            role=member.role,
            name=tx.seal("work_group_member", "name", member_id, member.name.strip()),
            phone=tx.seal("work_group_member", "phone", member_id, member.phone.strip()),
            hlc=hlc,
        )
    )
    tx.outbox(
        "work_group_member", member_id, "insert", ["id", "person_id", "role", "name", "phone", "removed"], hlc
    )
    return member_id


def validate(data: PersonInput, today: date) -> PersonInput:
    """The input with canonical values (18-digit ID, derived sex and birth date, clean phone)."""
    try:
        name = require(data.name, "name", field_label("name"))
        idn = parse_id_number(data.id_number, today=today)
        check_id_matches(idn, birth_date=data.birth_date, gender=data.gender)
        phone = normalise_phone(data.phone) if data.phone.strip() else ""
        if data.first_found_on is not None:
            check_not_future(
                data.first_found_on, today=today, field="first_found_on", label=field_label("first_found_on")
            )
    except ValueRuleError as exc:
        raise Refused(exc.message, exc.field) from None
    return dataclasses.replace(
        data,
        name=name,
        id_number=idn.number,
        gender=idn.gender,
        birth_date=idn.birth_date,
        phone=phone,
        aliases=[a.strip() for a in data.aliases if a.strip()],
        household_address=data.household_address.strip(),
        residence_address=data.residence_address.strip(),
    )


def _sealed_values(tx: Tx, person_id: UUID, data: PersonInput, fields: set[str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in fields:
        value = getattr(data, name)
        if name in SEALED_TEXT:
            values[name] = tx.seal("person", name, person_id, value)
        elif name in SEALED_JSON:
            values[name] = tx.seal_json("person", name, person_id, codec.to_json(value))
        else:
            values[name] = value
        if name == "id_number":
            values["id_blind"] = tx.store.sealer.blind_index("id", value)
        if name == "phone":
            values["phone_blind"] = tx.store.sealer.blind_index("phone", value) if value else None
    return values


def _columns_of(field: str) -> tuple[str, ...]:
    return {"id_number": ("id_number", "id_blind"), "phone": ("phone", "phone_blind")}.get(field, (field,))


def _check_worker(tx: Tx, worker_id: UUID) -> None:
    user = tx.session.get(User, worker_id)
    if user is None or not user.active or user.office_code != tx.store.office_code:
        raise Refused(UNKNOWN_WORKER())


def _next_record_no(tx: Tx) -> str:
    """Office code, year and a running number: the number workers write on paper forms."""
    year = tx.store.today().year
    prefix = f"{tx.store.office_code}-{year}-"
    count = tx.session.scalar(
        select(func.count()).select_from(Person).where(Person.record_no.like(prefix + "%"))
    )
    number = (count or 0) + 1
    # People registered on another computer of the office arrive by sync with numbers of their own, so
    # the count can land on a number already taken: take the next free one.
    while tx.session.scalar(select(Person.id).where(Person.record_no == f"{prefix}{number:05d}")):
        number += 1
    return f"{prefix}{number:05d}"


# ---- sync clocks ----------------------------------------------------------------------------------------
def field_clocks(session: Any, person: Person) -> dict[str, str]:
    """The clock of each profile field's last change: recorded ones (``field_hlc``), else the newest local
    outbox change naming the field (a change written by another service, or the registration)."""
    clocks: dict[str, str] = {}
    rows = session.execute(
        select(OutboxChange.fields, OutboxChange.hlc).where(
            OutboxChange.entity == "person", OutboxChange.entity_id == person.id
        )
    )
    for names, hlc in rows:
        for name in json.loads(names):
            clocks[name] = _later(clocks.get(name, ""), hlc)
    for name, hlc in json.loads(person.field_hlc or "{}").items():
        clocks[name] = _later(clocks.get(name, ""), hlc)
    return clocks


def _later(a: str, b: str) -> str:
    """The later of two clocks, compared as (ms, counter, device) so a counter past 9999 sorts right."""
    if not a:
        return b
    if not b:
        return a
    return a if parse_hlc(a) >= parse_hlc(b) else b


def advance_field_clocks(session: Any, person: Person, fields: list[str], hlc: str) -> dict[str, str]:
    """Record ``hlc`` as the clock of ``fields``; returns every field's clock as it was before."""
    before = field_clocks(session, person)
    recorded = json.loads(person.field_hlc or "{}")
    recorded.update(dict.fromkeys(fields, hlc))
    person.field_hlc = json.dumps(recorded, sort_keys=True, separators=(",", ":"))
    return {f: before.get(f, "") for f in fields}


# ---- reading ------------------------------------------------------------------------------------------
def _profile(store: Store, person: Person) -> PersonInput:
    values: dict[str, Any] = {}
    for name in SEALED_TEXT:
        values[name] = store.open("person", name, person.id, getattr(person, name)) or ""
    for name in SEALED_JSON:
        values[name] = store.open_json("person", name, person.id, getattr(person, name))
    for name in PLAIN:
        values[name] = codec.to_json(getattr(person, name))
    values["aliases"] = values["aliases"] or []
    values["drug_types"] = values["drug_types"] or []
    return codec.build(PersonInput, values)


def index_entries(store: Store) -> Iterator[Entry]:
    """Every person's search entry: each name, alias and ID number opened, into memory only."""
    with store.read() as session:
        rows = session.execute(
            select(Person.id, Person.name, Person.aliases, Person.id_number).where(
                Person.office_code == store.office_code
            )
        ).all()
    open_name, open_aliases, open_id_number = (
        store.opener("person", column) for column in ("name", "aliases", "id_number")
    )
    for pid, name, aliases, id_number in rows:
        row = str(pid)
        yield make_entry(
            pid,
            open_name(row, name),
            (json.loads(open_aliases(row, aliases)) if aliases is not None else None) or [],
            open_id_number(row, id_number),
        )


def summaries(store: Store, ids: list[UUID] | None = None) -> list[PersonSummary]:
    """People as list rows, in the order of ``ids`` (all of the office, by record number, when None)."""
    require_file_reader(store)
    # Plain columns rather than ORM objects, and one opener a column rather than one a value: a page
    # of the people list is read on every search keystroke.
    columns = (
        Person.id,
        Person.record_no,
        Person.name,
        Person.gender,
        Person.birth_date,
        Person.id_number,
        Person.status,
        Person.risk_colour,
        Person.assigned_worker_id,
    )
    with store.read() as session:
        workers = dict(session.execute(select(User.id, User.login)).all())
        people = {row.id: row for row in session.execute(_office_persons(store, columns, ids))}
        latest_measure = _latest_measures(session, list(people))
    order = ids if ids is not None else sorted(people, key=lambda i: people[i].record_no)
    name, gender, birth_date, id_number = (
        store.opener("person", column) for column in ("name", "gender", "birth_date", "id_number")
    )
    rows = []
    for pid in order:
        person = people.get(pid)
        if person is None:
            continue
        row = str(pid)
        rows.append(
            PersonSummary(
                id=pid,
                record_no=person.record_no,
                name=name(row, person.name),
                gender=Gender(json.loads(gender(row, person.gender))),
                birth_date=date.fromisoformat(json.loads(birth_date(row, person.birth_date))),
                id_number=id_number(row, person.id_number),
                status=person.status,
                risk_colour=person.risk_colour,
                assigned_worker=workers.get(person.assigned_worker_id) if person.assigned_worker_id else None,
                measure=latest_measure.get(pid),
            )
        )
    return rows


class Named(NamedTuple):
    record_no: str
    name: str


def names(store: Store, ids: Collection[UUID]) -> dict[UUID, Named]:
    """The record number and name of each of ``ids`` in this office: what a line of Today, the review
    queue or the conflict queue shows of a person (one value opened each, not a list row's four)."""
    require_file_reader(store)
    wanted = list(ids)
    if not wanted:
        return {}
    query = _office_persons(store, (Person.id, Person.record_no, Person.name), wanted)
    with store.read() as session:
        rows = {pid: (record_no, name) for pid, record_no, name in session.execute(query)}
    open_name = store.opener("person", "name")
    return {
        pid: Named(rows[pid][0], open_name(str(pid), rows[pid][1]))
        for pid in dict.fromkeys(wanted)
        if pid in rows
    }


def _office_persons(store: Store, columns: tuple[Any, ...], ids: list[UUID] | None) -> Any:
    """These columns of the office's persons, or of those among ``ids``. A short list is looked up by
    key; a long one (a whole office's Today) is read with the office, cheaper than binding thousands."""
    if ids is None or len(ids) > IN_LIST_LIMIT:
        return select(*columns).where(Person.office_code == store.office_code)
    return select(*columns).where(unindexed(Person.office_code) == store.office_code, Person.id.in_(ids))


def _latest_measures(session: Any, person_ids: list[UUID]) -> dict[UUID, MeasureKind]:
    result: dict[UUID, MeasureKind] = {}
    if not person_ids:
        return result
    query = select(Measure.person_id, Measure.kind).order_by(Measure.ordered_on, Measure.recorded_at)
    if len(person_ids) <= IN_LIST_LIMIT:  # a short list is cheaper filtered; the office cheaper read whole
        query = query.where(Measure.person_id.in_(person_ids))
    for pid, kind in session.execute(query):
        result[pid] = kind
    return result


def search(store: Store, text: str, limit: int | None = None) -> list[PersonSummary]:
    """People whose name, alias, pinyin, initials or ID number match ``text``; a full ID number or
    phone number is looked up by its blind index, so it is found even if the in-memory index is not."""
    ids = store.index.search(text, limit)
    compact = "".join(text.split())
    if len(compact) in (11, 15, 18):
        with store.read() as session:
            for kind in ("id", "phone"):
                column = Person.id_blind if kind == "id" else Person.phone_blind
                for pid in session.scalars(
                    select(Person.id).where(column == store.sealer.blind_index(kind, compact))
                ):
                    if pid not in ids:
                        ids.insert(0, pid)
    return summaries(store, ids)


def open_file(store: Store, person_id: UUID) -> PersonFile:
    """A person's whole file. Opening it is audited: who looked at whom, and when."""
    require_file_reader(store)
    with store.write() as tx:
        require_person(tx.session, store, person_id)
        tx.audit("person.open", entity="person", entity_id=person_id, person_id=person_id)
        tx.changes.persons.discard(person_id)  # reading a file changes nothing a view shows
    return read_file(store, person_id)


def read_file(store: Store, person_id: UUID) -> PersonFile:
    """A person's whole file, unaudited: for work that is audited as a whole (exports, reports)."""
    require_file_reader(store)
    with store.read() as session:
        person = require_person(session, store, person_id)
        workers = dict(session.execute(select(User.id, User.login)).all())
        measures = session.scalars(
            select(Measure).where(Measure.person_id == person_id).order_by(Measure.ordered_on)
        ).all()
        events = session.scalars(
            select(StatusEvent)
            .where(StatusEvent.person_id == person_id)
            .order_by(StatusEvent.on, StatusEvent.hlc)
        ).all()
        members = session.scalars(
            select(WorkGroupMember).where(
                WorkGroupMember.person_id == person_id, WorkGroupMember.removed.is_(False)
            )
        ).all()
        profile = dataclasses.replace(
            _profile(store, person),
            work_group=[
                WorkGroupMemberInput(
                    role=WorkGroupRole(m.role),
                    name=store.open("work_group_member", "name", m.id, m.name) or "",
                    phone=store.open("work_group_member", "phone", m.id, m.phone) or "",
                )
                for m in members
            ],
        )
        return PersonFile(
            id=person.id,
            record_no=person.record_no,
            office_code=person.office_code,
            profile=profile,
            status=person.status,
            assigned_worker=workers.get(person.assigned_worker_id) if person.assigned_worker_id else None,
            measures=tuple(
                MeasureView(
                    id=m.id,
                    kind=m.kind,
                    ordered_on=m.ordered_on,
                    reported_on=m.reported_on,
                    ends_on=m.ends_on,
                    ordered_by=store.open("measure", "ordered_by", m.id, m.ordered_by) or "",
                    document_no=store.open("measure", "document_no", m.id, m.document_no) or "",
                )
                for m in measures
            ),
            status_history=tuple(
                StatusEventView(
                    id=e.id,
                    from_status=e.from_status,
                    to_status=e.to_status,
                    on=e.on,
                    reason=store.open("status_event", "reason", e.id, e.reason) or "",
                    recorded_by=workers.get(e.recorded_by) if e.recorded_by else None,
                    recorded_at=e.recorded_at,
                )
                for e in events
            ),
        )


def resolve(store: Store, text: str) -> UUID:
    """A person from what a worker has at hand: the record number, the ID number or the internal id."""
    text = text.strip()
    with store.read() as session:
        try:
            candidate = session.get(Person, UUID(text))
        except ValueError:
            candidate = session.scalars(select(Person).where(Person.record_no == text)).first()
        if candidate is None and len(text) in (15, 18):
            try:
                number = parse_id_number(text, today=store.today()).number
            except ValueRuleError:
                number = text
            candidate = session.scalars(
                select(Person).where(Person.id_blind == store.sealer.blind_index("id", number))
            ).first()
        if candidate is None or candidate.office_code != store.office_code:
            raise NotFound(PERSON_NOT_FOUND())
        return candidate.id


def current_status(tx: Tx, person_id: UUID) -> PersonStatus:
    return require_person(tx.session, tx.store, person_id).status
