"""The sync wire format, version 1, shared by the client (sync.client) and the server (sync.server).

Plain JSON over HTTPS (loopback HTTP in tests); bodies larger than a few KB are gzip-compressed
(``Content-Encoding: gzip``). Devices authenticate with ``Authorization: Bearer <token>``; the token
says which office (and for a county supervisor, which county) the device may see: scope never comes
from a request parameter. This module depends on the standard library and ``cryptography`` only, so
both ends can import it without the other's packages.

Endpoints (all JSON; errors are a ``Problem`` with an HTTP 4xx status, never a 5xx on bad input):
  GET  /v1/meta                       → Meta             (token optional) protocol version, server clock;
                                                         with a token, the device's highest seq it holds
  POST /v1/enroll   EnrollRequest     → EnrollResponse   (no auth) a one-time code makes a device
  POST /v1/push     PushRequest       → PushResponse     applied once per (device, seq), per-change results
  GET  /v1/pull?after=N&limit=M       → PullResponse     the change log after cursor N, in the token's scope;
                                                         410 + Problem(code="cursor_expired") → snapshot
  GET  /v1/snapshot?after=KEY&limit=M → SnapshotPage     current records of the scope, paged by key
  POST /v1/conflicts/{id}/resolve  ResolveRequest → PushResponse   (supervisor tokens only)
"""

from __future__ import annotations

import base64
import gzip
import json
import os
from dataclasses import dataclass, fields, is_dataclass
from typing import Any, Literal

import orjson
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

PROTOCOL_VERSION = 1
MAX_CLOCK_SKEW_MS = 5 * 60 * 1000  # a device clock further off than this is refused (HLCs would mislead)
# Changes per push. A batch is one transaction on the server and one on the device, whatever its size,
# so fewer, larger batches cost less a change; the body limits below still hold (a device halves a batch
# that does not fit, and the server refuses one with too many JSON objects as too large).
MAX_BATCH = 2000
# Pushes of one device a server takes at once (``Meta.push_window``): a device sends its next batch while
# the server still works on the one before, and the server applies them in the order sent
# (``PushRequest.follows``), so both ends work at the same time instead of by turns.
PUSH_WINDOW = 2
PAGE = 500  # changes a device asks for per pull or snapshot page (the server serves up to 1000)
MAX_BODY_BYTES = 8 * 1024 * 1024  # after decompression; larger bodies get 413
GZIP_ABOVE_BYTES = 2048

# Everything a device may push. Facts are append-only: each row is one version of a fact and is only
# ever inserted. The person profile is the only entity updated in place, field by field.
FACT_ENTITIES = (
    "visit",
    "drug_test",
    "assistance",
    "leave",
    "violation",
    "agreement",
    "police_report",
    "risk_flag",
    "risk_assessment",
    "risk_override",
)
ENTITIES = ("person", "work_group_member", "measure", "status_event", "review", *FACT_ENTITIES)
UPDATABLE = ("person", "measure", "work_group_member")  # may carry op="update"

Op = Literal["insert", "update"]
ResultStatus = Literal["applied", "duplicate", "rejected"]
ServerKind = Literal["change", "tombstone", "conflict", "resolution"]


@dataclass(slots=True)
class Problem:
    """Why a request (or one change) was refused: a stable code and a sentence in both languages."""

    code: str  # e.g. "bad_token", "revoked", "code_used", "code_expired", "out_of_scope", "invalid",
    #            "protocol", "clock_skew", "too_large", "cursor_expired", "rate_limited"; the server also
    #            sends "bad_code" (unknown enrolment code), "forbidden" (a worker resolving a conflict),
    #            "not_found", "immutable" (a fact re-sent with other content), "resolved" (a conflict
    #            resolved already, otherwise), "busy" (503: retry later), and, on an *applied*
    #            ChangeResult, "conflict" (both values kept until a supervisor decides)
    message_zh: str
    message_en: str


@dataclass(slots=True)
class Meta:
    protocol: int
    server_time_ms: int
    server_id: str
    max_batch: int = MAX_BATCH
    max_body_bytes: int = MAX_BODY_BYTES
    # Asked with a device's token: the highest outbox seq of that device the server holds (0: none).
    # A device that has had a higher seq confirmed sends those changes again: the server was restored
    # from an older backup. None without a (valid) token, and from servers that predate it.
    device_seq: int | None = None
    # How many pushes of one device this server takes at once, applied in the order sent (1: one
    # after the other, each sent once the answer to the one before is in; servers that predate it).
    push_window: int = 1


@dataclass(slots=True)
class EnrollRequest:
    code: str
    device_name: str
    client_version: str
    protocol: int = PROTOCOL_VERSION


@dataclass(slots=True)
class EnrollResponse:
    device_id: str
    token: str  # shown once; the server keeps only its hash
    office_code: str  # the office this device belongs to
    scope: str  # the office code, or a 6-digit county code for a county supervisor's device
    role: Literal["worker", "supervisor"]
    bundle_key: str  # base64, 32 bytes: seals this device's USB bundles (see seal_bundle)


@dataclass(slots=True)
class Change:
    """One local change, as the device's outbox recorded it; values are plaintext JSON (TLS protects
    them in transit; each end seals them at rest its own way)."""

    seq: int  # the device's gap-free sequence number
    entity: str  # one of ENTITIES
    id: str  # the row's UUID (UUIDv7, made offline)
    op: Op
    hlc: str  # hybrid logical clock "mmmmmmmmmmmmm:cccc:device"
    office_code: str
    person_id: str | None
    fields: dict[str, Any]  # column name → value (dates ISO, UUIDs as strings, enums as their codes)
    # For a person update: the clock of each changed field as the device knew it before the change.
    # The server finds a conflict when its own clock for that field differs and the values differ.
    base: dict[str, str] | None = None


@dataclass(slots=True)
class PushRequest:
    device_id: str
    changes: list[Change]
    protocol: int = PROTOCOL_VERSION
    client_time_ms: int = 0
    # The highest seq of the batch this device sent just before this one, when that batch may still be
    # on its way (``Meta.push_window``): the server applies this batch only once it has answered a
    # batch reaching that seq, waiting a moment for it; otherwise it refuses it (409 out_of_order) and
    # the device sends it again after the answer to the one before.
    follows: int | None = None


@dataclass(slots=True)
class ChangeResult:
    seq: int
    status: ResultStatus
    code: str = ""  # for "rejected": a Problem code
    message_zh: str = ""
    message_en: str = ""


@dataclass(slots=True)
class PushResponse:
    results: list[ChangeResult]
    server_time_ms: int


@dataclass(slots=True)
class ServerChange:
    """One entry of the server's change log, as pulled by a device in scope."""

    cursor: int  # the server's global sequence
    kind: ServerKind
    entity: str
    id: str
    op: Op
    hlc: str
    office_code: str
    person_id: str | None
    fields: dict[str, Any]
    origin_device: str  # the device that made it ("" for the server itself)
    # Whole records of updatable entities (a snapshot's, or a transferred person's file sent to the new
    # office): the clock of each field's value, so the device can send exact ``base`` clocks. None
    # elsewhere (a pulled change's fields all carry its ``hlc``); older peers ignore it.
    field_clocks: dict[str, str] | None = None


@dataclass(slots=True)
class PullResponse:
    changes: list[ServerChange]
    cursor: int  # the cursor to ask after next time (the last change's, or the request's when empty)
    more: bool


@dataclass(slots=True)
class SnapshotPage:
    records: list[ServerChange]  # current state of each record, as "change" entries
    next: str | None  # the key to ask after, None on the last page
    cursor: int  # the change-log cursor the snapshot is consistent with: pull from here afterwards


@dataclass(slots=True)
class ResolveRequest:
    field: str
    value: Any


# ---- JSON -------------------------------------------------------------------------------------------------
# A push or a page is a megabyte of JSON at each end: orjson reads and writes it several times faster
# than the standard library, with the same values. Where it would not, the standard library decides.

# Every digit as "0", every other byte as " ": a number of 19 digits or more shows as 19 zeros in a row
# (a translate and a find: a regular expression took longer than the parse).
_DIGITS_AS_ZEROS = bytes(48 if 48 <= b <= 57 else 32 for b in range(256))
_NINETEEN_DIGITS = b"0" * 19


def to_json(value: Any) -> bytes:
    """A message (or any value) as compact UTF-8 JSON, as ``json.dumps(value, ensure_ascii=False,
    separators=(",", ":"))`` writes it, messages (dataclasses) as objects of their fields, and a number
    that is not finite as null (JSON has none). What orjson refuses (an integer beyond 64 bits, a key
    that is not text) the standard library writes, or refuses as before (a lone surrogate)."""
    try:
        return orjson.dumps(value)
    except orjson.JSONEncodeError:
        # The same text as json.dumps(asdict(message)), without asdict's deep copy of every value.
        return json.dumps(value, default=_fields_of, ensure_ascii=False, separators=(",", ":")).encode()


def loads(raw: bytes | str) -> Any:
    """``json.loads(raw)``: by orjson where it gives the same value (``quick_loads``), else by the
    standard library, which raises what it raised before."""
    value = quick_loads(raw)
    return json.loads(raw) if value is UNSURE else value


UNSURE = object()


def quick_loads(raw: bytes | str) -> Any:
    """orjson's reading of ``raw`` where it is the standard library's; ``UNSURE`` where orjson refuses
    the text (NaN, UTF-16, damage) or it may hold an integer beyond 64 bits (19 digits in a row:
    orjson would make it a float)."""
    data = raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else raw
    if _NINETEEN_DIGITS in data.translate(_DIGITS_AS_ZEROS):
        return UNSURE
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        return UNSURE


def _fields_of(value: Any) -> dict[str, Any]:
    names = _FIELD_NAMES.get(type(value))
    if names is None:
        if not is_dataclass(value) or isinstance(value, type):
            raise TypeError(f"{type(value).__name__} is not JSON serialisable")
        names = _FIELD_NAMES[type(value)] = tuple(f.name for f in fields(value))
    return {name: getattr(value, name) for name in names}


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}  # each message class's field names, looked up once


def from_json(kind: type, data: bytes | str | dict[str, Any]) -> Any:
    """Build a message from JSON, nested lists of Change/ChangeResult/ServerChange included.

    Unknown keys are ignored (a newer peer may add fields); missing required ones raise ValueError.
    """
    raw = data if isinstance(data, dict) else loads(data)
    if not isinstance(raw, dict):
        raise ValueError("a JSON object was expected")
    names = _NAMES.get(kind)
    if names is None:  # looked up once a class: a page builds thousands of messages
        names = _NAMES[kind] = frozenset(kind.__dataclass_fields__)
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in names:
            continue
        item = _NESTED.get((kind, key))
        if item is not None and isinstance(value, list):
            value = [from_json(item, v) for v in value]
        values[key] = value
    try:
        return kind(**values)
    except TypeError as exc:
        raise ValueError(str(exc)) from None


_NAMES: dict[type, frozenset[str]] = {}
_NESTED: dict[tuple[type, str], type] = {
    (PushRequest, "changes"): Change,
    (PullResponse, "changes"): ServerChange,
    (PushResponse, "results"): ChangeResult,
    (SnapshotPage, "records"): ServerChange,
}


Prepared = tuple[bytes, dict[str, str]]  # a body as it goes on the wire, and the headers that say so


def compress(body: bytes) -> Prepared:
    if len(body) < GZIP_ABOVE_BYTES:
        return body, {"Content-Type": "application/json"}
    return gzip.compress(body, 6), {"Content-Type": "application/json", "Content-Encoding": "gzip"}


def decompress(body: bytes, encoding: str | None, limit: int = MAX_BODY_BYTES) -> bytes:
    """Inflate a gzip body without ever holding more than ``limit`` bytes (a zip bomb gets ValueError)."""
    if not encoding or encoding == "identity":
        if len(body) > limit:
            raise ValueError("too_large")
        return body
    if encoding != "gzip":
        raise ValueError("unsupported encoding")
    import zlib

    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    out = inflater.decompress(body, limit + 1)
    if len(out) > limit or inflater.unconsumed_tail:
        raise ValueError("too_large")
    return out


# ---- USB bundles ---------------------------------------------------------------------------------------
BUNDLE_MAGIC = b"RDSYNC1\n"


def seal_bundle(payload: bytes, device_id: str, key_b64: str, direction: Literal["up", "down"]) -> bytes:
    """An encrypted, authenticated file carrying a PushRequest ("up") or a PullResponse ("down").

    AES-256-GCM with the device's bundle key; the device id and direction are authenticated, so a
    bundle cannot be replayed as another device's or turned around. Applying it twice changes nothing
    (the same idempotence as a push).
    """
    key = base64.b64decode(key_b64)
    nonce = os.urandom(12)
    header = BUNDLE_MAGIC + json.dumps({"device_id": device_id, "direction": direction}).encode() + b"\n"
    return header + nonce + AESGCM(key).encrypt(nonce, gzip.compress(payload), header)


def open_bundle(
    blob: bytes, key_b64: str | None = None, keys: dict[str, str] | None = None
) -> tuple[str, str, bytes]:
    """(device_id, direction, payload); ValueError for a damaged, forged or foreign bundle.

    Give ``key_b64`` (a device reading its own bundle) or ``keys`` (the server: device id → key).
    """
    if not blob.startswith(BUNDLE_MAGIC):
        raise ValueError("not a RehabDesk sync bundle")
    end = blob.find(b"\n", len(BUNDLE_MAGIC))
    if end < 0:
        raise ValueError("damaged bundle")
    header = blob[: end + 1]
    try:
        meta = json.loads(blob[len(BUNDLE_MAGIC) : end])
        device_id, direction = str(meta["device_id"]), str(meta["direction"])
    except (ValueError, KeyError, TypeError):
        raise ValueError("damaged bundle") from None
    key = key_b64 if key_b64 is not None else (keys or {}).get(device_id)
    if key is None:
        raise ValueError("unknown device")
    nonce, body = blob[end + 1 : end + 13], blob[end + 13 :]
    try:
        payload = gzip.decompress(AESGCM(base64.b64decode(key)).decrypt(nonce, body, header))
    except (InvalidTag, ValueError, OSError):
        raise ValueError("damaged or forged bundle") from None
    return device_id, direction, payload


__all__ = [
    "ENTITIES",
    "FACT_ENTITIES",
    "MAX_BATCH",
    "MAX_CLOCK_SKEW_MS",
    "PAGE",
    "PROTOCOL_VERSION",
    "Change",
    "ChangeResult",
    "EnrollRequest",
    "EnrollResponse",
    "Meta",
    "Problem",
    "PullResponse",
    "PushRequest",
    "PushResponse",
    "ResolveRequest",
    "ServerChange",
    "SnapshotPage",
]
