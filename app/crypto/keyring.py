"""The key file: the office's master key, wrapped once per user password and once by a recovery key.

Changing a password re-wraps the master key; no record is re-encrypted. The file also lists every data
key id with its suite (ids only — keys are derived from the master), and a MAC made with the master key
covers all of it, so an edited key file is noticed at the next unlock.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag

from app.crypto.kdf import KdfParams, calibrate, derive_key
from app.crypto.sealer import DataKey, Sealer
from app.crypto.suites import NONCE_BYTES, Aead, Suite, derive, mac, same
from app.files import write_atomically

FORMAT = 1
MASTER_BYTES = 32
RECOVERY_BYTES = 20  # 160 bits: 32 base32 characters, eight groups of four to copy by hand


class KeyringError(Exception):
    """Base of the key file's failures; ``code`` says which (the caller words the message)."""

    code = "keyring"


class KeyringMissing(KeyringError):
    code = "missing"


class KeyringDamaged(KeyringError):
    code = "damaged"


class WrongSecret(KeyringError):
    code = "wrong_secret"


class UnknownUser(KeyringError):
    code = "unknown_user"


@dataclass
class Unlocked:
    """The result of an unlock: the master key and what it opens."""

    master: bytes
    keyring: Keyring

    def sealer(self) -> Sealer:
        return self.keyring.sealer(self.master)


class Keyring:
    """The parsed key file. Mutating methods need the master key and write the file atomically."""

    def __init__(self, path: Path, data: dict[str, Any]) -> None:
        self.path = path
        self.data = data

    # ---- reading -----------------------------------------------------------------------------------
    @classmethod
    def load(cls, path: Path) -> Keyring:
        if not path.exists():
            raise KeyringMissing(str(path))
        try:
            data = json.loads(path.read_text("utf-8"))
            if data.get("format") != FORMAT or not isinstance(data.get("slots"), dict):
                raise ValueError("format")
            Suite(data["index_suite"])
        except (ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
            raise KeyringDamaged(str(path)) from exc
        return cls(path, data)

    @property
    def office_code(self) -> str:
        return str(self.data["office_code"])

    @property
    def office_name(self) -> str:
        return str(self.data["office_name"])

    @property
    def index_suite(self) -> Suite:
        return Suite(self.data["index_suite"])

    @property
    def active_suite(self) -> Suite:
        active = self.data["active_key"]
        return next(Suite(k["suite"]) for k in self.data["keys"] if k["id"] == active)

    def logins(self) -> list[str]:
        return sorted(s["login"] for s in self.data["slots"].values() if s["kind"] == "password")

    def user_id(self, login: str) -> str:
        return str(self._slot(f"user:{login}")["user_id"])

    def sealer(self, master: bytes) -> Sealer:
        keys = [DataKey(int(k["id"]), Suite(k["suite"])) for k in self.data["keys"]]
        return Sealer(master, keys, int(self.data["active_key"]), Suite(self.data["index_suite"]))

    # ---- unlocking ---------------------------------------------------------------------------------
    def unlock_with_password(self, login: str, password: str) -> Unlocked:
        slot = self._slot(f"user:{login}")
        try:
            params = KdfParams.from_json(slot["kdf"])
            salt = _b64d(slot["salt"])
        except (KeyError, ValueError, TypeError) as exc:
            raise KeyringDamaged(login) from exc
        kek = derive_key(password, salt, params)
        return self._unwrap(f"user:{login}", slot, kek)

    def unlock_with_recovery(self, recovery_key: str) -> Unlocked:
        slot = self._slot("recovery")
        raw = parse_recovery_key(recovery_key)
        if raw is None:
            raise WrongSecret("recovery")
        kek = derive(Suite.AES, raw + _b64d(slot["salt"]), "recovery-wrap", 32)
        return self._unwrap("recovery", slot, kek)

    def _slot(self, name: str) -> dict[str, Any]:
        slot = self.data["slots"].get(name)
        if slot is None:
            raise UnknownUser(name)
        return dict(slot)

    def _unwrap(self, name: str, slot: dict[str, Any], kek: bytes) -> Unlocked:
        try:
            suite = Suite(slot["suite"])
            aead = Aead(suite, kek[: suite.key_bytes])
            master = aead.decrypt(_b64d(slot["nonce"]), _b64d(slot["wrapped"]), _wrap_aad(name))
        except InvalidTag:
            # Wrong secret, or the wrapped key itself was altered: the slot's check value tells which.
            if not same(_slot_check(slot), _b64d(slot.get("check", ""))):
                raise KeyringDamaged(name) from None
            raise WrongSecret(name) from None
        except (KeyError, ValueError, TypeError) as exc:
            raise KeyringDamaged(name) from exc
        if not same(self._mac(master), _b64d(self.data.get("mac", ""))):
            raise KeyringDamaged("mac")
        return Unlocked(master, self)

    # ---- writing -----------------------------------------------------------------------------------
    @classmethod
    def create(
        cls,
        path: Path,
        *,
        office_code: str,
        office_name: str,
        suite: Suite,
        admin_login: str,
        admin_user_id: str,
        admin_password: str,
        kdf: KdfParams | None = None,
    ) -> tuple[Unlocked, str]:
        """Make a new office key; returns the unlocked keyring and the recovery key to show once."""
        master = secrets.token_bytes(MASTER_BYTES)
        data: dict[str, Any] = {
            "format": FORMAT,
            "office_code": office_code,
            "office_name": office_name,
            "index_suite": suite.value,
            "keys": [{"id": 1, "suite": suite.value}],
            "active_key": 1,
            "slots": {},
        }
        ring = cls(path, data)
        ring._put_password_slot(master, admin_login, admin_user_id, admin_password, kdf or calibrate())
        recovery = ring._put_recovery_slot(master)
        ring.save(master)
        return Unlocked(master, ring), recovery

    def set_password(
        self, master: bytes, login: str, user_id: str, password: str, kdf: KdfParams | None = None
    ) -> None:
        self._put_password_slot(master, login, user_id, password, kdf or calibrate())
        self.save(master)

    def remove_user(self, master: bytes, login: str) -> None:
        self.data["slots"].pop(f"user:{login}", None)
        self.save(master)

    def new_recovery_key(self, master: bytes) -> str:
        recovery = self._put_recovery_slot(master)
        self.save(master)
        return recovery

    def change_suite(self, master: bytes, suite: Suite) -> None:
        """Seal new values with a new data key of ``suite``; old ciphertexts keep naming their key."""
        new_id = max(int(k["id"]) for k in self.data["keys"]) + 1
        self.data["keys"].append({"id": new_id, "suite": suite.value})
        self.data["active_key"] = new_id
        self.save(master)

    def save(self, master: bytes) -> None:
        self.data["mac"] = _b64e(self._mac(master))
        write_atomically(self.path, json.dumps(self.data, ensure_ascii=False, indent=1).encode())

    def _put_password_slot(
        self, master: bytes, login: str, user_id: str, password: str, kdf: KdfParams
    ) -> None:
        salt = os.urandom(16)
        kek = derive_key(password, salt, kdf)
        name = f"user:{login}"
        slot = self._wrap(name, master, kek)
        slot.update(kind="password", login=login, user_id=user_id, kdf=kdf.to_json(), salt=_b64e(salt))
        slot["check"] = _b64e(_slot_check(slot))
        self.data["slots"][name] = slot

    def _put_recovery_slot(self, master: bytes) -> str:
        raw = secrets.token_bytes(RECOVERY_BYTES)
        salt = os.urandom(16)
        kek = derive(Suite.AES, raw + salt, "recovery-wrap", 32)
        slot = self._wrap("recovery", master, kek)
        slot.update(kind="recovery", salt=_b64e(salt))
        slot["check"] = _b64e(_slot_check(slot))
        self.data["slots"]["recovery"] = slot
        return format_recovery_key(raw)

    def _wrap(self, name: str, master: bytes, kek: bytes) -> dict[str, Any]:
        suite = self.active_suite
        nonce = os.urandom(NONCE_BYTES)
        wrapped = Aead(suite, kek[: suite.key_bytes]).encrypt(nonce, master, _wrap_aad(name))
        return {"suite": suite.value, "nonce": _b64e(nonce), "wrapped": _b64e(wrapped)}

    def _mac(self, master: bytes) -> bytes:
        body = {k: v for k, v in self.data.items() if k != "mac"}
        canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
        suite = Suite(self.data["index_suite"])
        return mac(suite, derive(suite, master, "keyring-mac", 32), canonical)


def format_recovery_key(raw: bytes) -> str:
    text = base64.b32encode(raw).decode().rstrip("=")
    return "-".join(text[i : i + 4] for i in range(0, len(text), 4))


def parse_recovery_key(text: str) -> bytes | None:
    cleaned = "".join(ch for ch in text.upper() if ch.isalnum())
    # People copy by hand: 0 and 1 are not in base32, so read them as O and I.
    cleaned = cleaned.replace("0", "O").replace("1", "I")
    try:
        raw = base64.b32decode(cleaned + "=" * (-len(cleaned) % 8))
    except ValueError:
        return None
    return raw if len(raw) == RECOVERY_BYTES else None


def _slot_check(slot: dict[str, Any]) -> bytes:
    """An unkeyed digest of the slot, to tell a damaged key file from a wrong password.

    It proves nothing against an attacker (who could recompute it); the AEAD and the MAC do that.
    """
    body = "|".join(str(slot.get(k, "")) for k in ("suite", "nonce", "wrapped", "salt", "kdf"))
    return hashlib.sha256(body.encode()).digest()[:8]


def _wrap_aad(name: str) -> bytes:
    return f"rehabdesk/wrap|{name}".encode()


def _b64e(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def _b64d(text: str) -> bytes:
    return base64.b64decode(text.encode(), validate=True)
