from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select

from app.errors import NotFound, Refused
from app.services import persons
from app.services.inputs import PersonInput
from models import OutboxChange, Person
from models.enums import Gender, PersonStatus
from tests.conftest import make_id


def register(store, name="张三", id_number=None, **kw):
    return persons.register(store, PersonInput(name=name, id_number=id_number or make_id(), **kw)).created[0]


def test_register_derives_sex_and_birth_date_from_the_id_number(store):
    pid = register(store, id_number=make_id("19851231", 124), phone="+86 170 0000 0001")
    file = persons.open_file(store, pid)
    assert file.profile.gender is Gender.FEMALE
    assert file.profile.birth_date == date(1985, 12, 31)
    assert file.profile.phone == "17000000001"
    assert file.status is PersonStatus.NOT_REPORTED
    assert file.record_no == "640104001-2026-00001"


def test_a_bad_checksum_is_refused_with_the_expected_character(store):
    good = make_id()
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    with pytest.raises(Refused) as error:
        register(store, id_number=bad)
    assert good[-1] in error.value.render("zh_CN")
    assert "check character" in error.value.render("en")
    assert persons.summaries(store) == []


def test_a_legacy_15_digit_number_is_upgraded(store):
    eighteen = make_id("19750315", 777)
    fifteen = eighteen[:6] + eighteen[8:17]
    pid = register(store, id_number=fifteen)
    assert persons.open_file(store, pid).profile.id_number == eighteen


def test_birth_date_that_disagrees_with_the_number_is_refused(store):
    with pytest.raises(Refused) as error:
        register(store, birth_date=date(1991, 1, 1))
    assert "出生日期" in error.value.render("zh_CN")


def test_the_same_id_number_cannot_be_registered_twice(store):
    register(store)
    with pytest.raises(Refused) as error:
        register(store, name="张叁")
    assert "640104001-2026-00001" in error.value.render("zh_CN")
    assert len(persons.summaries(store)) == 1


def test_search_by_name_pinyin_initials_and_id_number(store):
    zhang = register(store, "张三丰", make_id(seq=101), aliases=["三哥"])
    li = register(store, "李四", make_id(seq=103))
    ids = lambda q: [p.id for p in persons.search(store, q)]  # noqa: E731
    assert ids("张三") == [zhang]
    assert ids("zsf") == [zhang]
    assert ids("zhangsan") == [zhang]
    assert ids("三哥") == [zhang]
    assert ids("ls") == [li]
    assert ids(make_id(seq=103)) == [li]
    assert ids(make_id(seq=103)[-6:]) == [li]
    assert ids("王") == []


def test_update_profile_records_which_fields_changed(store):
    pid = register(store, phone="17000000001")
    persons.update_profile(store, pid, phone="170 0000 0002", residence_address="幸福路 1 号")
    assert persons.open_file(store, pid).profile.phone == "17000000002"
    with store.read() as session:
        change = session.scalars(
            select(OutboxChange).where(OutboxChange.entity_id == pid, OutboxChange.op == "update")
        ).one()
        assert set(json.loads(change.fields)) >= {"phone", "phone_blind", "residence_address"}
    assert [p.id for p in persons.search(store, "17000000002")] == [pid]


def test_resolve_by_record_number_and_id_number(store):
    pid = register(store)
    assert persons.resolve(store, "640104001-2026-00001") == pid
    assert persons.resolve(store, make_id()) == pid
    with pytest.raises(NotFound):
        persons.resolve(store, "640104001-2026-99999")


def test_sealed_columns_hold_no_plaintext(store):
    pid = register(store, "王五", make_id(seq=105), residence_address="和平路 8 号")
    with store.read() as session:
        row = session.get(Person, pid)
        for column in ("name", "id_number", "residence_address"):
            raw = getattr(row, column)
            assert "王五".encode() not in raw and make_id(seq=105).encode() not in raw


@pytest.mark.parametrize("limit", [persons.IN_LIST_LIMIT, 1])  # looked up by key, or with the office
def test_names_and_summaries_agree_in_the_order_asked(store, monkeypatch, limit):
    monkeypatch.setattr(persons, "IN_LIST_LIMIT", limit)
    people = [
        register(store, name, make_id(seq=seq)) for name, seq in (("张三", 101), ("李四", 103), ("王五", 105))
    ]
    asked = [people[2], people[0]]
    rows = persons.summaries(store, asked)
    assert [row.id for row in rows] == asked
    assert [row.name for row in rows] == ["王五", "张三"]
    named = persons.names(store, [*asked, people[2]])
    assert list(named) == asked
    assert [(n.record_no, n.name) for n in named.values()] == [(r.record_no, r.name) for r in rows]
    assert persons.names(store, []) == {}
