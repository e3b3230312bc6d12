"""Why a sync did not happen, sorted the way the worker must act on it (STYLE item 9).

- ``auth``: the server does not accept this computer (token unknown, access withdrawn): ask IT to
  enrol it again. Data and unsent changes stay here; automatic retries stop until someone acts.
- ``network``: no server answered (no link, a timeout, a proxy or a server restarting): say it quietly
  and try again later.
- ``cancelled``: the user or the app stopped it: say nothing.
- ``other``: the server answered but refused (protocol, clock, a bug): warn, and keep trying later.
"""

from __future__ import annotations

from typing import Literal

from app.errors import UserError
from models.text import Message, Text

ErrorKind = Literal["auth", "network", "cancelled", "other", "not_enrolled"]

NOT_ENROLLED = Text(
    "本机尚未登记到同步服务器。所有修改都已安全保存在本机；请信息技术人员用一次性登记码登记本机（rehabdesk enroll）。",
    "This computer is not enrolled with a sync server. Every change is saved safely here; ask IT staff to "
    "enrol it with a one-time code (rehabdesk enroll).",
)
NETWORK_DOWN = Text(
    "暂时连不上同步服务器（{detail}）。修改都已保存在本机，稍后会自动重试。",
    "The sync server cannot be reached right now ({detail}). Changes are saved here and will be sent "
    "automatically later.",
)
BAD_TOKEN = Text(
    "同步服务器不再认可本机的登记凭据。数据和待同步的修改都保留在本机；请信息技术人员重新登记本机。",
    "The sync server no longer accepts this computer's credentials. The data and the changes waiting to "
    "sync are kept here; ask IT staff to enrol this computer again.",
)
REVOKED = Text(
    "本机的同步权限已被信息技术人员撤销。数据和待同步的修改都保留在本机，但不会再发送；如需恢复同步，请信息技术人员重新登记本机。",
    "This computer's sync access was withdrawn by IT staff. The data and the changes waiting to sync are "
    "kept here but will not be sent; to sync again, ask IT staff to enrol this computer again.",
)
CLOCK_SKEW = Text(
    "本机时钟与服务器相差约 {minutes} 分钟，为避免记录先后顺序错乱，暂不同步。请校准本机的日期和时间（或联系信息技术人员）后再试。",
    "This computer's clock differs from the server's by about {minutes} minutes; to keep the order of "
    "records right, nothing was synced. Set the correct date and time on this computer (or ask IT staff) "
    "and try again.",
)
PROTOCOL_MISMATCH = Text(
    "同步服务器使用的同步协议版本（{server}）与本机（{client}）不一致，暂不同步。请信息技术人员升级工作台或服务器。",
    "The sync server speaks sync protocol version {server} and this computer version {client}, so nothing "
    "was synced. Ask IT staff to upgrade RehabDesk or the server.",
)
BAD_REPLY = Text(
    "同步服务器的回复无法识别（{detail}），这次没有同步。稍后会自动重试；如反复出现，请联系信息技术人员。",
    "The sync server's reply could not be understood ({detail}); nothing was synced this time. It will be "
    "tried again later; if it keeps happening, contact IT staff.",
)
SERVER_ERROR = Text(
    "同步服务器出错（HTTP {status}），这次没有同步。稍后会自动重试；如反复出现，请联系信息技术人员。",
    "The sync server failed (HTTP {status}); nothing was synced this time. It will be tried again later; "
    "if it keeps happening, contact IT staff.",
)
CANCELLED = Text("同步已取消。", "Sync was cancelled.")
BAD_URL = Text(
    "服务器地址“{url}”无效，应以 https:// 开头（测试时可用 http://127.0.0.1）。",
    "The server address “{url}” is not valid: it must start with https:// (http://127.0.0.1 for tests).",
)


class SyncError(UserError):
    """A sync that did not happen, with its kind (what to do) and the server's code when it gave one."""

    kind: ErrorKind = "other"
    exit_code = 6

    def __init__(self, message: Message, code: str = "") -> None:
        super().__init__(message)
        self.code = code


class NotEnrolled(SyncError):
    kind = "not_enrolled"

    def __init__(self) -> None:
        super().__init__(NOT_ENROLLED(), "not_enrolled")


class NetworkDown(SyncError):
    kind = "network"
    exit_code = 7

    def __init__(self, detail: str) -> None:
        super().__init__(NETWORK_DOWN(detail=detail), "network")


class AuthFailed(SyncError):
    kind = "auth"
    exit_code = 8


class SyncCancelled(SyncError):
    kind = "cancelled"

    def __init__(self) -> None:
        super().__init__(CANCELLED(), "cancelled")


class CursorExpired(SyncError):
    """The server no longer keeps the change log after our cursor: rebuild from a snapshot."""


class TooLarge(SyncError):
    """The request body was over the server's limit: send fewer changes at once."""


class OutOfOrder(SyncError):
    """A batch sent while the one before was on its way reached the server without it: send it again
    once the answer to the one before is in (``sync.protocol.PushRequest.follows``)."""


def problem_message(code: str, message_zh: str, message_en: str) -> Message:
    """A server's own sentence (it comes in both languages), for errors we have no wording of our own for."""
    zh = message_zh or message_en or code
    en = message_en or message_zh or code
    return Text(zh.replace("{", "{{").replace("}", "}}"), en.replace("{", "{{").replace("}", "}}"))()


def error_from_problem(status: int, code: str, message_zh: str, message_en: str) -> SyncError:
    """Sort a server's refusal of a whole request into the kinds above."""
    if code == "revoked":
        return AuthFailed(REVOKED(), code)
    if status == 401 or code == "bad_token":
        return AuthFailed(BAD_TOKEN(), code or "bad_token")
    if code == "cursor_expired" or status == 410:
        return CursorExpired(problem_message(code, message_zh, message_en), "cursor_expired")
    if code == "too_large" or status == 413:
        return TooLarge(problem_message(code, message_zh, message_en), "too_large")
    if code == "out_of_order":
        return OutOfOrder(problem_message(code, message_zh, message_en), code)
    if code == "rate_limited" or status in (429, 502, 503, 504):
        error = NetworkDown(f"HTTP {status}")
        error.code = code or "unavailable"
        return error
    if status >= 500:
        return SyncError(SERVER_ERROR(status=status), code or "server_error")
    return SyncError(problem_message(code, message_zh, message_en), code or f"http_{status}")
