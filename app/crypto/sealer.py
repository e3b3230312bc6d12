"""Sealing single values, bound to where they live.

Layout of a sealed value: ``version(1) | suite(1) | key id(4) | nonce(12) | ciphertext+tag``.
The associated data names the table, the column and the row, so a ciphertext copied onto another row
or column fails to open: it is reported as tampering, never shown as data.
"""

from __future__ import annotations

import json
import os
import struct
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from cryptography.exceptions import InvalidTag

from app.crypto.suites import NONCE_BYTES, Aead, Suite, derive, mac

FORMAT = 1
HEADER = struct.Struct(">BBI")


class TamperedError(Exception):
    """A sealed value failed authentication: it was altered, moved or made with another key."""

    def __init__(self, where: str) -> None:
        super().__init__(where)
        self.where = where


@dataclass(frozen=True)
class DataKey:
    """One data key: its id, its suite and the master key it derives from."""

    key_id: int
    suite: Suite


class Sealer:
    """Seals and opens values with the office's keys; holds every key id it has ever used."""

    def __init__(self, master: bytes, keys: list[DataKey], active: int, index_suite: Suite) -> None:
        self._ciphers: dict[int, Aead] = {
            k.key_id: Aead(k.suite, derive(k.suite, master, f"seal/{k.key_id}")) for k in keys
        }
        self._active = active
        self._active_suite = next(k.suite for k in keys if k.key_id == active)
        self._index_suite = index_suite
        self._index_key = derive(index_suite, master, "blind-index", 32)
        self.audit_key = derive(index_suite, master, "audit-chain", 32)
        self._openers: dict[tuple[str, str], Callable[[str, bytes], str]] = {}

    @property
    def suite(self) -> Suite:
        return self._active_suite

    def seal(self, table: str, column: str, row: UUID | str, value: str) -> bytes:
        return self.seal_bytes(table, column, row, value.encode())

    def seal_bytes(self, table: str, column: str, row: UUID | str, value: bytes) -> bytes:
        header = HEADER.pack(FORMAT, self._active_suite.wire_id, self._active)
        nonce = os.urandom(NONCE_BYTES)
        body = self._ciphers[self._active].encrypt(nonce, value, _aad(header, table, column, row))
        return header + nonce + body

    def open(self, table: str, column: str, row: UUID | str, sealed: bytes) -> str:
        # One opener a column for the sealer's life (its keys never change): making one per value cost
        # more than the decryption.
        opener = self._openers.get((table, column))
        if opener is None:
            opener = self._openers[(table, column)] = self.opener(table, column)
        return opener(str(row), sealed)

    def opener(
        self,
        table: str,
        column: str,
        *,
        tampered: Callable[[str], Exception] = TamperedError,
        text: bool = True,
    ) -> Callable[[str, bytes], Any]:
        """``open`` for one column over many rows: the same checks, with the per-call work done once.

        For bulk reads (a whole caseload's test results): the header's cipher and the associated data's
        prefix are looked up once instead of for every value, and a value costs one Python call around
        the cipher's own. A value that fails to open raises ``tampered(where)``. ``text=False``: the bytes
        as sealed by ``seal_bytes``.
        """
        where = f"{table}.{column}"
        tail = f"|{table}|{column}|".encode()
        size = HEADER.size
        start = size + NONCE_BYTES
        decrypt_for: dict[bytes, Callable[[bytes, bytes, bytes], bytes]] = {}

        def cipher_of(header: bytes) -> Callable[[bytes, bytes, bytes], bytes]:
            fmt, suite_byte, key_id = HEADER.unpack(header)
            cipher = self._ciphers.get(key_id)
            if fmt != FORMAT or cipher is None or cipher.suite.wire_id != suite_byte:
                raise tampered(where)
            decrypt_for[header] = cipher.raw_decrypt
            return cipher.raw_decrypt

        def open_one(row: str, sealed: bytes) -> str:
            if len(sealed) < start:
                raise tampered(where)
            header = sealed[:size]
            decrypt = decrypt_for.get(header) or cipher_of(header)
            try:
                return decrypt(sealed[size:start], sealed[start:], header + tail + row.encode()).decode()
            except InvalidTag:
                raise tampered(where) from None

        def open_bytes(row: str, sealed: bytes) -> bytes:
            if len(sealed) < start:
                raise tampered(where)
            header = sealed[:size]
            decrypt = decrypt_for.get(header) or cipher_of(header)
            try:
                return decrypt(sealed[size:start], sealed[start:], header + tail + row.encode())
            except InvalidTag:
                raise tampered(where) from None

        return open_one if text else open_bytes

    def seal_json(self, table: str, column: str, row: UUID | str, value: Any) -> bytes:
        return self.seal(table, column, row, json.dumps(value, ensure_ascii=False, separators=(",", ":")))

    def open_json(self, table: str, column: str, row: UUID | str, sealed: bytes) -> Any:
        return json.loads(self.open(table, column, row, sealed))

    def blind_index(self, kind: str, value: str) -> bytes:
        """A keyed hash for equality look-ups (ID number, phone): the value never needs decrypting to
        be found, and without the office key the index says nothing about it."""
        normal = unicodedata.normalize("NFKC", value).strip().upper()
        return mac(self._index_suite, self._index_key, f"{kind}:{normal}".encode())[:16]


def _aad(header: bytes, table: str, column: str, row: UUID | str) -> bytes:
    return header + f"|{table}|{column}|{row}".encode()
