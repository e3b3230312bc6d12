"""The two cipher suites an office can choose at setup.

AES-256-GCM with SHA-256 is the default; SM4-GCM with SM3 serves the national commercial-cryptography
assessment (GB/T 39786). Every ciphertext names its suite, so data sealed before a change of suite
stays readable after it.
"""

from __future__ import annotations

import enum
import hmac as std_hmac
from collections.abc import Callable

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as crypto_hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

NONCE_BYTES = 12
TAG_BYTES = 16


class Suite(enum.Enum):
    AES = "aes-256-gcm"
    SM4 = "sm4-gcm"

    @property
    def wire_id(self) -> int:
        """The one byte that names the suite inside every ciphertext."""
        return _WIRE_IDS[self]

    @classmethod
    def from_wire(cls, byte: int) -> Suite:
        for suite, wire in _WIRE_IDS.items():
            if wire == byte:
                return suite
        raise ValueError(f"unknown suite byte {byte}")

    @classmethod
    def from_name(cls, name: str) -> Suite:
        """Accept the short names the command line uses ("aes", "sm4") and the full ones."""
        for suite in cls:
            if name.lower() in (suite.value, suite.value.split("-")[0]):
                return suite
        raise ValueError(name)

    @property
    def key_bytes(self) -> int:
        return 32 if self is Suite.AES else 16

    def hash(self) -> hashes.HashAlgorithm:
        return hashes.SHA256() if self is Suite.AES else hashes.SM3()


_WIRE_IDS = {Suite.AES: 1, Suite.SM4: 2}  # never renumber: every stored ciphertext carries one


class Aead:
    """Authenticated encryption with one key of one suite."""

    def __init__(self, suite: Suite, key: bytes) -> None:
        if len(key) != suite.key_bytes:
            raise ValueError("key length does not fit the suite")
        self.suite = suite
        self._key = key
        # AESGCM is a reusable C object; SM4 goes through the generic Cipher API (no AEAD class exists).
        self._aes = AESGCM(key) if suite is Suite.AES else None

    def encrypt(self, nonce: bytes, plaintext: bytes, aad: bytes) -> bytes:
        if self._aes is not None:
            return self._aes.encrypt(nonce, plaintext, aad)
        encryptor = Cipher(algorithms.SM4(self._key), modes.GCM(nonce)).encryptor()
        encryptor.authenticate_additional_data(aad)
        return encryptor.update(plaintext) + encryptor.finalize() + encryptor.tag

    @property
    def raw_decrypt(self) -> Callable[[bytes, bytes, bytes], bytes]:
        """``decrypt`` without this wrapper's call where the suite allows (AES: the C object's own)."""
        return self._aes.decrypt if self._aes is not None else self.decrypt

    def decrypt(self, nonce: bytes, ciphertext: bytes, aad: bytes) -> bytes:
        """Raise InvalidTag when the ciphertext, nonce or associated data were altered."""
        if self._aes is not None:
            return self._aes.decrypt(nonce, ciphertext, aad)
        if len(ciphertext) < TAG_BYTES:
            raise InvalidTag()
        body, tag = ciphertext[:-TAG_BYTES], ciphertext[-TAG_BYTES:]
        decryptor = Cipher(algorithms.SM4(self._key), modes.GCM(nonce, tag)).decryptor()
        decryptor.authenticate_additional_data(aad)
        return decryptor.update(body) + decryptor.finalize()


def derive(suite: Suite, master: bytes, purpose: str, length: int | None = None) -> bytes:
    """A sub-key for one purpose, so no key is ever used for two things."""
    return HKDF(
        algorithm=suite.hash(),
        length=length or suite.key_bytes,
        salt=None,
        info=b"rehabdesk/" + purpose.encode(),
    ).derive(master)


def mac(suite: Suite, key: bytes, data: bytes) -> bytes:
    h = crypto_hmac.HMAC(key, suite.hash())
    h.update(data)
    return h.finalize()


def same(a: bytes, b: bytes) -> bool:
    return std_hmac.compare_digest(a, b)
