"""The people list's query: search by name, pinyin, initials or ID; filters; orders; registering."""

from __future__ import annotations

from datetime import date

import pytest

from app.errors import Refused
from app.services import people_query, persons
from app.services.inputs import PersonInput
from app.services.people_query import FirstMeasure, PeopleQuery, query_ids, search_ids
from models.enums import MeasureKind, PersonStatus, RiskColour
from tests.conftest import make_id

PEOPLE = {
    # name: (birth, sequence digit: odd for men, risk colour, phone)
    "张三": ("19850101", 111, RiskColour.RED, "13900000001"),
    "李四": ("19920505", 222, RiskColour.BLUE, ""),
    "王小明": ("20010720", 333, RiskColour.YELLOW, ""),
    "赵敏": ("19781111", 444, RiskColour.BLUE, "0951-1234567"),
}


@pytest.fixture
def office(store):
    """Four persons; 张三 reported for community treatment, 赵敏 ordered rehab; 李四 assigned to admin."""
    admin = next(w for w in people_query.workers(store) if w.login == "admin")
    ids = {}
    for name, (birth, seq, risk, phone) in PEOPLE.items():
        data = PersonInput(name=name, id_number=make_id(birth, seq), risk_colour=risk, phone=phone)
        if name == "李四":
            data.assigned_worker_id = admin.id
        measure = None
        if name == "张三":
            measure = FirstMeasure(
                MeasureKind.COMMUNITY_TREATMENT, date(2026, 5, 1), reported_on=date(2026, 5, 10)
            )
        if name == "赵敏":
            measure = FirstMeasure(MeasureKind.COMMUNITY_REHAB, date(2026, 6, 1))
        ids[name] = people_query.register(store, data, measure).created[0]
    return ids


def names(office, ids):
    by_id = {v: k for k, v in office.items()}
    return [by_id[i] for i in ids]


def test_search_by_initials_pinyin_name_and_id_digits(store, office):
    assert names(office, query_ids(store, search="zs")) == ["张三"]
    assert names(office, query_ids(store, search="ZS")) == ["张三"]
    assert set(names(office, query_ids(store, search="z"))) == {"张三", "赵敏"}
    assert names(office, query_ids(store, search="wangxiao")) == ["王小明"]
    assert names(office, query_ids(store, search="小明")) == ["王小明"]
    assert names(office, query_ids(store, search="19920505")) == ["李四"]
    assert query_ids(store, search="nobody") == []


def test_a_full_id_or_phone_number_is_found_even_outside_the_in_memory_index(store, office):
    store.index.clear()
    assert names(office, search_ids(store, make_id("19781111", 444))) == ["赵敏"]
    assert names(office, search_ids(store, "139 0000 0001")) == ["张三"]
    assert names(office, search_ids(store, "(0951)1234567")) == ["赵敏"]


def test_relevance_puts_the_best_match_first(store, office):
    extra = persons.register(store, PersonInput(name="小张", id_number=make_id("19990101", 555))).created[0]
    found = query_ids(store, search="张", sort="relevance")
    assert found == [office["张三"], extra]  # a name starting with 张 before one merely containing it


def test_relevance_ties_keep_record_number_order_across_many_matches(store, office, monkeypatch):
    # Many matches are looked up a list at a time; the ties of a rank must still come by record number.
    monkeypatch.setattr(people_query, "IN_LIST_LIMIT", 2)
    for n in range(7):
        persons.register(
            store, PersonInput(name=f"张{'一二三四五六七'[n]}", id_number=make_id("19990101", 501 + n))
        )
    found = query_ids(store, search="zhang", sort="relevance")
    by_record = {row.id: row.record_no for row in persons.summaries(store)}
    assert len(found) == 8
    assert [by_record[pid] for pid in found] == sorted(by_record[pid] for pid in found)
    assert found == query_ids(store, search="zhang")  # the same as plain record-number order here


def test_filters_use_the_plain_columns(store, office):
    assert names(office, query_ids(store, status=PersonStatus.IN_TREATMENT)) == ["张三"]
    assert set(names(office, query_ids(store, status=PersonStatus.NOT_REPORTED))) == {
        "李四",
        "王小明",
        "赵敏",
    }
    assert names(office, query_ids(store, measure=MeasureKind.COMMUNITY_REHAB)) == ["赵敏"]
    assert names(office, query_ids(store, risk=RiskColour.BLUE)) == ["李四", "赵敏"]
    admin = next(w for w in people_query.workers(store) if w.login == "admin")
    assert names(office, query_ids(store, worker_id=admin.id)) == ["李四"]
    assert names(office, query_ids(store, risk=RiskColour.BLUE, search="z")) == ["赵敏"]
    assert names(office, query_ids(store, only={office["王小明"], office["张三"]})) == ["张三", "王小明"]
    assert query_ids(store, only=set()) == []


def test_orders(store, office):
    assert names(office, query_ids(store)) == ["张三", "李四", "王小明", "赵敏"]  # by record number
    assert names(office, query_ids(store, descending=True)) == ["赵敏", "王小明", "李四", "张三"]
    assert names(office, query_ids(store, sort="name")) == ["李四", "王小明", "张三", "赵敏"]  # by pinyin
    assert names(office, query_ids(store, sort="name", descending=True)) == ["赵敏", "张三", "王小明", "李四"]
    assert names(office, query_ids(store, sort="age")) == ["王小明", "李四", "张三", "赵敏"]
    assert names(office, query_ids(store, sort="birth_date")) == ["赵敏", "张三", "李四", "王小明"]
    assert names(office, query_ids(store, sort="sex")) == ["张三", "王小明", "李四", "赵敏"]  # men first
    assert names(office, query_ids(store, sort="risk_colour")) == ["张三", "王小明", "李四", "赵敏"]
    assert names(office, query_ids(store, sort="measure")) == ["张三", "赵敏", "李四", "王小明"]
    assert names(office, query_ids(store, sort="status"))[0] == "李四"  # not yet reported comes first
    assert names(office, query_ids(store, sort="worker")) == [
        "李四",
        "张三",
        "王小明",
        "赵敏",
    ]  # admin, worker1
    with pytest.raises(ValueError):
        query_ids(store, sort="colour of the door")


def test_querying_decrypts_nothing(store, office, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a sealed value was opened")

    monkeypatch.setattr(store, "open", refuse)
    for sort in (
        "relevance",
        "record_no",
        "name",
        "age",
        "sex",
        "id_number",
        "status",
        "risk_colour",
        "measure",
    ):
        assert len(PeopleQuery(search="z", sort=sort).run(store)) == 2
        assert len(PeopleQuery(sort=sort, descending=True).run(store)) == 4


def test_workers_lists_the_assignable_users(store):
    listed = {w.login: w for w in people_query.workers(store)}
    assert set(listed) == {"admin", "worker1"}
    assert listed["worker1"].shown == "测试专干"


def test_register_with_a_measure_is_one_transaction(store):
    good = FirstMeasure(
        MeasureKind.COMMUNITY_REHAB, date(2026, 6, 1), "某公安分局", "社康决字〔2026〕1号", date(2026, 6, 5)
    )
    changes = people_query.register(store, PersonInput(name="钱七", id_number=make_id("19800202", 777)), good)
    pid = changes.created[0]
    assert pid in changes.persons
    file = persons.read_file(store, pid)
    assert file.status is PersonStatus.IN_REHAB
    assert [(m.kind, m.document_no) for m in file.measures] == [
        (MeasureKind.COMMUNITY_REHAB, "社康决字〔2026〕1号")
    ]

    bad = FirstMeasure(MeasureKind.COMMUNITY_REHAB, date(2026, 6, 10), reported_on=date(2026, 6, 1))
    with pytest.raises(Refused) as error:
        people_query.register(store, PersonInput(name="孙八", id_number=make_id("19800303", 888)), bad)
    assert error.value.field == "reported_on"
    assert [s.name for s in persons.summaries(store)] == ["钱七"]
    assert query_ids(store, search="sunba") == []  # the index learnt nothing of the rolled-back person
