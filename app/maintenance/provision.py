"""Setting up an office from a file, with no questions: ``rehabdesk provision FILE``.

The file (TOML or JSON, UTF-8 or GBK as Notepad saves it) names the office, its cipher suite, the first
administrator, and optionally the office's policy override and its sync server with a one-time enrolment
code. The whole file is checked first and every problem reported at once, naming its key, in both
languages; nothing is written unless all of it is right. The first-run wizard reads the same file with
``load_provisioning``.

The administrator's password comes from ``admin.password`` in the file or, when the file has none, from
REHABDESK_PASSWORD. It is never printed or logged. A password kept in a file on a USB stick is a
password on a USB stick: prefer the variable, and change the password at first login either way.

Example (TOML)::

    [office]
    code = "640104001"          # 9 digits: 6-digit division code and 3-digit township code
    name = "胜利街道禁毒办"
    suite = "aes"               # or "sm4" (SM4-GCM with SM3)

    [admin]
    login = "admin"
    # password = "..."          # or set REHABDESK_PASSWORD

    [policy]
    file = "policy-640104.toml" # relative to this file; copied to the data directory as policy.toml

    [sync]
    server_url = "https://sync.example.cn"
    enrol_code = "ABCD-EFGH-1234"
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from app.crypto.kdf import KdfParams
from app.crypto.suites import Suite
from app.errors import NotFound, Refused, UserError
from app.files import write_atomically
from app.logs import log
from app.paths import DataDir
from app.rules.policy import DEFAULT_POLICY_PATH, PolicyError, load_policy
from app.store.unlock import ALREADY_SET_UP, BAD_OFFICE_CODE, check_login, check_password, init_store
from models import Setting
from models.text import Message, Text

PASSWORD_ENV = "REHABDESK_PASSWORD"
FORMAT = 1
SERVER_URL_KEY = "sync.server_url"
ENROL_CODE_KEY = "sync.enrol_code"
POLICY_FILE = "policy.toml"  # where app.services.caseload looks for the office's override
MAX_NAME = 100
MAX_URL = 300
MAX_CODE = 200
LOOPBACK = {"localhost", "127.0.0.1", "::1"}  # the only hosts plain http may name (as the sync client says)

# key -> the keys allowed in it (None: a value, not a table)
SCHEMA: dict[str, dict[str, None] | None] = {
    "format": None,
    "office": {"code": None, "name": None, "suite": None},
    "admin": {"login": None, "password": None},
    "policy": {"file": None},
    "sync": {"server_url": None, "enrol_code": None},
}

FILE_NOT_FOUND = Text("找不到配置文件 {path}。", "The provisioning file {path} was not found.")
FILE_INVALID = Text(
    "配置文件 {path} 有 {count} 处问题，未做任何更改：",
    "The provisioning file {path} has {count} problem(s); nothing was changed:",
)
SYNTAX = Text(
    "第 {line} 行第 {column} 列附近有格式错误（{kind} 语法），请检查引号、等号和括号。",
    "There is a syntax error near line {line}, column {column} ({kind}): check quotes, equals signs and "
    "brackets.",
)
NOT_TEXT_FILE = Text(
    "无法读取：文件不是 UTF-8 或 GBK 编码的文本。", "Cannot be read: the file is not UTF-8 or GBK text."
)
NOT_A_TABLE_FILE = Text(
    "文件的最外层应是一个表（TOML 的各个 [节]，或 JSON 的 {{ }}）。",
    "The file must hold a table at the top (TOML [sections], or a JSON {{ }} object).",
)
MISSING = Text("缺少必填项。", "This key is required.")
UNKNOWN_KEY = Text(
    "不认识的项（拼写错误？）。此处可用的项：{allowed}。",
    "Unknown key (a typo?). The keys allowed here: {allowed}.",
)
WRONG_TYPE = Text("类型不对：应为{kind}。", "Wrong type: it must be {kind}.")
KIND_TEXT = Text('文本（用引号括起，例如 "640104001"）', 'text (in quotes, e.g. "640104001")')
KIND_TABLE = Text("一个表（TOML 的 [节]，或 JSON 的对象）", "a table (a TOML [section], or a JSON object)")
KIND_INTEGER = Text("整数", "a whole number")
BAD_FORMAT = Text(
    "配置文件格式版本应为 {expected}；这个文件可能是为更新版本的工作台写的。",
    "The file format must be {expected}; this file may have been written for a newer RehabDesk.",
)
NAME_REQUIRED = Text("不能为空。", "Must not be empty.")
TOO_LONG = Text("太长：最多 {max} 个字符。", "Too long: at most {max} characters.")
BAD_SUITE = Text(
    "加密套件只能是 aes（AES-256-GCM）或 sm4（SM4-GCM 与 SM3，国密）。",
    "The cipher suite must be aes (AES-256-GCM) or sm4 (SM4-GCM with SM3).",
)
PASSWORD_MISSING = Text(
    "没有管理员密码：请在文件中填写 admin.password，或设置环境变量 {env}。",
    "There is no administrator password: put admin.password in the file, or set {env}.",
)
POLICY_MISSING = Text("找不到策略文件 {path}。", "The policy file {path} was not found.")
BAD_URL = Text(
    "服务器地址应以 https:// 开头并含主机名，例如 https://sync.example.cn（只有本机试用时可用 http://localhost），"
    "不能含用户名或密码。",
    "The server address must start with https:// and name a host, e.g. https://sync.example.cn (http:// only "
    "for a trial on this computer, http://localhost); it must not hold a user name or password.",
)
BAD_ENROL_CODE = Text(
    "登记码不能为空，也不能含空格。", "The enrolment code must not be empty or contain spaces."
)
ENROL_NEEDS_URL = Text(
    "有登记码时必须同时给出服务器地址 sync.server_url。",
    "An enrolment code needs the server address sync.server_url beside it.",
)

PROVISIONED = Text(
    "已建立办公室 {code} {name}，管理员 {admin}，加密套件 {suite}。",
    "Set up office {code} {name} with administrator {admin} and cipher suite {suite}.",
)
PROVISIONED_POLICY = Text(
    "已写入本办公室的规则策略（policy.toml）。", "Wrote the office's rules policy (policy.toml)."
)
PROVISIONED_SYNC = Text(
    "已保存同步服务器地址 {url} 和登记码（登记码已加密保存，登记本机时使用）。",
    "Saved the sync server address {url} and the enrolment code (sealed; used to enrol this computer).",
)
PASSWORD_IN_FILE = Text(
    "注意：管理员密码写在配置文件中。请在首次登录后修改密码，并删除或锁好该文件。",
    "Note: the administrator password was in the file. Change it at first login, and delete the file or "
    "lock it away.",
)


@dataclass(frozen=True)
class Problem:
    key: str  # dotted, e.g. "office.code"; "" for the file as a whole
    message: Message

    def render(self, lang: str | None = None) -> str:
        return f"{self.key}: {self.message.render(lang)}" if self.key else self.message.render(lang)


class ProvisioningInvalid(UserError):
    """The file has problems; ``problems`` lists each with its key. Nothing was written."""

    def __init__(self, path: Path, problems: list[Problem]) -> None:
        super().__init__(FILE_INVALID(path=str(path), count=len(problems)))
        self.problems = problems

    def render(self, lang: str | None = None) -> str:
        return "\n".join([self.message.render(lang), *(f"  - {p.render(lang)}" for p in self.problems)])


@dataclass(frozen=True)
class Provisioning:
    """A checked provisioning file. Secrets are left out of repr, so a logged object shows none."""

    source: Path
    office_code: str
    office_name: str
    suite: Suite
    admin_login: str
    admin_password: str | None = field(default=None, repr=False)
    password_from_file: bool = False
    policy_file: Path | None = None
    policy_text: bytes | None = field(default=None, repr=False)
    server_url: str | None = None
    enrol_code: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class Provisioned:
    office_code: str
    office_name: str
    admin_login: str
    suite: Suite
    recovery_key: str = field(repr=False)
    policy: bool
    sync: bool


def load_provisioning(
    path: Path, *, environ: Mapping[str, str] | None = None, need_password: bool = True
) -> Provisioning:
    """Read and check a provisioning file; raises ProvisioningInvalid listing every problem.

    Without ``admin.password`` in the file the password comes from REHABDESK_PASSWORD in ``environ``
    (the process environment by default). The wizard passes ``need_password=False`` to ask for it.
    """
    path = Path(path)
    if not path.is_file():
        raise NotFound(FILE_NOT_FOUND(path=str(path)))
    env = os.environ if environ is None else environ
    doc = _parse(path)
    problems: list[Problem] = []
    checker = _Checker(doc, problems)
    checker.known(SCHEMA)
    if "format" in doc:
        value = doc["format"]
        if not isinstance(value, int) or isinstance(value, bool):
            checker.fail("format", WRONG_TYPE(kind=KIND_INTEGER()))
        elif value != FORMAT:
            checker.fail("format", BAD_FORMAT(expected=FORMAT))

    code = checker.text("office", "code", required=True)
    if code is not None and not (len(code) == 9 and code.isdigit()):
        checker.fail("office.code", BAD_OFFICE_CODE())
    name = checker.text("office", "name", required=True)
    if name is not None:
        name = name.strip()
        if not name:
            checker.fail("office.name", NAME_REQUIRED())
        elif len(name) > MAX_NAME:
            checker.fail("office.name", TOO_LONG(max=MAX_NAME))
    suite = Suite.AES
    suite_name = checker.text("office", "suite")
    if suite_name is not None:
        try:
            suite = Suite.from_name(suite_name.strip())
        except ValueError:
            checker.fail("office.suite", BAD_SUITE())

    login = checker.text("admin", "login", required=True)
    if login is not None:
        _check(checker, "admin.login", check_login, login)
    password = checker.text("admin", "password")
    from_file = password is not None
    if password is not None:
        _check(checker, "admin.password", check_password, password)
    elif env.get(PASSWORD_ENV):
        password = env[PASSWORD_ENV]
        _check(checker, PASSWORD_ENV, check_password, password)
    elif need_password:
        checker.fail("admin.password", PASSWORD_MISSING(env=PASSWORD_ENV))

    policy_file, policy_text = None, None
    policy_name = checker.text("policy", "file")
    if policy_name is not None:
        policy_file = (path.parent / policy_name).resolve()
        if not policy_file.is_file():
            checker.fail("policy.file", POLICY_MISSING(path=str(policy_file)))
        else:
            try:
                load_policy(DEFAULT_POLICY_PATH, override=policy_file)
                policy_text = policy_file.read_bytes()
            except PolicyError as exc:
                checker.fail("policy.file", exc.message)

    url = checker.text("sync", "server_url")
    if url is not None:
        url = url.strip()
        if not _good_url(url):
            checker.fail("sync.server_url", BAD_URL())
        elif len(url) > MAX_URL:
            checker.fail("sync.server_url", TOO_LONG(max=MAX_URL))
    enrol = checker.text("sync", "enrol_code")
    if enrol is not None:
        enrol = enrol.strip()
        if not enrol or re.search(r"\s", enrol):
            checker.fail("sync.enrol_code", BAD_ENROL_CODE())
        elif len(enrol) > MAX_CODE:
            checker.fail("sync.enrol_code", TOO_LONG(max=MAX_CODE))
        elif url is None:
            checker.fail("sync.enrol_code", ENROL_NEEDS_URL())

    if problems:
        raise ProvisioningInvalid(path, problems)
    assert code is not None and name is not None and login is not None
    return Provisioning(
        source=path,
        office_code=code,
        office_name=name,
        suite=suite,
        admin_login=login,
        admin_password=password,
        password_from_file=from_file,
        policy_file=policy_file,
        policy_text=policy_text,
        server_url=url,
        enrol_code=enrol,
    )


def provision(
    root: Path,
    plan: Provisioning,
    *,
    password: str | None = None,
    kdf: KdfParams | None = None,
    today: Callable[[], date] = date.today,
) -> Provisioned:
    """Set up the office of ``plan`` in the empty data directory ``root``; returns the recovery key to show
    once. ``password`` (the wizard's) stands in for a plan without one. On any failure the files this
    made are removed again, so the directory is as empty as before."""
    data_dir = DataDir(root)
    if data_dir.exists():
        raise Refused(ALREADY_SET_UP(path=str(root)))
    admin_password = plan.admin_password or password
    if not admin_password:
        raise UserError(PASSWORD_MISSING(env=PASSWORD_ENV))
    check_password(admin_password)
    try:
        store, recovery = init_store(
            root,
            office_code=plan.office_code,
            office_name=plan.office_name,
            admin_login=plan.admin_login,
            admin_password=admin_password,
            suite=plan.suite,
            kdf=kdf,
            today=today,
        )
    except UserError:
        raise  # refused before anything was written
    except BaseException:
        _remove_made(data_dir)
        raise
    try:
        with store.write() as tx:
            if plan.server_url is not None:
                tx.session.add(Setting(key=SERVER_URL_KEY, value=plan.server_url))
            if plan.enrol_code is not None:
                sealed = store.sealer.seal("setting", "value", ENROL_CODE_KEY, plan.enrol_code)
                tx.session.add(Setting(key=ENROL_CODE_KEY, value=sealed.hex()))
            tx.audit(
                "store.provision",
                entity="office",
                details={"policy": plan.policy_text is not None, "sync": plan.server_url is not None},
            )
        if plan.policy_text is not None:
            write_atomically(data_dir.root / POLICY_FILE, plan.policy_text)
    except BaseException:
        store.close()
        _remove_made(data_dir)
        raise
    store.close()
    log.info(
        "office provisioned (policy %s, sync %s)", plan.policy_text is not None, plan.server_url is not None
    )
    return Provisioned(
        office_code=plan.office_code,
        office_name=plan.office_name,
        admin_login=plan.admin_login,
        suite=plan.suite,
        recovery_key=recovery,
        policy=plan.policy_text is not None,
        sync=plan.server_url is not None,
    )


def _remove_made(data_dir: DataDir) -> None:
    for path in (
        data_dir.database,
        data_dir.database.with_name(data_dir.database.name + "-wal"),
        data_dir.database.with_name(data_dir.database.name + "-shm"),
        data_dir.keyring,
        data_dir.root / POLICY_FILE,
    ):
        with contextlib.suppress(OSError):
            path.unlink()


# ---- reading and checking -----------------------------------------------------------------------------
def _parse(path: Path) -> dict[str, Any]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("gbk")  # Chinese Windows Notepad's "ANSI"
        except UnicodeDecodeError:
            raise ProvisioningInvalid(path, [Problem("", NOT_TEXT_FILE())]) from None
    as_json = path.suffix.lower() == ".json" or (
        path.suffix.lower() != ".toml" and text.lstrip().startswith("{")
    )
    try:
        doc = json.loads(text) if as_json else tomllib.loads(text)
    except json.JSONDecodeError as exc:
        raise ProvisioningInvalid(
            path, [Problem("", SYNTAX(line=exc.lineno, column=exc.colno, kind="JSON"))]
        ) from None
    except tomllib.TOMLDecodeError as exc:
        # The message ends "(at line L, column C)"; nothing of the file's content is quoted.
        where = re.search(r"line (\d+), column (\d+)", str(exc))
        line, column = (where.group(1), where.group(2)) if where else ("?", "?")
        raise ProvisioningInvalid(
            path, [Problem("", SYNTAX(line=line, column=column, kind="TOML"))]
        ) from None
    if not isinstance(doc, dict):
        raise ProvisioningInvalid(path, [Problem("", NOT_A_TABLE_FILE())])
    return doc


class _Checker:
    def __init__(self, doc: dict[str, Any], problems: list[Problem]) -> None:
        self.doc = doc
        self.problems = problems
        self.bad_sections: set[str] = set()

    def fail(self, key: str, message: Message) -> None:
        self.problems.append(Problem(key, message))

    def known(self, schema: Mapping[str, Any]) -> None:
        for key, value in self.doc.items():
            if key not in schema:
                self.fail(key, UNKNOWN_KEY(allowed=", ".join(schema)))
                continue
            allowed = schema[key]
            if allowed is None:
                continue
            if not isinstance(value, dict):
                self.fail(key, WRONG_TYPE(kind=KIND_TABLE()))
                self.bad_sections.add(key)
                continue
            for inner in value:
                if inner not in allowed:
                    self.fail(f"{key}.{inner}", UNKNOWN_KEY(allowed=", ".join(allowed)))

    def text(self, section: str, key: str, *, required: bool = False) -> str | None:
        if section in self.bad_sections:
            return None
        table = self.doc.get(section, {})
        if key not in table:
            if required:
                self.fail(f"{section}.{key}", MISSING())
            return None
        value = table[key]
        if not isinstance(value, str):
            self.fail(f"{section}.{key}", WRONG_TYPE(kind=KIND_TEXT()))
            return None
        return value


def _check(checker: _Checker, key: str, check: Callable[[str], None], value: str) -> None:
    try:
        check(value)
    except UserError as exc:
        checker.fail(key, exc.message)


def _good_url(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return (
        (parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in LOOPBACK))
        and bool(parts.hostname)
        and parts.username is None
        and parts.password is None
        and not re.search(r"\s", url)
    )
