"""A USB sync bundle altered in any way, anywhere: refused whole with one clear sentence, nothing applied.

The bundle is AES-256-GCM with the device's key, its header (device and direction) authenticated. Here
hypothesis alters real bundles at random: a flipped bit at any position, a cut at any length, bytes
inserted, the header's device or direction rewritten, garbage appended. The computer importing a
"down" bundle and the server importing an "up" one (``rehabdesk-server import-bundle``) must both
refuse every one of them and change nothing.

tests/sync/server/test_bundles.py and tests/sync/client/test_bundles.py hold the named cases (a flip,
a cut, another device's bundle, a bundle turned around, not a bundle at all).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from app.errors import Refused
from app.services import persons
from app.services.inputs import PersonInput
from app.store.store import Store
from app.store.unlock import open_store
from sync import protocol
from sync.client import bundles
from sync.server import bundles as server_bundles
from sync.server import enrolment, migrate, offices
from sync.server.db import Storage
from sync.server.problems import AdminError
from sync.server.schema import Applied
from tests.conftest import ADMIN, ADMIN_PW, OFFICE, TODAY, WORKER, WORKER_PW, make_id
from tests.figures import Figures
from tests.hostile.test_value_rules import assert_clear
from tests.sync.client.conftest import as_pulled, enrol
from tests.sync.client.test_bundles import down_bundle


def tamper(blob: bytes, how: str, where: int, extra: bytes) -> bytes:
    """``blob`` altered one way; ``where`` is a position in it (taken modulo its length)."""
    at = where % len(blob)
    header_end = blob.index(b"\n", len(protocol.BUNDLE_MAGIC)) + 1
    if how == "flip":
        return blob[:at] + bytes([blob[at] ^ (1 << (where % 8))]) + blob[at + 1 :]
    if how == "cut":
        return blob[:at]
    if how == "insert":
        return blob[:at] + (extra or b"\0") + blob[at:]
    if how == "append":
        return blob + (extra or b"\0")
    meta = json.loads(blob[len(protocol.BUNDLE_MAGIC) : header_end - 1])
    if how == "device":
        meta["device_id"] = "0195f0c2-0000-7000-8000-0000000000ff"
    else:  # "direction": an up bundle presented as down, or the other way round
        meta["direction"] = "up" if meta["direction"] == "down" else "down"
    return protocol.BUNDLE_MAGIC + json.dumps(meta).encode() + b"\n" + blob[header_end:]


alterations = st.tuples(
    st.sampled_from(["flip", "cut", "insert", "append", "device", "direction"]),
    st.integers(min_value=0, max_value=2**20),
    st.binary(max_size=64),
)


@pytest.fixture(scope="module")
def tally(figures: Figures) -> Iterator[dict[str, int]]:
    counts = {"client": 0, "server": 0}
    started = time.monotonic()
    yield counts
    figures.record(
        "tampered sync bundles",
        rounds=counts["client"] + counts["server"],
        faults={"altered down bundles": counts["client"], "altered up bundles": counts["server"]},
        checked=counts["client"] + counts["server"],
        lost=0,
        seconds=time.monotonic() - started,
        notes="each refused whole, nothing applied",
    )


# ---- the computer --------------------------------------------------------------------------------------
@pytest.fixture
def enrolled(store_dir: Path) -> Iterator[Store]:
    admin = open_store(store_dir, ADMIN, ADMIN_PW, today=lambda: TODAY)
    enrol(admin)
    admin.close()
    opened = open_store(store_dir, WORKER, WORKER_PW, today=lambda: TODAY)
    yield opened
    opened.close()


@pytest.fixture
def good_down_bundle(tmp_path: Path) -> bytes:
    """A real down bundle for DEVICE: another computer's person, as the server would send it."""
    from app.crypto.kdf import FAST
    from app.store.unlock import init_store

    remote, _ = init_store(
        tmp_path / "remote",
        office_code=OFFICE,
        office_name="测试街道",
        admin_login="it",
        admin_password="remote-password-1",
        kdf=FAST,
        today=lambda: TODAY,
    )
    try:
        enrol(remote, "0195f0c2-0000-7000-8000-000000000002")
        persons.register(remote, PersonInput(name="张三", id_number=make_id(seq=101)))
        return down_bundle(as_pulled(remote))
    finally:
        remote.close()


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(alteration=alterations)
def test_an_altered_down_bundle_is_refused_and_applies_nothing(
    enrolled: Store, good_down_bundle: bytes, tmp_path: Path, tally: dict[str, int], alteration: Any
) -> None:
    blob = tamper(good_down_bundle, *alteration)
    if blob == good_down_bundle:
        return  # an alteration that changed nothing (an empty cut of nothing): not a tampered bundle
    source = tmp_path / "altered.rdsync"
    source.write_bytes(blob)
    tally["client"] += 1
    with pytest.raises(Refused) as refused:
        bundles.import_bundle(enrolled, source)
    assert_clear(refused.value.message)
    assert persons.summaries(enrolled) == []


def test_the_unaltered_bundle_does_apply(enrolled: Store, good_down_bundle: bytes, tmp_path: Path) -> None:
    """The control: without the alteration the same bundle brings the person in."""
    source = tmp_path / "good.rdsync"
    source.write_bytes(good_down_bundle)
    bundles.import_bundle(enrolled, source)
    assert [p.name for p in persons.summaries(enrolled)] == ["张三"]


# ---- the server --------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def server_storage(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Storage, str, str]]:
    """A trial server (SQLite) with one enrolled device: (storage, device id, its bundle key)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('server') / 'server.db'}"
    storage = Storage(url)
    migrate.upgrade(storage)
    storage.write(lambda s: offices.add(s, OFFICE, "测试街道", "test"))
    code = storage.write(lambda s: enrolment.make_code(s, OFFICE, "worker", "test", None)).code
    made = enrolment.enroll(storage, protocol.EnrollRequest(code, "test PC", "test"), "127.0.0.1")
    yield storage, made.device_id, made.bundle_key
    storage.dispose()


def up_bundle(device_id: str, key: str) -> bytes:
    change = protocol.Change(
        seq=1,
        entity="person",
        id="0195f0c2-0000-7000-8000-00000000aaaa",
        op="insert",
        hlc=f"{int(time.time() * 1000):013d}:0000:{device_id[:16]}",
        office_code=OFFICE,
        person_id="0195f0c2-0000-7000-8000-00000000aaaa",
        fields={"name": "张三", "office_code": OFFICE},
    )
    request = protocol.PushRequest(device_id=device_id, changes=[change])
    return protocol.seal_bundle(protocol.to_json(request), device_id, key, "up")


@settings(max_examples=80, deadline=None)
@given(alteration=alterations)
def test_an_altered_up_bundle_is_refused_by_the_server_and_applies_nothing(
    server_storage: tuple[Storage, str, str], tally: dict[str, int], alteration: Any
) -> None:
    storage, device_id, key = server_storage
    good = up_bundle(device_id, key)
    blob = tamper(good, *alteration)
    if blob == good:
        return
    tally["server"] += 1
    with pytest.raises(AdminError) as refused:
        server_bundles.import_up(storage, blob, "test")
    assert refused.value.zh and refused.value.en
    with storage.read() as session:
        assert session.scalar(select(func.count()).select_from(Applied)) == 0


def test_the_server_takes_the_unaltered_up_bundle(server_storage: tuple[Storage, str, str]) -> None:
    storage, device_id, key = server_storage
    good = server_bundles.import_up(storage, up_bundle(device_id, key), "test")
    assert [r.status for r in good.response.results] == ["applied"]
