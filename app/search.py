"""Search by name, alias, pinyin, initials or ID number, over an index that lives only in memory.

Names are sealed in the database, so a SQL LIKE cannot find them; instead the unlocked app decrypts
each person's names once and keeps them here. Nothing of it is ever written to disk.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from uuid import UUID

# Readings are looked up one character at a time, so pypinyin's phrase dictionary is never consulted; not
# loading it (nor its private copies of both dictionaries) keeps about 50 MB out of every app process.
os.environ.setdefault("PYPINYIN_NO_PHRASES", "1")
os.environ.setdefault("PYPINYIN_NO_DICT_COPY", "1")

from pypinyin import Style, pinyin  # after the settings above: it reads them on import


@lru_cache(maxsize=20_000)
def _readings(char: str) -> tuple[str, ...]:
    """Every pinyin reading of one character (polyphones like 曾/单 match either way)."""
    if not ("\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf"):
        return (char.lower(),)
    found = pinyin(char, style=Style.NORMAL, heteronym=True, errors="ignore")
    readings = tuple(dict.fromkeys(found[0])) if found and found[0] else (char,)
    return readings


SEP = "\x00"  # starts every key in the joined strings, so "in" finds prefixes in one C-level scan


@dataclass(frozen=True)
class Entry:
    person_id: UUID
    names: tuple[str, ...]  # the name and aliases, as written
    spellings: tuple[str, ...]  # full pinyin of each name, every reading combination of the first chars
    initials: tuple[str, ...]
    id_number: str
    # SEP-joined copies of initials and spellings: a prefix test over 10,000 people is then one substring
    # search each instead of a Python loop over every reading.
    initials_key: str = ""
    spellings_key: str = ""


def _spell(name: str) -> tuple[list[str], list[str]]:
    """Full pinyin strings and initials strings for a name, bounded to a handful of combinations."""
    spellings = [""]
    initials = [""]
    for char in name:
        readings = _readings(char)
        spellings = [s + r for s in spellings for r in readings][:8]
        initials = list(dict.fromkeys(i + r[0] for i in initials for r in readings if r))[:8]
    return spellings, initials


def make_entry(person_id: UUID, name: str, aliases: list[str], id_number: str) -> Entry:
    names = tuple(n for n in [name, *aliases] if n)
    spellings: list[str] = []
    initials: list[str] = []
    for n in names:
        s, i = _spell(n)
        spellings += s
        initials += i
    return Entry(
        person_id,
        names,
        tuple(spellings),
        tuple(initials),
        id_number.upper(),
        SEP + SEP.join(initials),
        SEP + SEP.join(spellings),
    )


class SearchIndex:
    """Every person's entry, filled by ``load`` the first time anything asks.

    Opening every name takes a third of a second at 10,000 persons; done on first use rather than at
    unlock, it is off the way to the first page, and a session that never searches (the administrator's,
    who does not read people's files; a command that lists nothing) never opens a name at all.
    """

    def __init__(self, load: Callable[[], Iterable[Entry]] | None = None) -> None:
        self._entries: dict[UUID, Entry] = {}
        self._load = load
        self._lock = threading.Lock()  # the database thread and a sync thread may ask at once

    @property
    def loaded(self) -> bool:
        return self._load is None

    def warm(self) -> None:
        """Fill it now (the app does this after its first page, so the first search does not wait)."""
        self._ready()

    def _ready(self) -> dict[UUID, Entry]:
        if self._load is not None:
            with self._lock:
                if self._load is not None:
                    for entry in self._load():
                        self._entries[entry.person_id] = entry
                    self._load = None
        return self._entries

    def __len__(self) -> int:
        return len(self._ready())

    def put(self, entry: Entry) -> None:
        """Add or replace one person's entry (after the write that changed them committed)."""
        with self._lock:
            if self._load is None:  # not filled yet: the fill will read the committed person anyway
                self._entries[entry.person_id] = entry

    def get(self, person_id: UUID) -> Entry | None:
        return self._ready().get(person_id)

    def entries(self) -> list[Entry]:
        return list(self._ready().values())

    def remove(self, person_id: UUID) -> None:
        with self._lock:
            self._entries.pop(person_id, None)

    def clear(self) -> None:
        """Forget every entry, for good (the store is closing)."""
        with self._lock:
            self._load = None
            self._entries.clear()

    def search(self, query: str, limit: int | None = None) -> list[UUID]:
        """Matching ids, best first: exact name, name prefix, initials, pinyin, ID number digits."""
        entries = self._ready()
        q = "".join(query.split()).lower()
        if not q:
            return list(entries)[:limit]
        ranked: list[tuple[int, UUID]] = []
        latin = q.isascii() and q.isalpha()
        digits = len(q) >= 4 and all(c.isdigit() or c == "x" for c in q)
        for entry in entries.values():
            rank = _rank(entry, q, latin, digits)
            if rank is not None:
                ranked.append((rank, entry.person_id))
        ranked.sort(key=lambda r: r[0])
        ids = [pid for _, pid in ranked]
        return ids[:limit] if limit else ids


def _rank(entry: Entry, q: str, latin: bool, digits: bool) -> int | None:
    if digits:
        return 4 if q.upper() in entry.id_number else None
    if latin:
        prefix = SEP + q
        if prefix in entry.initials_key:
            return 2
        if prefix in entry.spellings_key:
            return 3
        return None
    for name in entry.names:
        if name == q:
            return 0
        if name.startswith(q):
            return 1
        if q in name:
            return 3
    return None
