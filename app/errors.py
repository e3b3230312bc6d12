"""Expected failures: each carries a sentence for the user, in their language, saying what to do.

Anything that is not a UserError is a bug: the CLI and the GUI log it (without personal data) and say
so, never showing a traceback to the user.
"""

from __future__ import annotations

from models.text import Message, Text


class UserError(Exception):
    exit_code = 1

    def __init__(self, message: Message, field: str = "") -> None:
        super().__init__(message.render("en"))
        self.message = message
        self.field = field  # the input field at fault, when there is one (forms show the message beside it)

    def render(self, lang: str | None = None) -> str:
        return self.message.render(lang)


class NotFound(UserError):
    exit_code = 3


class Refused(UserError):
    """The request was understood but the rules or the user's role forbid it."""

    exit_code = 4


class Tampering(UserError):
    """Stored data failed its integrity check. Never shown as data; points to backups."""

    exit_code = 5


TAMPERED = Text(
    "数据完整性校验失败（{where}）：该数据可能被篡改或损坏，已拒绝显示。请联系信息技术人员，从备份恢复。",
    "Stored data failed its integrity check ({where}): it may have been tampered with or damaged and is "
    "not shown. Ask IT staff to restore it from a backup.",
)
