"""The kept rules view: what the next unlock reads instead of a million facts, never stale, never trusted
when it does not open."""

from __future__ import annotations

import importlib
import shutil
import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path
from uuid import UUID

import pytest

from app.crypto.kdf import FAST
from app.demo.load import create_demo_office
from app.demo.office import WORKER_LOGINS, WORKER_PASSWORD
from app.rules import facts as rf
from app.services import caseload_reader, facts, persons
from app.services.caseload_reader import KEPT, SAMPLES, VISIT_KINDS, read_person_facts
from app.services.inputs import RiskAssessmentInput, RiskFlagInput, RiskOverrideInput, VisitInput
from app.store.store import Store
from app.store.unlock import open_store
from models.enums import (
    EscalationKind,
    MeasureKind,
    PersonStatus,
    RiskColour,
    RiskFlagKind,
    SampleType,
    TestResult,
    ViolationKind,
    VisitKind,
)

TODAY = date(2026, 6, 30)
RULES_TABLES = importlib.import_module("app.store.migrations.versions.0006_rules_view").RULES_TABLES


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small demo office, with the risk records the demo leaves out, so every kind of record is there."""
    root = tmp_path_factory.mktemp("rules-view") / "office"
    create_demo_office(root, persons=30, seed=7, today=TODAY, kdf=FAST)
    store = unlocked(root)
    try:
        someone = persons.summaries(store)[0].id
        for record in (
            RiskFlagInput(person_id=someone, noted_on=TODAY, kind=RiskFlagKind.SELF_HARM),
            RiskAssessmentInput(person_id=someone, assessed_on=TODAY, drivers={"drug_type": "heroin"}),
            RiskOverrideInput(person_id=someone, set_on=TODAY, colour=RiskColour.RED, reason="家属反映异常"),
        ):
            facts.record(store, record)
    finally:
        store.close()
    return root


@pytest.fixture
def data_dir(office: Path, tmp_path: Path) -> Path:
    target = tmp_path / "office"
    shutil.copytree(office, target)
    with sqlite3.connect(target / "rehabdesk.db") as db:
        db.execute(f"DELETE FROM {KEPT}")  # as after an upgrade: nothing kept yet
    return target


def unlocked(data_dir: Path) -> Store:
    return open_store(data_dir, WORKER_LOGINS[0], WORKER_PASSWORD, today=lambda: TODAY)


def read(data_dir: Path) -> dict:
    store = unlocked(data_dir)
    try:
        with store.read() as session:
            return read_person_facts(store, session, None)
    finally:
        store.close()


def kept(data_dir: Path) -> set[str]:
    with sqlite3.connect(data_dir / "rehabdesk.db") as db:
        return {pid for (pid,) in db.execute(f"SELECT person_id FROM {KEPT}")}


def test_the_next_unlock_reads_the_kept_views_and_gets_exactly_the_tables_facts(data_dir, monkeypatch):
    from_tables = read(data_dir)
    assert len(kept(data_dir)) == len(from_tables) == 30
    assert sum(len(f.visits) + len(f.tests) for f in from_tables.values()) > 300  # a real caseload

    monkeypatch.setattr(caseload_reader.FactReader, "raw", lambda *_: pytest.fail("tables read"))
    assert read(data_dir) == from_tables


def test_a_new_record_forgets_that_persons_view_and_shows_at_the_next_unlock(data_dir):
    before = read(data_dir)
    someone = sorted(before)[0]
    store = unlocked(data_dir)
    try:
        facts.record(store, VisitInput(person_id=someone, visited_on=TODAY, kind=VisitKind.HOME))
    finally:
        store.close()
    assert kept(data_dir) == {pid.hex for pid in before} - {someone.hex}

    after = read(data_dir)
    assert len(after[someone].visits) == len(before[someone].visits) + 1
    assert {pid: f for pid, f in after.items() if pid != someone} == {
        pid: f for pid, f in before.items() if pid != someone
    }


@pytest.mark.parametrize("table", RULES_TABLES)
@pytest.mark.parametrize("statement", ["UPDATE {t} SET person_id = person_id", "DELETE FROM {t}"])
def test_any_change_to_a_table_the_rules_read_forgets_only_that_persons_view(data_dir, table, statement):
    read(data_dir)
    everyone = kept(data_dir)
    with sqlite3.connect(data_dir / "rehabdesk.db") as db:
        db.execute("PRAGMA foreign_keys = OFF")
        row = db.execute(f"SELECT rowid, person_id FROM {table} ORDER BY rowid LIMIT 1").fetchone()
        if row is None:
            pytest.fail(f"the demo office has no {table} rows to change")
        db.execute(statement.format(t=table) + " WHERE rowid = ?", (row[0],))
    assert kept(data_dir) == everyone - {row[1]}


def test_a_view_that_does_not_open_is_read_again_from_the_tables(data_dir):
    from_tables = read(data_dir)
    with sqlite3.connect(data_dir / "rehabdesk.db") as db:
        pid, sealed = db.execute(f"SELECT person_id, facts FROM {KEPT} LIMIT 1").fetchone()
        spoilt = bytes([sealed[-1] ^ 1])
        db.execute(f"UPDATE {KEPT} SET facts = ? WHERE person_id = ?", (sealed[:-1] + spoilt, pid))

    assert read(data_dir) == from_tables
    with sqlite3.connect(data_dir / "rehabdesk.db") as db:
        (now,) = db.execute(f"SELECT facts FROM {KEPT} WHERE person_id = ?", (pid,)).fetchone()
    assert now != sealed[:-1] + spoilt  # made again


def test_a_view_read_before_another_connection_wrote_is_not_kept(data_dir, monkeypatch):
    original = caseload_reader._read

    def read_then_someone_writes(*args):  # another process records a visit while this one reads
        found = original(*args)
        with sqlite3.connect(data_dir / "rehabdesk.db") as db:
            db.execute("UPDATE visit SET person_id = person_id WHERE rowid = 1")
        return found

    monkeypatch.setattr(caseload_reader, "_read", read_then_someone_writes)
    read(data_dir)
    assert kept(data_dir) == set()  # nothing that might be stale was kept; the next read makes them


def test_every_visit_kind_and_sample_fits_the_compact_code():
    assert len(VISIT_KINDS) <= 1 << caseload_reader._KIND_BITS
    assert len(SAMPLES) <= 1 << caseload_reader._KIND_BITS


def test_one_persons_read_after_a_form_is_not_written_back_but_the_next_whole_read_keeps_them(data_dir):
    before = read(data_dir)
    someone = sorted(before)[0]
    store = unlocked(data_dir)
    try:
        facts.record(store, VisitInput(person_id=someone, visited_on=TODAY, kind=VisitKind.PHONE))
        with store.read() as session:
            (mine,) = read_person_facts(store, session, {someone}).values()
    finally:
        store.close()
    assert len(mine.visits) == len(before[someone].visits) + 1
    assert someone.hex not in kept(data_dir)  # no commit for one person's file
    read(data_dir)
    assert someone.hex in kept(data_dir)


def _plain_person(pid: str, status: str, colour: str | None, raw: list, today: date) -> rf.PersonFacts:
    """A person's plain values read the plain way (keywords, a fresh date and UUID each time): what
    caseload_reader.Decoder.person() must give, however it goes about it."""

    def day(text: str | None) -> date | None:
        return None if text is None else date.fromisoformat(text)

    def uuid(hex_id: str | None) -> UUID | None:
        return None if hex_id is None else UUID(hex_id)

    def learnt(recorded_at: str) -> date:
        return min(datetime.fromisoformat(recorded_at).replace(tzinfo=UTC).astimezone().date(), today)

    R = caseload_reader
    override, assessment = raw[R.OVERRIDE], raw[R.ASSESSMENT]
    return rf.PersonFacts(
        person_id=UUID(pid),
        status=PersonStatus(status),
        risk_colour=None if colour is None else RiskColour(colour),
        risk_override=None
        if override is None
        else rf.RiskOverride(
            override[0], day(override[1]), RiskColour(override[2]), day(override[3]), uuid(override[4])
        ),
        measures=tuple(
            rf.MeasureFacts(m, MeasureKind(k), day(o), day(r), day(e)) for m, k, o, r, e in raw[R.MEASURES]
        ),
        status_events=tuple(
            rf.StatusEvent(e, day(on), PersonStatus(was or now), PersonStatus(now), uuid(by))
            for e, on, was, now, by in raw[R.EVENTS]
        ),
        tests=(
            *(
                rf.TestFact(None, date.fromordinal(code >> 4), SAMPLES[code & 15], TestResult.NEGATIVE)
                for code in raw[R.NEGATIVES]
            ),
            *(
                rf.TestFact(f, day(on), SampleType(s), TestResult(r), learnt(rec))
                for f, on, s, r, rec in raw[R.TESTS]
            ),
        ),
        visits=tuple(
            rf.VisitFact(None, date.fromordinal(code >> 4), VISIT_KINDS[code & 15]) for code in raw[R.VISITS]
        ),
        leaves=tuple(rf.LeaveFact(f, day(on), day(e), day(b)) for f, on, e, b in raw[R.LEAVES]),
        violations=tuple(
            rf.ViolationFact(f, day(on), ViolationKind(k), n, learnt(rec))
            for f, on, k, n, rec in raw[R.VIOLATIONS]
        ),
        agreements=tuple(rf.AgreementFact(f, day(on), m, day(u)) for f, on, m, u in raw[R.AGREEMENTS]),
        police_reports=tuple(
            rf.PoliceReportFact(f, day(on), EscalationKind(k), frozenset(i)) for f, on, k, i in raw[R.REPORTS]
        ),
        risk_flags=tuple(rf.RiskFlag(f, day(on), RiskFlagKind(k), day(u)) for f, on, k, u in raw[R.FLAGS]),
        risk_assessment=None
        if assessment is None
        else rf.RiskAssessment(assessment[0], day(assessment[1]), tuple(tuple(d) for d in assessment[2])),
    )


def test_the_decoder_gives_what_a_plain_reading_of_the_same_rows_gives(data_dir):
    store = unlocked(data_dir)
    try:
        with store.read() as session:
            cursor = session.connection().connection.driver_connection
            people = caseload_reader._person_rows(cursor, store.office_code, None)
            raw = caseload_reader.FactReader(store, session, None).raw()
    finally:
        store.close()
    rows = {pid: raw.get(pid) or caseload_reader._empty() for pid in people}
    # Every slot of a kept view is filled for someone, so every branch of the decoder is exercised.
    assert all(any(r[slot] for r in rows.values()) for slot in range(12))
    decoder = caseload_reader.Decoder(TODAY)
    for pid, (status, colour) in people.items():
        assert decoder.person(pid, status, colour, rows[pid]) == _plain_person(
            pid, status, colour, rows[pid], TODAY
        )
