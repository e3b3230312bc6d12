"""``rehabdesk enroll`` takes the server address and the one-time code from IT's provisioning file when
they are not typed, forgets the code once the server has taken it, and says plainly what is missing.

The server here is a stand-in that records what it was asked (the real server's side of enrolment is
in tests/sync/server/test_enrolment.py; the whole path over HTTP in tests/sync/e2e/test_provisioned_enrol.py).
"""

from __future__ import annotations

import time
from argparse import Namespace
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest
from sqlalchemy import select

from app.crypto.kdf import FAST
from app.errors import Refused, UserError
from app.maintenance.provision import ENROL_CODE_KEY, SERVER_URL_KEY, load_provisioning, provision
from app.store.store import Store
from app.store.unlock import open_store
from models import AuditEntry, Setting
from sync import protocol
from sync.client import commands, state
from sync.client.errors import NetworkDown
from tests.conftest import ADMIN, ADMIN_PW, OFFICE, TODAY

URL = "https://sync.example.cn/rehab"
CODE = "K7QXM-P9RTW"
PASSWORD = "provisioned-admin-1"


class StandIn:
    """The server's two enrolment calls; ``asked`` keeps every (url, code) it was given."""

    asked: ClassVar[list[tuple[str, str]]] = []
    office = OFFICE
    down = False

    def __init__(self, url: str, token: str | None, timeout: float = 30.0) -> None:
        self.url = url

    def meta(self) -> protocol.Meta:
        if StandIn.down:
            raise NetworkDown("connection refused")
        return protocol.Meta(protocol.PROTOCOL_VERSION, int(time.time() * 1000), "server-1")

    def enroll(self, request: protocol.EnrollRequest) -> protocol.EnrollResponse:
        StandIn.asked.append((self.url, request.code))
        return protocol.EnrollResponse(
            device_id="0195f0c2-0000-7000-8000-0000000000aa",
            token="token-aa",
            office_code=StandIn.office,
            scope=StandIn.office,
            role="worker",
            bundle_key="a2V5LWtleS1rZXkta2V5LWtleS1rZXkta2V5LWtleS0=",
        )


@pytest.fixture(autouse=True)
def fresh_stand_in() -> None:
    StandIn.asked = []
    StandIn.office = OFFICE
    StandIn.down = False


@pytest.fixture
def provisioned(tmp_path: Path) -> Iterator[Store]:
    """An office set up by ``rehabdesk provision`` from a file naming the server and a code."""
    source = tmp_path / "office.toml"
    source.write_text(
        f'[office]\ncode = "{OFFICE}"\nname = "胜利街道禁毒办"\n\n[admin]\nlogin = "it"\n\n'
        f'[sync]\nserver_url = "{URL}"\nenrol_code = "{CODE}"\n',
        encoding="utf-8",
    )
    plan = load_provisioning(source, environ={"REHABDESK_PASSWORD": PASSWORD})
    provision(tmp_path / "data", plan, kdf=FAST, today=lambda: TODAY)
    store = open_store(tmp_path / "data", "it", PASSWORD, today=lambda: TODAY)
    yield store
    store.close()


@pytest.fixture
def plain(store_dir: Path) -> Iterator[Store]:
    """An office set up by hand (``rehabdesk init``): nothing provisioned."""
    store = open_store(store_dir, ADMIN, ADMIN_PW, today=lambda: TODAY)
    yield store
    store.close()


def enroll(store: Store, server: str | None = None, code: str | None = None) -> int:
    return commands.enroll(store, Namespace(server=server, code=code, timeout=5.0), transport_factory=StandIn)


def setting(store: Store, key: str) -> str | None:
    with store.read() as session:
        row = session.get(Setting, key)
        return None if row is None else row.value


def test_a_provisioned_computer_enrols_with_no_arguments_and_the_code_is_then_gone(provisioned, capsys):
    assert enroll(provisioned) == 0
    assert StandIn.asked == [(URL, CODE)]
    creds = state.read_credentials(provisioned)
    assert creds is not None and creds.server_url == URL and creds.token == "token-aa"
    assert setting(provisioned, ENROL_CODE_KEY) is None  # single use: not kept once the server took it
    assert setting(provisioned, SERVER_URL_KEY) == URL  # the address stays, for a later --code
    out = capsys.readouterr().out
    assert "本机已登记到" in out and "已使用配置文件中的登记码" in out and CODE not in out
    with provisioned.read() as session:
        entries = session.scalars(select(AuditEntry).where(AuditEntry.action == "sync.enroll")).all()
        details = [provisioned.open_json("audit_entry", "details", str(e.seq), e.details) for e in entries]
    assert [d["provisioned_code"] for d in details] == [True]

    # The code is spent: enrolling again needs a new one, and says so before asking the server anything.
    with pytest.raises(UserError) as again:
        enroll(provisioned)
    assert again.value.render("en").startswith("There is no enrolment code: give the one-time code")
    assert "配置文件中的登记码只能用一次" in again.value.render("zh_CN")
    assert StandIn.asked == [(URL, CODE)]


def test_a_typed_address_or_code_wins_over_the_provisioned_one(provisioned):
    other = "https://sync2.example.cn"
    assert enroll(provisioned, server=other) == 0
    assert StandIn.asked == [(other, CODE)]
    assert state.read_credentials(provisioned).server_url == other  # type: ignore[union-attr]

    assert enroll(provisioned, code="NEWCO-DE234") == 0  # re-enrolled with a code IT read out
    assert StandIn.asked[-1] == (URL, "NEWCO-DE234")


def test_a_typed_code_also_retires_the_provisioned_one(provisioned, capsys):
    assert enroll(provisioned, code="NEWCO-DE234") == 0
    assert StandIn.asked == [(URL, "NEWCO-DE234")]
    assert setting(provisioned, ENROL_CODE_KEY) is None  # this computer is enrolled: that code's job is done
    assert "已使用配置文件中的登记码" not in capsys.readouterr().out


def test_no_server_answering_keeps_the_provisioned_code_for_the_next_try(provisioned):
    StandIn.down = True
    with pytest.raises(NetworkDown):
        enroll(provisioned)
    assert state.read_credentials(provisioned) is None
    assert setting(provisioned, ENROL_CODE_KEY) is not None
    StandIn.down = False
    assert enroll(provisioned) == 0
    assert StandIn.asked == [(URL, CODE)]


def test_a_code_for_another_office_is_spent_all_the_same(provisioned):
    StandIn.office = "640104002"
    with pytest.raises(Refused) as refused:
        enroll(provisioned)
    assert "640104002" in refused.value.render("en") and "revoke" in refused.value.render("en")
    assert state.read_credentials(provisioned) is None
    assert setting(provisioned, ENROL_CODE_KEY) is None  # the server used it up: trying it again cannot work


@pytest.mark.parametrize(
    ("server", "code", "says"),
    [
        (None, None, "There is no sync server address and no enrolment code"),
        (None, "K7QXM-P9RTW", "There is no sync server address: give it with --server"),
        ("https://sync.example.cn", None, "There is no enrolment code"),
    ],
)
def test_without_a_provisioning_file_what_is_missing_is_named(plain, server, code, says):
    with pytest.raises(UserError) as missing:
        enroll(plain, server, code)
    assert missing.value.render("en").startswith(says)
    assert "--" in missing.value.render("zh_CN")  # the Chinese names the option to use as well
    assert StandIn.asked == [] and state.read_credentials(plain) is None


def test_a_garbled_sealed_code_is_reported_as_tampering_not_sent(provisioned):
    with provisioned.write() as tx:
        tx.session.get(Setting, ENROL_CODE_KEY).value = "not hex"
    with pytest.raises(UserError) as tampered:
        enroll(provisioned)
    assert "integrity" in tampered.value.render("en")
    assert StandIn.asked == []


def test_only_an_administrator_may_enrol_even_when_provisioned(provisioned, tmp_path):
    from app.services import users
    from models.enums import Role

    users.add(provisioned, "worker1", Role.WORKER, "worker-password-1", "专干", kdf=FAST)
    worker = open_store(tmp_path / "data", "worker1", "worker-password-1", today=lambda: TODAY)
    try:
        with pytest.raises(Refused):
            enroll(worker)
    finally:
        worker.close()
    assert StandIn.asked == [] and setting(provisioned, ENROL_CODE_KEY) is not None
