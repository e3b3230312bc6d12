"""Sealing: both suites, bound to table, column and row; tampering never opens."""

from __future__ import annotations

import os

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.crypto.keyring import format_recovery_key, parse_recovery_key
from app.crypto.sealer import DataKey, Sealer, TamperedError
from app.crypto.suites import Suite

MASTER = os.urandom(32)


def sealer(suite: Suite) -> Sealer:
    return Sealer(MASTER, [DataKey(1, suite)], 1, suite)


@pytest.mark.parametrize("suite", list(Suite))
@given(text=st.text(max_size=200))
def test_any_text_round_trips(suite, text):
    s = sealer(suite)
    assert s.open("person", "name", "row-1", s.seal("person", "name", "row-1", text)) == text


@pytest.mark.parametrize("suite", list(Suite))
def test_the_ciphertext_names_its_suite_and_hides_the_value(suite):
    sealed = sealer(suite).seal("person", "name", "r", "张三")
    assert sealed[1] == suite.wire_id
    assert "张三".encode() not in sealed
    assert sealer(suite).seal("person", "name", "r", "张三") != sealed  # a fresh nonce every time


@pytest.mark.parametrize("suite", list(Suite))
@pytest.mark.parametrize(
    "where", [("person", "name", "other-row"), ("person", "phone", "r"), ("visit", "name", "r")]
)
def test_a_value_moved_elsewhere_does_not_open(suite, where):
    s = sealer(suite)
    sealed = s.seal("person", "name", "r", "张三")
    with pytest.raises(TamperedError):
        s.open(*where, sealed)


@pytest.mark.parametrize("suite", list(Suite))
@given(position=st.integers(min_value=0, max_value=39), bit=st.integers(min_value=0, max_value=7))
def test_any_flipped_bit_is_tampering(suite, position, bit):
    s = sealer(suite)
    sealed = bytearray(s.seal("t", "c", "r", "abcdef"))
    sealed[position % len(sealed)] ^= 1 << bit
    with pytest.raises(TamperedError):
        s.open("t", "c", "r", bytes(sealed))


def test_another_key_cannot_open():
    other = Sealer(os.urandom(32), [DataKey(1, Suite.AES)], 1, Suite.AES)
    with pytest.raises(TamperedError):
        other.open("t", "c", "r", sealer(Suite.AES).seal("t", "c", "r", "x"))


def test_blind_index_is_keyed_and_normalised():
    s = sealer(Suite.AES)
    assert s.blind_index("id", "64010419900101123x") == s.blind_index("id", " 64010419900101123X ")
    other = Sealer(os.urandom(32), [DataKey(1, Suite.AES)], 1, Suite.AES)
    assert other.blind_index("id", "x") != s.blind_index("id", "x")
    assert s.blind_index("id", "1") != s.blind_index("phone", "1")


@given(raw=st.binary(min_size=20, max_size=20))
def test_recovery_keys_survive_hand_copying(raw):
    text = format_recovery_key(raw)
    assert len(text.split("-")) == 8
    assert parse_recovery_key(text.lower().replace("-", " ")) == raw
    assert parse_recovery_key(text.replace("O", "0").replace("I", "1")) == raw
    assert parse_recovery_key(text[:-1]) is None
