"""The rules over the store: each person's facts as the rules read them, their tasks and warnings.

Reading a whole caseload means decrypting every test result, so the plain facts are kept in memory
after the first read (like the search index: never written) and only the people a write touched are
read again (app.services.caseload_reader does the reading). The rules themselves are pure functions in
app.rules.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from uuid import UUID

from sqlalchemy import select

from app import collector
from app.errors import UserError
from app.rules import facts as rf
from app.rules.policy import DEFAULT_POLICY_PATH, Policy, PolicyError, load_policy
from app.rules.schedule import ScheduleKind, Window, next_due, shared_slots
from app.rules.tasks import Review, review
from app.services.caseload_reader import read_person_facts
from app.store.store import Changes, Store
from models import Person

OFFICE_POLICY = "policy.toml"


def policy_for(store: Store) -> Policy:
    """The provincial default, with the office's own policy.toml (in the data directory) laid over it.

    Read again only when the office file changes (its modification time), not on every review.
    """
    override = store.data_dir.root / OFFICE_POLICY
    stamp = override.stat().st_mtime_ns if override.exists() else None
    return _policy(override if stamp is not None else None, stamp)


@lru_cache(maxsize=8)
def _policy(override: Path | None, _stamp: int | None) -> Policy:
    try:
        return load_policy(DEFAULT_POLICY_PATH, override=override)
    except PolicyError as exc:
        raise UserError(exc.message) from None


@dataclass
class _Cache:
    facts: dict[UUID, rf.PersonFacts]
    stale: set[UUID]
    complete: bool = False
    # person → (the facts, day and policy it was made from, the review)
    reviews: dict[UUID, tuple[rf.PersonFacts, date, Policy, Review]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


_caches: weakref.WeakKeyDictionary[Store, _Cache] = weakref.WeakKeyDictionary()


def _cache(store: Store) -> _Cache:
    cache = _caches.get(store)
    if cache is None:
        cache = _Cache({}, set())
        _caches[store] = cache

        def forget(changes: Changes) -> None:
            cache.stale |= changes.persons

        store.listeners.append(forget)
    return cache


def person_facts(store: Store, person_ids: Iterable[UUID] | None = None) -> dict[UUID, rf.PersonFacts]:
    """The rules' view of these people (all of the office when None), read once and kept up to date."""
    cache = _cache(store)
    with cache.lock:
        wanted = None if person_ids is None else set(person_ids)
        if wanted is None and not cache.complete:
            # They live as long as the store: frozen, later collections need not rescan them.
            with collector.paused(freeze=True):
                cache.facts = _load(store, None)
            cache.complete, cache.stale = True, set()
        else:
            missing = (wanted or set()) - set(cache.facts)
            reload = (cache.stale & (wanted if wanted is not None else set(cache.facts))) | missing
            if reload:
                cache.facts.update(_load(store, reload))
                cache.stale -= reload
                for gone in reload - set(cache.facts):
                    cache.facts.pop(gone, None)
        if wanted is None:
            return dict(cache.facts)
        return {pid: cache.facts[pid] for pid in wanted if pid in cache.facts}


def person_review(store: Store, person_id: UUID, today: date | None = None) -> Review:
    facts = person_facts(store, [person_id]).get(person_id)
    if facts is None:
        from app.services.people_access import PERSON_NOT_FOUND

        raise UserError(PERSON_NOT_FOUND())
    return review(facts, today or store.today(), policy_for(store))


def next_due_dates(store: Store, person_id: UUID, today: date | None = None) -> dict[str, Window | None]:
    facts = person_facts(store, [person_id])[person_id]
    policy = policy_for(store)
    day = today or store.today()
    return {kind.value: next_due(facts, day, policy, kind) for kind in ScheduleKind}


def caseload(store: Store, today: date | None = None, worker_id: UUID | None = None) -> dict[UUID, Review]:
    """Every person's review, for Today and for `rehabdesk tasks` (a worker's own caseload when given)."""
    day = today or store.today()
    policy = policy_for(store)
    if worker_id is None:
        everyone = person_facts(store)
    else:
        # Only the worker's own people are read: a worker's Today in a county-size store reads a few
        # hundred persons' facts, not the million of the whole office.
        with store.read() as session:
            mine = set(session.scalars(select(Person.id).where(Person.assigned_worker_id == worker_id)))
        everyone = person_facts(store, mine)
    reviews = _cache(store).reviews
    out: dict[UUID, Review] = {}
    made = 0
    with collector.paused(), shared_slots():
        for pid, facts in everyone.items():
            kept = reviews.get(pid)
            # The same facts object, day and policy give the same review: only the people a write
            # touched (their facts were read again) are reviewed again when Today refreshes.
            if kept is not None and kept[0] is facts and kept[1] == day and kept[2] is policy:
                out[pid] = kept[3]
            else:
                out[pid] = review(facts, day, policy)
                reviews[pid] = (facts, day, policy, out[pid])
                made += 1
        # Kept as long as their facts (a whole office after unlock, a new day): frozen like them.
        collector.freeze_if_many(made)
    return out


def _load(store: Store, people: set[UUID] | None) -> dict[UUID, rf.PersonFacts]:
    with store.read() as session:
        return read_person_facts(store, session, people)
