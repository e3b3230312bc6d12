"""The in-memory search index is filled the first time something asks, not at unlock."""

from __future__ import annotations

from app.services import persons
from app.services.inputs import PersonInput
from app.store.unlock import open_store
from tests.conftest import TODAY, WORKER, WORKER_PW, make_id


def test_unlock_opens_no_name_and_the_first_search_finds_everyone(store_dir, monkeypatch):
    store = open_store(store_dir, WORKER, WORKER_PW, today=lambda: TODAY)
    for n, name in enumerate(("张三", "李四", "王五")):
        persons.register(store, PersonInput(name=name, id_number=make_id(seq=101 + 2 * n)))
    store.close()

    opened: list[str] = []
    real_open = persons.index_entries

    def counting(store):
        for entry in real_open(store):
            opened.append(entry.names[0])
            yield entry

    monkeypatch.setattr(persons, "index_entries", counting)
    store = open_store(store_dir, WORKER, WORKER_PW, today=lambda: TODAY)
    assert opened == [] and not store.index.loaded
    assert [p.name for p in persons.search(store, "ls")] == ["李四"]
    assert sorted(opened) == ["张三", "李四", "王五"] and store.index.loaded
    persons.search(store, "zs")
    assert len(opened) == 3  # filled once

    # A person registered now is found too, and nothing is read again.
    persons.register(store, PersonInput(name="赵六", id_number=make_id(seq=109)))
    assert [p.name for p in persons.search(store, "zl")] == ["赵六"]
    assert len(opened) == 3
    store.close()
    assert len(store.index) == 0  # closing forgets every name for good


def test_a_person_registered_before_the_first_search_is_found_once(store_dir):
    store = open_store(store_dir, WORKER, WORKER_PW, today=lambda: TODAY)
    persons.register(store, PersonInput(name="钱七", id_number=make_id(seq=111)))
    assert not store.index.loaded  # a write does not fill it: the fill reads what was committed
    assert [p.name for p in persons.search(store, "钱七")] == ["钱七"]
    store.close()
