"""Every rule id has a name in both languages (tests/architecture checks every Text of the core)."""

from __future__ import annotations

from app.rules import catalogue


def test_rule_names_cover_every_rule_id() -> None:
    ids = {value for name, value in vars(catalogue).items() if name.isupper() and isinstance(value, str)}
    assert ids == set(catalogue.RULE_NAMES)
    assert all(rule.count(".") == 1 for rule in ids)  # "area.rule": stable, stored with dismissals
